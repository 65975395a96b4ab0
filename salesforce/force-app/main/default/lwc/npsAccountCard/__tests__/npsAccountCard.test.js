import { createElement } from 'lwc';
import { graphql } from 'lightning/graphql';
import { roundSummary, summarizeAccount, npsFromCounts } from 'c/npsCore';
import NpsAccountCard from 'c/npsAccountCard';

const data = require('./data/accountNps.json');
const empty = require('./data/empty.json');
const NOW = '2026-11-22T12:00:00.000Z';

function mount() {
  const element = createElement('c-nps-account-card', { is: NpsAccountCard });
  element.recordId = '001000000000001AAA';
  document.body.appendChild(element);
  return element;
}
const flush = () => Promise.resolve();
const text = (element, selector) => element.shadowRoot.querySelector(selector)?.textContent.trim();

describe('c-nps-account-card', () => {
  beforeEach(() => {
    jest.useFakeTimers({
      now: new Date(NOW),
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
    });
  });
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.useRealTimers();
    jest.clearAllMocks();
  });

  it('shows a spinner while the answers load', () => {
    const element = mount();
    expect(element.shadowRoot.querySelector('lightning-spinner')).not.toBeNull();
  });

  it('queries the answers of its account', async () => {
    mount();
    await flush();
    expect(graphql.getLastConfig().variables.accountId).toBe('001000000000001AAA');
  });

  it('shows the same NPS, margin and norm as the shared logic (and npx boucle score)', async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    const answers = data.uiapi.query.Survey_Response__c.edges.map(({ node }) => ({
      id: node.Id,
      metric: node.Metric__c.value.toLowerCase(),
      score: node.Score__c.value,
      answeredAt: node.Answered_At__c.value,
      touchpoint: node.Touchpoint__c.value ?? undefined,
      comment: node.Comment__c.value ?? undefined,
    }));
    const norm = npsFromCounts({ promoters: 120, passives: 60, detractors: 70 });
    const expected = roundSummary(
      summarizeAccount(answers, { now: NOW, norm: { nps: norm.nps, margin: norm.margin } }).overall,
    );
    // Over 90 days: 3, 10, 9, 8 → 2 promoters, 1 passive, 1 detractor: NPS 25.
    expect(expected.nps).toBe(25);
    expect(text(element, '.nps')).toBe('+25.0');
    expect(text(element, '.margin')).toBe(`± ${expected.margin.toFixed(1)}`);
    expect(text(element, '.low-sample')).toBe('c.Boucle_Low_Sample');
    expect(text(element, '.norm')).toContain('c.Boucle_Norm_Level');
    expect(element.shadowRoot.querySelectorAll('.trend tbody tr')).toHaveLength(12);
    expect(
      [...element.shadowRoot.querySelectorAll('.touchpoints tbody th')].map((th) => th.textContent),
    ).toEqual(['Pre-sale', 'Contracting', 'After-sale', 'c.Boucle_Unspecified']);
  });

  it('renders verbatims as text, never as HTML', async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    const first = element.shadowRoot.querySelector('.verbatim .comment');
    expect(first.textContent).toBe('Délai <b>beaucoup</b> trop long <script>alert(1)</script>');
    expect(element.shadowRoot.querySelector('.verbatims b')).toBeNull();
    expect(element.shadowRoot.querySelector('.verbatims script')).toBeNull();
  });

  it('lists open callbacks with where they stand against their SLA', async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    const callbacks = [...element.shadowRoot.querySelectorAll('.callback')].map((li) =>
      li.textContent.replace(/\s+/g, ' ').trim(),
    );
    expect(callbacks[0]).toContain('CB-000001');
    expect(callbacks[0]).toContain('c.Boucle_Overdue');
    expect(callbacks[1]).toContain('c.Boucle_On_Time');
    expect(element.shadowRoot.querySelector('.callback a').getAttribute('href')).toBe(
      '/lightning/r/Callback__c/a01000000000001AAA/view',
    );
  });

  it('shows more verbatims on request', async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    expect(element.shadowRoot.querySelectorAll('.verbatim')).toHaveLength(3);
    element.shadowRoot.querySelector('.show-more').click();
    await flush();
    expect(element.shadowRoot.querySelectorAll('.verbatim')).toHaveLength(4);
    expect(element.shadowRoot.querySelector('.show-more')).toBeNull();
  });

  it('says when the account has no answers', async () => {
    const element = mount();
    graphql.emit(empty);
    await flush();
    expect(text(element, '.empty')).toBe('c.Boucle_Empty');
    expect(element.shadowRoot.querySelector('.nps')).toBeNull();
  });

  it('shows the error when the answers cannot be loaded', async () => {
    const element = mount();
    graphql.emitErrors([{ message: 'Insufficient access to Survey_Response__c' }]);
    await flush();
    expect(text(element, '[role="alert"]')).toBe(
      'c.Boucle_Error Insufficient access to Survey_Response__c',
    );
  });

  it('is accessible', async () => {
    jest.useRealTimers();
    const element = mount();
    graphql.emit(data);
    await flush();
    await expect(element).toBeAccessible();
  });

  describe('the journey', () => {
    const journey = require('./data/journey.json');
    const answer = (id, score, touchpoint, daysAgo = 3) => ({
      node: {
        Id: id,
        Metric__c: { value: 'NPS' },
        Score__c: { value: score },
        Comment__c: { value: null },
        Touchpoint__c: { value: touchpoint },
        Answered_At__c: { value: new Date(Date.parse(NOW) - daysAgo * 86400000).toISOString() },
        Language__c: { value: null },
      },
    });
    const many = (prefix, count, score, touchpoint) =>
      Array.from({ length: count }, (_, i) => answer(`${prefix}${i}`, score, touchpoint));
    const withAnswers = (edges) => ({
      uiapi: {
        query: {
          ...journey.uiapi.query,
          Survey_Response__c: { edges },
          Callback__c: { edges: [] },
        },
        aggregate: { Survey_Response__c: { edges: [] } },
      },
    });
    const rows = (element) =>
      [...element.shadowRoot.querySelectorAll('.touchpoints tbody tr')].map((tr) => [
        tr.querySelector('th').textContent,
        tr.querySelector('.target').textContent.replace(/\s+/g, ' ').trim(),
      ]);

    it('shows the touchpoints of Touchpoint__mdt in journey order, each against its target', async () => {
      const element = mount();
      graphql.emit(
        withAnswers([
          // After-sale: NPS +40 over 40 answers, above its target of +20 but within the margin.
          ...many('a', 22, 10, 'Après-vente'),
          ...many('b', 12, 8, 'after-sale'),
          ...many('c', 6, 2, 'apres vente'),
          ...many('d', 35, 10, 'Avant-vente'),
          ...many('e', 30, 1, 'support'),
          answer('f', 9, 'Onboarding'),
        ]),
      );
      await flush();
      expect(rows(element)).toEqual([
        ['Pre-sale', '+40.0 c.Boucle_Target_Met'],
        ['Support', '0.0 c.Boucle_Target_Missed'],
        ['After-sale', '+20.0 c.Boucle_Target_Not_Enough'],
        ['Onboarding (c.Boucle_Not_In_Journey)', '—'],
      ]);
      expect(element.shadowRoot.querySelector('.target .slds-theme_success')).not.toBeNull();
      expect(element.shadowRoot.querySelector('.target .slds-theme_error')).not.toBeNull();
      jest.useRealTimers();
      await expect(element).toBeAccessible();
    });

    it('keeps the shipped journey when the records are refused (orders with a gap)', async () => {
      const element = mount();
      const gap = JSON.parse(JSON.stringify(journey));
      gap.uiapi.query.Touchpoint__mdt.edges[2].node.Order__c.value = 5;
      graphql.emit({
        uiapi: {
          ...withAnswers([answer('a', 9, 'after-sale')]).uiapi,
          query: {
            ...withAnswers([answer('a', 9, 'after-sale')]).uiapi.query,
            Touchpoint__mdt: gap.uiapi.query.Touchpoint__mdt,
          },
        },
      });
      await flush();
      expect(rows(element).map(([label]) => label)).toEqual([
        'Pre-sale',
        'Contracting',
        'After-sale',
      ]);
    });
  });
});
