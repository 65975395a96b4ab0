import { createElement } from 'lwc';
import { graphql } from 'lightning/graphql';
import { getNavigateCalledWith } from 'lightning/navigation';
import NpsCallbackQueue from 'c/npsCallbackQueue';

const team = require('./data/teamCallbacks.json');
const NOW = '2026-11-22T12:00:00.000Z';
const USER_ID = '005000000000000000'; // what sfdx-lwc-jest gives @salesforce/user/Id

function mount() {
  const element = createElement('c-nps-callback-queue', { is: NpsCallbackQueue });
  document.body.appendChild(element);
  return element;
}
const flush = () => Promise.resolve().then(() => Promise.resolve());
const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const cells = (element, selector) =>
  [...element.shadowRoot.querySelectorAll(selector)].map((cell) => cell.textContent.trim());

describe('c-nps-callback-queue', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date(NOW), doNotFake: ['nextTick', 'queueMicrotask'] });
  });
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.useRealTimers();
    jest.clearAllMocks();
  });

  it('shows a spinner, then asks for the callbacks of the current user and their team', async () => {
    const element = mount();
    expect($(element, 'lightning-spinner')).not.toBeNull();
    await flush();
    expect(graphql.getLastConfig().variables).toEqual({ userId: USER_ID });
  });

  it('lists overdue callbacks first, then due soon, then on time, then the reached ones', async () => {
    const element = mount();
    graphql.emit(team);
    await flush();
    expect(cells(element, 'a.open')).toEqual(['CB-0004', 'CB-0003', 'CB-0001', 'CB-0002']);
    expect(cells(element, '.time-left .slds-badge')).toEqual([
      'c.Boucle_Overdue',
      'c.Boucle_Due_Soon',
      'c.Boucle_On_Time',
      'c.Boucle_Queue_Sla_Missed',
    ]);
  });

  it('shows the time left against the SLA, or how late it is, until the customer is reached', async () => {
    const element = mount();
    graphql.emit(team);
    await flush();
    // Due 07:00 → 5 h late; 14:00 → 2 h left; tomorrow 18:00 → 30 h left; reached: nothing left.
    expect(cells(element, '.time-left .hours')).toEqual([
      'c.Boucle_Queue_Hours_Late',
      'c.Boucle_Queue_Hours_Left',
      'c.Boucle_Queue_Hours_Left',
    ]);
    expect(
      [...element.shadowRoot.querySelectorAll('.time-left')].map((cell) => cell.dataset.hours),
    ).toEqual(['-5', '2', '30', undefined]);
  });

  it('shows the due date and time in the Salesforce user’s locale and time zone', async () => {
    const element = mount();
    graphql.emit(team);
    await flush();
    // sfdx-lwc-jest gives @salesforce/i18n/locale en-US and timeZone America/Los_Angeles.
    const userTime = new Intl.DateTimeFormat('en-US', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'America/Los_Angeles',
    });
    const due = [
      '2026-11-22T07:00:00.000Z',
      '2026-11-22T14:00:00.000Z',
      '2026-11-23T18:00:00.000Z',
      '2026-11-22T08:00:00.000Z',
    ];
    expect(cells(element, '.due')).toEqual(due.map((iso) => userTime.format(new Date(iso))));
    expect(cells(element, '.due')[0]).toMatch(/^Nov 21, 2026, 11:00\sPM$/);
  });

  it('shows picklist values by their translated label (displayValue)', async () => {
    const element = mount();
    graphql.emit(team);
    await flush();
    expect(cells(element, '.kind')).toContain('Remerciement promoteur');
  });

  it('asks with aliases, so that a namespace prefix does not change the answer', async () => {
    mount();
    await flush();
    const query = graphql.getLastConfig().query;
    expect(query).toMatch(/callbacks: Callback__c\(/);
    for (const alias of ['name: Name', 'kind: Kind__c', 'dueAt: Due_At__c', 'account: Account__r'])
      expect(query).toContain(alias);
  });

  it('opens a callback in one click, through NavigationMixin', async () => {
    const element = mount();
    graphql.emit(team);
    await flush();
    const link = $(element, 'a.open');
    expect(link.getAttribute('href')).toBe('/generated/Callback__c/a03000000000004AAA/view');
    link.click();
    expect(getNavigateCalledWith().pageReference).toEqual({
      type: 'standard__recordPage',
      attributes: {
        recordId: 'a03000000000004AAA',
        objectApiName: 'Callback__c',
        actionName: 'view',
      },
    });
  });

  it('renders account names as text', async () => {
    const element = mount();
    graphql.emit(team);
    await flush();
    expect(cells(element, '.account')).toContain('Acme <Lyon>');
    expect(element.shadowRoot.querySelector('lyon')).toBeNull();
  });

  it('says when the team has no open callback', async () => {
    const element = mount();
    graphql.emit({ uiapi: { query: { callbacks: { edges: [] } } } });
    await flush();
    expect($(element, '.empty').textContent).toBe('c.Boucle_Queue_Empty');
    expect($(element, 'table')).toBeNull();
  });

  it('shows why the callbacks cannot be loaded', async () => {
    const element = mount();
    graphql.emitErrors([{ message: 'No such column ManagerId' }]);
    await flush();
    expect($(element, '.error').textContent).toBe('No such column ManagerId');
  });

  it('is accessible in its error state', async () => {
    const element = mount();
    graphql.emitErrors([{ message: 'No such column ManagerId' }]);
    await flush();
    expect($(element, '.error')).not.toBeNull();
    jest.useRealTimers();
    await expect(element).toBeAccessible();
  });

  it('is accessible', async () => {
    const element = mount();
    graphql.emit(team);
    await flush();
    jest.useRealTimers();
    await expect(element).toBeAccessible();
  });
});
