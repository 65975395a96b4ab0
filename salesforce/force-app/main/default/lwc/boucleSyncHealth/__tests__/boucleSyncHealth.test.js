import { createElement } from 'lwc';
import { graphql } from 'lightning/graphql';
import { getNavigateCalledWith, resetNavigation } from 'lightning/navigation';
import BoucleSyncHealth from 'c/boucleSyncHealth';

// What the Boucle server wrote into Sync_Status__c two minutes ago: Salesforce answers (12
// waiting, 3 refused for good), ratings (never written yet) and callbacks (1 refused), 84,500 of
// the org's 100,000 daily API calls used; HubSpot answers, all written.
const data = require('./data/syncHealth.json');
const NOW = '2026-11-22T12:00:00.000Z';

function mount() {
  const element = createElement('c-boucle-sync-health', { is: BoucleSyncHealth });
  document.body.appendChild(element);
  return element;
}
const flush = () => Promise.resolve().then(() => Promise.resolve());
const texts = (root, selector) =>
  [...root.querySelectorAll(selector)].map((node) => node.textContent.trim());
const rows = (section) =>
  [...section.querySelectorAll('tbody tr')].map((row) => texts(row, 'th, td'));

describe('c-boucle-sync-health', () => {
  beforeEach(() => {
    jest.useFakeTimers({
      now: new Date(NOW),
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
    });
    resetNavigation();
  });
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.useRealTimers();
  });

  it('reads the Sync_Status__c records the server writes, and nothing else', async () => {
    mount();
    await flush();
    const query = graphql.getLastConfig().query;
    expect(query).toContain('Sync_Status__c(');
    expect(query).not.toMatch(/Survey_Response__c\(|Sync_Error__c\(/);
  });

  it('shows each CRM under its own heading, its records in the order the sync writes them', async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    const sections = [...element.shadowRoot.querySelectorAll('section.crm')];
    expect(sections.map((s) => s.querySelector('h3').textContent.trim())).toEqual([
      'HubSpot',
      'Salesforce',
    ]);
    // Each section is named by its heading, and its table says what it holds.
    expect(sections[1].getAttribute('aria-labelledby')).toBe(
      sections[1].querySelector('h3').getAttribute('id'),
    );
    expect(sections[1].querySelector('caption').textContent).toBe('c.Boucle_Health_Caption');
    const salesforce = rows(sections[1]);
    expect(salesforce.map((row) => row[0])).toEqual([
      'Answer (Survey_Response__c)',
      'Rating (Response_Rating__c)',
      'Callback (Callback__c)',
    ]);
    expect(salesforce[0].slice(2)).toEqual(['12', '3']);
    expect(salesforce[0][1]).toMatch(/2026/);
    expect(salesforce[1][1]).toBe('c.Boucle_Health_Never');
    expect(sections[1].querySelector('td.dead.slds-text-color_error').textContent).toBe('3');
  });

  it('says the API calls used today, in red from 80 % of the allowance', async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    const [hubspot, salesforce] = element.shadowRoot.querySelectorAll('section.crm p.api');
    expect(salesforce.textContent).toBe('c.Boucle_Health_Api');
    expect(salesforce.classList).toContain('slds-text-color_error');
    expect(hubspot.classList).not.toContain('slds-text-color_error');
  });

  it('links the records refused for good to the list view of the open sync errors', async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    const link = element.shadowRoot.querySelector('p.errors a');
    expect(link.textContent).toBe('c.Boucle_Health_Errors_Link');
    expect(link.getAttribute('href')).toMatch(/^\/generated\/Sync_Error__c\//);
    link.click();
    expect(getNavigateCalledWith().pageReference).toEqual({
      type: 'standard__objectPage',
      attributes: { objectApiName: 'Sync_Error__c', actionName: 'list' },
      state: { filterName: 'Open_Sync_Errors' },
    });
  });

  it('says when nothing was refused', async () => {
    const element = mount();
    const clean = data.uiapi.query.statuses.edges.map(({ node }) => ({
      node: { ...node, deadLetters: { value: 0 } },
    }));
    graphql.emit({ uiapi: { query: { statuses: { edges: clean } } } });
    await flush();
    expect(element.shadowRoot.querySelector('p.errors')).toBeNull();
    expect(element.shadowRoot.querySelector('p.no-errors').textContent).toBe(
      'c.Boucle_Health_No_Errors',
    );
  });

  it('warns when Boucle has not reported for 15 minutes', async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    expect(element.shadowRoot.querySelector('p.updated').textContent).toBe(
      'c.Boucle_Health_Updated',
    );
    element.remove();
    jest.setSystemTime(new Date(Date.parse(NOW) + 16 * 60000));
    const later = mount();
    graphql.emit(data);
    await flush();
    const updated = later.shadowRoot.querySelector('p.updated');
    expect(updated.textContent).toBe('c.Boucle_Health_Stale');
    expect(updated.classList).toContain('slds-text-color_error');
  });

  it('says when the server has written nothing yet', async () => {
    const element = mount();
    graphql.emit({ uiapi: { query: { statuses: { edges: [] } } } });
    await flush();
    expect(element.shadowRoot.querySelector('.empty').textContent).toBe('c.Boucle_Health_Empty');
    expect(element.shadowRoot.querySelector('table')).toBeNull();
  });

  it('is accessible', async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    jest.useRealTimers();
    await expect(element).toBeAccessible();
  });

  it('is accessible in its error state, saying what Salesforce said', async () => {
    const element = mount();
    graphql.emitErrors([{ message: 'No such column Backlog__c' }]);
    await flush();
    expect(element.shadowRoot.querySelector('[role="alert"]').textContent).toContain(
      'No such column Backlog__c',
    );
    jest.useRealTimers();
    await expect(element).toBeAccessible();
  });
});
