import { createElement } from 'lwc';
import { getRecord, updateRecord } from 'lightning/uiRecordApi';
import NpsCallbackLogger from 'c/npsCallbackLogger';

// The one label whose placeholder the tests read filled in.
jest.mock('@salesforce/label/c.Boucle_Logger_Saved_What', () => ({ default: 'Saved: {0}' }), {
  virtual: true,
});

const openCallback = require('./data/openCallback.json');
const NOW = '2026-11-22T12:00:00.000Z';

function withFields(fields) {
  const record = JSON.parse(JSON.stringify(openCallback));
  for (const [name, value] of Object.entries(fields))
    record.fields[name] = { displayValue: null, value };
  return record;
}
function mount(record = openCallback) {
  const element = createElement('c-nps-callback-logger', { is: NpsCallbackLogger });
  element.recordId = 'a03000000000001AAA';
  document.body.appendChild(element);
  getRecord.emit(record);
  return element;
}
const flush = () => Promise.resolve().then(() => Promise.resolve());
const $ = (element, selector) => element.shadowRoot.querySelector(selector);
function choose(element, status) {
  $(element, 'lightning-radio-group.status').dispatchEvent(
    new CustomEvent('change', { detail: { value: status } }),
  );
}
function type(element, selector, value) {
  const input = $(element, selector);
  input.value = value;
  input.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}
const save = (element) => $(element, 'lightning-button.save').click();

