// Stand-in for lightning/actions: on a record page there is no action panel to close.
export class CloseActionScreenEvent extends CustomEvent {
  constructor() {
    super('close', { bubbles: true, composed: true });
  }
}
