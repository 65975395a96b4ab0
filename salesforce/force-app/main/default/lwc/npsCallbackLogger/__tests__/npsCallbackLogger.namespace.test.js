// In a managed package every field of the logger's object is named with the namespace prefix
// (bcl__Status__c…): the logger reads and writes what its @salesforce/schema imports say, never
// a hand-written field name, so it works the same under a namespace.
import { createElement } from 'lwc';
import { getRecord, updateRecord } from 'lightning/uiRecordApi';
import NpsCallbackLogger from 'c/npsCallbackLogger';

const namespaced = (field) => ({
  default: { objectApiName: 'bcl__Callback__c', fieldApiName: field },
});
jest.mock('@salesforce/schema/Callback__c.Id', () => namespaced('Id'), { virtual: true });
jest.mock('@salesforce/schema/Callback__c.CreatedDate', () => namespaced('CreatedDate'), {
  virtual: true,
});
jest.mock('@salesforce/schema/Callback__c.Status__c', () => namespaced('bcl__Status__c'), {
  virtual: true,
});
jest.mock('@salesforce/schema/Callback__c.Reached_At__c', () => namespaced('bcl__Reached_At__c'), {
  virtual: true,
});
jest.mock('@salesforce/schema/Callback__c.Outcome__c', () => namespaced('bcl__Outcome__c'), {
  virtual: true,
});
jest.mock('@salesforce/schema/Callback__c.Root_Cause__c', () => namespaced('bcl__Root_Cause__c'), {
  virtual: true,
});
jest.mock('@salesforce/schema/Callback__c.Notes__c', () => namespaced('bcl__Notes__c'), {
  virtual: true,
});
jest.mock(
  '@salesforce/schema/Callback__c.Follow_Up_Action__c',
  () => namespaced('bcl__Follow_Up_Action__c'),
  { virtual: true },
);

const NOW = '2026-11-22T12:00:00.000Z';
const flush = () => Promise.resolve().then(() => Promise.resolve());

describe('c-nps-callback-logger in a namespaced package', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date(NOW), doNotFake: ['nextTick', 'queueMicrotask'] });
  });
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.useRealTimers();
    jest.clearAllMocks();
  });

  it('reads and writes the namespaced fields its schema imports name', async () => {
    updateRecord.mockResolvedValue({});
    const element = createElement('c-nps-callback-logger', { is: NpsCallbackLogger });
    element.recordId = 'a03000000000001AAA';
    document.body.appendChild(element);
    getRecord.emit({
      apiName: 'bcl__Callback__c',
      id: 'a03000000000001AAA',
      fields: {
        bcl__Status__c: { value: 'Reached' },
        CreatedDate: { value: '2026-11-21T09:00:00.000Z' },
        bcl__Reached_At__c: { value: '2026-11-22T10:00:00.000Z' },
        bcl__Outcome__c: { value: 'Credit note sent' },
        bcl__Root_Cause__c: { value: null },
        bcl__Notes__c: { value: null },
        bcl__Follow_Up_Action__c: { value: null },
      },
    });
    await flush();
    const radios = element.shadowRoot.querySelector('lightning-radio-group.status');
    expect(radios.options.map((o) => o.value)).toEqual(['resolved', 'escalated']);
    radios.dispatchEvent(new CustomEvent('change', { detail: { value: 'resolved' } }));
    await flush();
    element.shadowRoot.querySelector('lightning-button.save').click();
    await flush();
    expect(updateRecord).toHaveBeenCalledWith({
      fields: {
        Id: 'a03000000000001AAA',
        bcl__Status__c: 'Resolved',
        bcl__Outcome__c: 'Credit note sent',
        bcl__Root_Cause__c: null,
        bcl__Notes__c: null,
        bcl__Follow_Up_Action__c: null,
      },
    });
  });
});
