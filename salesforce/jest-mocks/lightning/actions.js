// sfdx-lwc-jest ships no stub for lightning/actions; this one mirrors its public API: the event a
// screen quick action dispatches to close its panel.
export class CloseActionScreenEvent extends CustomEvent {
  constructor() {
    super('close', { bubbles: true, composed: true });
  }
}