describe('c-nps-callback-logger', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date(NOW), doNotFake: ['nextTick', 'queueMicrotask'] });
  });
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.useRealTimers();
    jest.clearAllMocks();
  });

  it('reads the callback it sits on', async () => {
    mount();
    await flush();
    expect(getRecord.getLastConfig().recordId).toBe('a03000000000001AAA');
  });

  it('offers only the moves the shared state machine allows from where the callback stands', async () => {
    const element = mount();
    await flush();
    expect($(element, 'lightning-radio-group.status').options.map((o) => o.value)).toEqual([
      'attempted',
      'reached',
      'escalated',
    ]);
    const reached = mount(withFields({ Status__c: 'Reached', Reached_At__c: NOW }));
    await flush();
    expect($(reached, 'lightning-radio-group.status').options.map((o) => o.value)).toEqual([
      'resolved',
      'escalated',
    ]);
  });

  it('logs a reached customer with the outcome and root cause, stamping when', async () => {
    updateRecord.mockResolvedValue({});
    const element = mount();
    const toast = jest.fn();
    element.addEventListener('lightning__showtoast', toast);
    const close = jest.fn();
    element.addEventListener('close', close);
    await flush();
    choose(element, 'reached');
    type(element, 'lightning-input.outcome', '  Apologised, credit note sent ');
    type(element, 'lightning-input.root-cause', 'Late delivery');
    type(element, 'lightning-textarea.notes', 'Customer calm at the end');
    await flush();
    save(element);
    await flush();
    expect(updateRecord).toHaveBeenCalledWith({
      fields: {
        Id: 'a03000000000001AAA',
        Status__c: 'Reached',
        Reached_At__c: NOW,
        Outcome__c: 'Apologised, credit note sent',
        Root_Cause__c: 'Late delivery',
        Notes__c: 'Customer calm at the end',
        Follow_Up_Action__c: null,
      },
    });
    expect($(element, '.refusal')).toBeNull();
    expect(toast).toHaveBeenCalledTimes(1);
    // As the "Log callback" quick action, the panel closes once the outcome is written.
    expect(close).toHaveBeenCalledTimes(1);
    expect(toast.mock.calls[0][0].detail).toEqual(
      expect.objectContaining({ title: 'c.Boucle_Logger_Saved', variant: 'success' }),
    );
  });

  it('refuses to resolve without an outcome, with the reason, and writes nothing', async () => {
    const element = mount(
      withFields({ Status__c: 'Reached', Reached_At__c: '2026-11-22T10:00:00.000Z' }),
    );
    await flush();
    choose(element, 'resolved');
    await flush();
    save(element);
    await flush();
    expect(updateRecord).not.toHaveBeenCalled();
    // The reason in the user's language: a custom label per refusal of the state machine.
    expect($(element, '.refusal').textContent).toBe(
      'c.Boucle_Logger_Refused c.Boucle_Refused_Outcome',
    );
  });

  it('resolves once reached with an outcome, keeping the reach time', async () => {
    updateRecord.mockResolvedValue({});
    const element = mount(
      withFields({
        Status__c: 'Reached',
        Reached_At__c: '2026-11-22T10:00:00.000Z',
        Outcome__c: 'Credit note sent',
      }),
    );
    await flush();
    expect($(element, 'lightning-input.outcome').value).toBe('Credit note sent');
    choose(element, 'resolved');
    type(element, 'lightning-input.follow-up', 'Check next delivery');
    await flush();
    save(element);
    await flush();
    const { fields } = updateRecord.mock.calls[0][0];
    expect(fields).toEqual(
      expect.objectContaining({
        Status__c: 'Resolved',
        Outcome__c: 'Credit note sent',
        Follow_Up_Action__c: 'Check next delivery',
      }),
    );
    expect(fields).not.toHaveProperty('Reached_At__c');
  });

  it('refuses to close without contact before any attempt', async () => {
    const element = mount(withFields({ Status__c: 'Escalated' }));
    await flush();
    choose(element, 'closed_no_contact');
    await flush();
    save(element);
    await flush();
    expect(updateRecord).not.toHaveBeenCalled();
    expect($(element, '.refusal').textContent).toBe(
      'c.Boucle_Logger_Refused c.Boucle_Refused_No_Attempt',
    );
  });

  it('blanks the form once logged and says what was saved, so nothing is logged twice', async () => {
    updateRecord.mockResolvedValue({});
    const element = mount();
    await flush();
    choose(element, 'attempted');
    type(element, 'lightning-textarea.notes', 'No answer, voicemail left');
    await flush();
    save(element);
    await flush();
    // Lightning Data Service then refreshes the record: the form stays blank.
    getRecord.emit(withFields({ Status__c: 'Attempted', Notes__c: 'No answer, voicemail left' }));
    await flush();
    expect($(element, '.saved').textContent.trim()).toBe(
      'Saved: c.Boucle_Status_Attempted · c.Boucle_Logger_Notes: No answer, voicemail left',
    );
    expect($(element, 'lightning-radio-group.status').value).toBeUndefined();
    expect($(element, 'lightning-textarea.notes').value).toBe('');
    expect($(element, 'lightning-radio-group.status').options.map((o) => o.value)).toEqual([
      'attempted',
      'reached',
      'escalated',
      'closed_no_contact',
    ]);
    expect($(element, 'lightning-button.save').disabled).toBe(true);
  });

  it('shows a finished callback as a closed loop, with nothing left to log', async () => {
    const element = mount(withFields({ Status__c: 'Resolved', Outcome__c: 'Done' }));
    await flush();
    expect($(element, '.closed').textContent).toBe('c.Boucle_Logger_Closed');
    expect($(element, 'lightning-radio-group')).toBeNull();
  });

  it('shows what Salesforce refused when the update fails', async () => {
    updateRecord.mockRejectedValue({
      body: { output: { errors: [{ errorCode: 'INSUFFICIENT_ACCESS', message: 'No access' }] } },
    });
    const element = mount();
    await flush();
    choose(element, 'attempted');
    await flush();
    save(element);
    await flush();
    await flush();
    expect($(element, '.refusal').textContent).toBe('No access');
  });

  it('says why the callback cannot be read', async () => {
    const element = createElement('c-nps-callback-logger', { is: NpsCallbackLogger });
    element.recordId = 'a03000000000001AAA';
    document.body.appendChild(element);
    getRecord.error({ message: 'The requested resource does not exist' });
    await flush();
    expect($(element, '.load-error').textContent).toBe('The requested resource does not exist');
  });

  it('is accessible when the callback cannot be read', async () => {
    const element = createElement('c-nps-callback-logger', { is: NpsCallbackLogger });
    element.recordId = 'a03000000000001AAA';
    document.body.appendChild(element);
    getRecord.error({ message: 'The requested resource does not exist' });
    await flush();
    expect($(element, '.load-error')).not.toBeNull();
    jest.useRealTimers();
    await expect(element).toBeAccessible();
  });

  it('is accessible when Salesforce refuses the update', async () => {
    updateRecord.mockRejectedValue({
      body: { output: { errors: [{ errorCode: 'INSUFFICIENT_ACCESS', message: 'No access' }] } },
    });
    const element = mount();
    await flush();
    choose(element, 'attempted');
    await flush();
    save(element);
    await flush();
    await flush();
    expect($(element, '.refusal')).not.toBeNull();
    jest.useRealTimers();
    await expect(element).toBeAccessible();
  });

  it('is accessible', async () => {
    const element = mount();
    await flush();
    jest.useRealTimers();
    await expect(element).toBeAccessible();
  });
});
