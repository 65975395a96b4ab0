import { createElement } from 'lwc';
import { createRecord, getRecord } from 'lightning/uiRecordApi';
import NpsResponseRating from 'c/npsResponseRating';

const caseRecord = require('./data/case.json');
const USER_ID = '005000000000000000'; // what sfdx-lwc-jest gives @salesforce/user/Id

function mount(props = {}) {
  const element = createElement('c-nps-response-rating', { is: NpsResponseRating });
  Object.assign(element, { recordId: '500000000000001AAA', objectApiName: 'Case', ...props });
  document.body.appendChild(element);
  return element;
}
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const $$ = (element, selector) => [...element.shadowRoot.querySelectorAll(selector)];
const star = (element, value) => $(element, `button[data-value="${value}"]`);
const save = (element) => $(element, 'lightning-button.save');

describe('c-nps-response-rating', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
  });

  it('offers five labelled scores, none chosen, and Save disabled until one is', async () => {
    const element = mount();
    await flush();
    const stars = $$(element, 'button.star');
    expect(stars.map((b) => b.dataset.value)).toEqual(['1', '2', '3', '4', '5']);
    expect(stars.map((b) => b.getAttribute('aria-pressed'))).toEqual(Array(5).fill('false'));
    expect(stars[4].textContent).toContain('c.Boucle_Rating_5');
    expect(save(element).disabled).toBe(true);
  });

  it('rates in two clicks: a score, then Save, creating one Response_Rating__c', async () => {
    createRecord.mockResolvedValue({ id: 'a02000000000001AAA' });
    const element = mount();
    await flush();
    star(element, 4).click();
    await flush();
    expect(star(element, 4).getAttribute('aria-pressed')).toBe('true');
    expect(save(element).disabled).toBe(false);
    save(element).click();
    await flush();
    expect(createRecord).toHaveBeenCalledTimes(1);
    expect(createRecord).toHaveBeenCalledWith({
      apiName: 'Response_Rating__c',
      fields: {
        External_Id__c: `salesforce:500000000000001AAA:${USER_ID}`,
        Interaction_Id__c: '500000000000001AAA',
        Employee__c: USER_ID,
        Rating__c: 4,
      },
    });
    expect($(element, '.saved').textContent).toBe('c.Boucle_Rating_Saved');
  });

  it('reads the interaction id from the configured field and sends the trimmed comment', async () => {
    const element = mount({ interactionField: 'Interaction_Id__c' });
    await flush();
    expect(getRecord.getLastConfig()).toEqual(
      expect.objectContaining({ optionalFields: ['Case.Interaction_Id__c'] }),
    );
    getRecord.emit(caseRecord);
    await flush();
    star(element, 2).click();
    const comment = $(element, 'lightning-textarea.comment');
    comment.value = '  I had to improvise  ';
    comment.dispatchEvent(new CustomEvent('change'));
    await flush();
    save(element).click();
    await flush();
    expect(createRecord.mock.calls[0][0].fields).toEqual(
      expect.objectContaining({
        External_Id__c: `salesforce:case-5521:${USER_ID}`,
        Interaction_Id__c: 'case-5521',
        Rating__c: 2,
        Comment__c: 'I had to improvise',
      }),
    );
  });

  it('never writes the computed fields (answer link, dissonance), which are read-only for users', async () => {
    createRecord.mockResolvedValue({ id: 'a02000000000001AAA' });
    const element = mount();
    await flush();
    star(element, 5).click();
    await flush();
    save(element).click();
    await flush();
    expect(Object.keys(createRecord.mock.calls[0][0].fields).sort()).toEqual([
      'Employee__c',
      'External_Id__c',
      'Interaction_Id__c',
      'Rating__c',
    ]);
  });

  it('refuses a second rating of the same answer with a clear message', async () => {
    createRecord.mockRejectedValue({
      body: {
        message: 'An error occurred while trying to update the record.',
        output: {
          errors: [],
          fieldErrors: {
            External_Id__c: [
              { errorCode: 'DUPLICATE_VALUE', message: 'duplicate value found: External_Id__c' },
            ],
          },
        },
      },
    });
    const element = mount();
    await flush();
    star(element, 3).click();
    await flush();
    save(element).click();
    await flush();
    expect($(element, '.error').textContent).toBe('c.Boucle_Rating_Already');
    expect($(element, '.saved')).toBeNull();
  });

  it('shows what Salesforce refused, and lets the employee try again', async () => {
    createRecord.mockRejectedValueOnce({
      body: { output: { errors: [{ errorCode: 'INSUFFICIENT_ACCESS', message: 'No access' }] } },
    });
    const element = mount();
    await flush();
    star(element, 3).click();
    await flush();
    save(element).click();
    await flush();
    expect($(element, '.error').textContent).toBe('No access');
    createRecord.mockResolvedValueOnce({ id: 'a02000000000001AAA' });
    save(element).click();
    await flush();
    expect(createRecord).toHaveBeenCalledTimes(2);
    expect($(element, '.saved')).not.toBeNull();
  });

  it('says so when the configured field is empty on this record', async () => {
    const element = mount({ interactionField: 'Interaction_Id__c' });
    await flush();
    getRecord.emit({ ...caseRecord, fields: { Interaction_Id__c: { value: null } } });
    await flush();
    expect($(element, '.no-interaction').textContent).toBe('c.Boucle_Rating_No_Interaction');
    expect($(element, 'button.star')).toBeNull();
  });

  it('is accessible when Salesforce refuses the rating', async () => {
    createRecord.mockRejectedValueOnce({
      body: { output: { errors: [{ errorCode: 'INSUFFICIENT_ACCESS', message: 'No access' }] } },
    });
    const element = mount();
    await flush();
    star(element, 3).click();
    await flush();
    save(element).click();
    await flush();
    expect($(element, '.error').textContent).toBe('No access');
    await expect(element).toBeAccessible();
  });

  it('is accessible', async () => {
    const element = mount();
    await flush();
    star(element, 4).click();
    await flush();
    await expect(element).toBeAccessible();
  });
});
