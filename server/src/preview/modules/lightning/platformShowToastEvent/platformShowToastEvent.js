// Stand-in for lightning/platformShowToastEvent: the page listens for it and shows the toast.
export class ShowToastEvent extends CustomEvent {
  constructor(detail) {
    super('lightning__showtoast', { bubbles: true, composed: true, cancelable: true, detail });
  }
}
