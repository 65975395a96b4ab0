import { createElement } from 'lwc';
import { gql, graphql } from 'lightning/graphql';
import { getNavigateCalledWith } from 'lightning/navigation';
import { roundSummary, summarizeAccount } from 'c/npsCore';
import NpsAccountCard from 'c/npsAccountCard';

// summarizeAccount as c/npsCore has it, counted: the card summarizes once per query result.
jest.mock('c/npsCore', () => {
  const core = jest.requireActual('c/npsCore');
  return { ...core, summarizeAccount: jest.fn(core.summarizeAccount) };
});
// The one label whose placeholders the tests read filled in.
jest.mock(
  '@salesforce/label/c.Boucle_Norm_Text',
  () => ({ default: '{0}: {1} pts against the org-wide NPS of {2} (last 90 days)' }),
  { virtual: true },
);
// The card's query text, as gql received it when the component module loaded.
const QUERY_TEXT = gql.mock.results[0].value;

const data = require('./data/accountNps.json');
const empty = require('./data/empty.json');
const NOW = '2026-11-22T12:00:00.000Z';

function mount() {
  const element = createElement('c-nps-account-card', { is: NpsAccountCard });
  element.recordId = '001000000000001AAA';
  document.body.appendChild(element);
  return element;
}
const flush = () => Promise.resolve().then(() => Promise.resolve());
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
    const answers = data.uiapi.query.answers.edges.map(({ node }) => ({
      id: node.Id,
      metric: node.metric.value.toLowerCase(),
      score: node.score.value,
      answeredAt: node.answeredAt.value,
      touchpoint: node.touchpoint.value ?? undefined,
      comment: node.comment.value ?? undefined,
    }));
    const expected = roundSummary(
      summarizeAccount(answers, { now: NOW, norm: { nps: 20, margin: 10.5 } }).overall,
    );
    // Over 90 days: 3, 10, 9, 8 → 2 promoters, 1 passive, 1 detractor: NPS 25.
    expect(expected.nps).toBe(25);
    expect(text(element, '.nps')).toBe('+25.0');
    expect(text(element, '.margin')).toBe(`± ${expected.margin.toFixed(1)}`);
    expect(text(element, '.low-sample')).toBe('c.Boucle_Low_Sample');
    // The server's org-wide norm (NPS_Norm__c "org"): 20 ± 10.5; the account's 25 is within the
    // margins: in line.
    expect(text(element, '.norm')).toBe(
      'c.Boucle_Norm_Level: +5.0 pts against the org-wide NPS of +20.0 (last 90 days)',
    );
    expect(element.shadowRoot.querySelector('.partial')).toBeNull();
    expect(element.shadowRoot.querySelectorAll('.trend tbody tr')).toHaveLength(12);
    expect(
      [...element.shadowRoot.querySelectorAll('.touchpoints tbody th')].map((th) => th.textContent),
    ).toEqual(['Pre-sale', 'Contracting', 'After-sale', 'c.Boucle_Unspecified']);
  });

  it('draws the monthly trend as a chart with its margin band, the figures kept in a table for screen readers', async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    const chart = element.shadowRoot.querySelector('svg.trend-chart');
    expect(chart.getAttribute('role')).toBe('img');
    expect(chart.getAttribute('aria-label')).toBe('c.Boucle_Trend_Chart');
    // Answers in March, September, October and November 2026.
    expect(chart.querySelectorAll('circle.dot')).toHaveLength(4);
    expect(chart.querySelector('path.line').getAttribute('d')).toMatch(/^M/);
    // September (one passive) has no spread, hence no band; November (3 and 10) has one.
    expect(chart.querySelectorAll('path.band').length).toBeGreaterThan(0);
    const table = element.shadowRoot.querySelector('table.trend');
    expect(table.classList).toContain('slds-assistive-text');
    expect(table.querySelector('tbody tr:last-child th').textContent).toBe('Nov 2026');
  });

  it('draws the touchpoints as bars, each with its status in words, the table kept for screen readers', async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    const rows = [...element.shadowRoot.querySelectorAll('.touchpoints-chart .tp-row')];
    expect(rows.map((row) => row.querySelector('.tp-label').textContent)).toEqual([
      'Pre-sale',
      'Contracting',
      'After-sale',
      'c.Boucle_Unspecified',
    ]);
    expect(rows[0].querySelector('.tp-bar').getAttribute('style')).toBe('left: 50%; width: 50%');
    expect(rows[0].querySelector('.tp-status').textContent).toContain('c.Boucle_Target_Not_Enough');
    expect(element.shadowRoot.querySelector('table.touchpoints').classList).toContain(
      'slds-assistive-text',
    );
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

  it("shows each verbatim's themes as chips and its sentiment, as the server wrote them", async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    const [first, second, third] = element.shadowRoot.querySelectorAll('.verbatim');
    const chips = (item) => [...item.querySelectorAll('.theme')].map((chip) => chip.textContent);
    expect(chips(first)).toEqual(['c.Boucle_Theme_Delays']);
    expect(first.querySelector('[data-sentiment]').textContent).toBe('c.Boucle_Sentiment_Negative');
    expect(first.querySelector('.themes').getAttribute('aria-label')).toBe('c.Boucle_Themes');
    // An admin's own theme shows its id.
    expect(chips(second)).toEqual(['c.Boucle_Theme_Onboarding', 'sustainability']);
    expect(third.querySelector('.themes')).toBeNull();
    expect(third.querySelector('[data-sentiment]')).toBeNull();
  });

  it("lists the account's top irritants: the themes its unhappy answers name", async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    // One detractor in the window, on delays: too few unhappy answers for a margin.
    const items = [...element.shadowRoot.querySelectorAll('.irritants .irritant')];
    expect(items.map((li) => li.textContent.trim())).toEqual(['c.Boucle_Irritant_No_Margin']);
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
  });

  it('opens a callback through NavigationMixin, not a hand-built URL', async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    const link = element.shadowRoot.querySelector('.callback a');
    expect(link.getAttribute('href')).toBe('/generated/Callback__c/a01000000000001AAA/view');
    link.click();
    expect(getNavigateCalledWith().pageReference).toEqual({
      type: 'standard__recordPage',
      attributes: {
        recordId: 'a01000000000001AAA',
        objectApiName: 'Callback__c',
        actionName: 'view',
      },
    });
  });

  it('asks with aliases and day-rounded instants, so a namespace and the LDS cache do not matter', async () => {
    mount();
    await flush();
    for (const alias of [
      'answers: Survey_Response__c(',
      'callbacks: Callback__c(',
      'norm: NPS_Norm__c(',
      'nps: NPS__c',
      'margin: Margin__c',
      'score: Score__c',
    ])
      expect(QUERY_TEXT).toContain(alias);
    // 12:00 on 22 November: from midnight UTC, 366 and 90 days before.
    expect(graphql.getLastConfig().variables).toEqual({
      accountId: '001000000000001AAA',
      since: '2025-11-21T00:00:00.000Z',
    });
  });

  it('titles its sections with SLDS headings and gives the split bar a legend', async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    expect(
      [...element.shadowRoot.querySelectorAll('h3.slds-section__title')].map((h) =>
        h.textContent.trim(),
      ),
    ).toEqual([
      'c.Boucle_Trend',
      'c.Boucle_Touchpoints',
      'c.Boucle_Verbatims',
      'c.Boucle_Irritants',
      'c.Boucle_Callbacks',
    ]);
    expect(
      [...element.shadowRoot.querySelectorAll('.legend-item')].map((li) => li.textContent.trim()),
    ).toEqual(['c.Boucle_Promoters 50%', 'c.Boucle_Passives 25%', 'c.Boucle_Detractors 25%']);
    expect(element.shadowRoot.querySelector('.legend-item .swatch.bar_promoters')).not.toBeNull();
  });

  it('shows dates in the Salesforce user’s locale and time zone', async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    const day = new Intl.DateTimeFormat('en-US', {
      dateStyle: 'medium',
      timeZone: 'America/Los_Angeles',
    }).format(new Date('2026-11-20T09:14:00.000Z'));
    expect(text(element, '.verbatim .slds-badge')).toContain(`NPS 3 · ${day}`);
  });

  it('takes the headline NPS from the server’s rollup when the account has more than 2,000 answers', async () => {
    const element = mount();
    const many = JSON.parse(JSON.stringify(data));
    many.uiapi.query.answers.pageInfo.hasNextPage = true;
    many.uiapi.query.account.edges[0].node.npsScore.value = 31.4;
    many.uiapi.query.account.edges[0].node.npsResponses.value = 2512;
    graphql.emit(many);
    await flush();
    expect(text(element, '.nps')).toBe('+31.4');
    expect(text(element, '.count')).toBe('2512 c.Boucle_Answers');
    expect(text(element, '.partial')).toBe('c.Boucle_Partial');
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

  describe('the org-wide norm', () => {
    const normMissing = require('./data/normMissing.json');
    const errors = require('./data/errors.json');

    it('reads the norm the server wrote, not the answers the user can see', async () => {
      mount();
      await flush();
      expect(QUERY_TEXT).toContain('External_Id__c: { eq: "org" }');
      expect(QUERY_TEXT).not.toContain('aggregate');
    });

    it('says the norm is not available yet before the server has written it', async () => {
      const element = mount();
      graphql.emit(normMissing);
      await flush();
      expect(text(element, '.nps')).toBe('+25.0');
      expect(text(element, '.norm')).toBe('c.Boucle_Norm_Unavailable');
    });

    it('says the norm is not available yet while it has no figure (no NPS answer in 90 days)', async () => {
      const element = mount();
      const blank = JSON.parse(JSON.stringify(data));
      blank.uiapi.query.norm.edges[0].node.nps.value = null;
      blank.uiapi.query.norm.edges[0].node.margin.value = null;
      blank.uiapi.query.norm.edges[0].node.responses.value = 0;
      graphql.emit(blank);
      await flush();
      expect(text(element, '.norm')).toBe('c.Boucle_Norm_Unavailable');
    });

    it('shows the error when the norm cannot be read', async () => {
      const element = mount();
      graphql.emitErrors(errors);
      await flush();
      expect(text(element, '[role="alert"]')).toBe(
        'c.Boucle_Error Insufficient access to NPS_Norm__c',
      );
      expect(element.shadowRoot.querySelector('.norm')).toBeNull();
    });

    it('is accessible without a norm', async () => {
      jest.useRealTimers();
      const element = mount();
      graphql.emit(normMissing);
      await flush();
      await expect(element).toBeAccessible();
    }, 30_000);
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

  it('summarizes the answers once per query result, however often it renders', async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    element.shadowRoot.querySelector('.show-more').click();
    await flush();
    expect(element.shadowRoot.querySelectorAll('.verbatim')).toHaveLength(4);
    expect(summarizeAccount).toHaveBeenCalledTimes(1);
  });

  it('is accessible in its error state', async () => {
    jest.useRealTimers();
    const element = mount();
    graphql.emitErrors([{ message: 'Insufficient access to Survey_Response__c' }]);
    await flush();
    expect(element.shadowRoot.querySelector('[role="alert"]')).not.toBeNull();
    await expect(element).toBeAccessible();
  }, 30_000);

  it('is accessible', async () => {
    jest.useRealTimers();
    const element = mount();
    graphql.emit(data);
    await flush();
    await expect(element).toBeAccessible();
    // axe reads the whole card: seconds on a loaded machine.
  }, 30_000);

  describe('the journey', () => {
    const journey = require('./data/journey.json');
    const answer = (id, score, touchpoint, daysAgo = 3) => ({
      node: {
        Id: id,
        metric: { value: 'NPS' },
        score: { value: score },
        comment: { value: null },
        touchpoint: { value: touchpoint },
        answeredAt: { value: new Date(Date.parse(NOW) - daysAgo * 86400000).toISOString() },
        language: { value: null },
      },
    });
    const many = (prefix, count, score, touchpoint) =>
      Array.from({ length: count }, (_, i) => answer(`${prefix}${i}`, score, touchpoint));
    const withAnswers = (edges) => ({
      uiapi: {
        query: {
          ...journey.uiapi.query,
          answers: { edges, pageInfo: { hasNextPage: false } },
          callbacks: { edges: [] },
          norm: { edges: [] },
        },
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
      gap.uiapi.query.touchpoints.edges[2].node.order.value = 5;
      graphql.emit({
        uiapi: {
          ...withAnswers([answer('a', 9, 'after-sale')]).uiapi,
          query: {
            ...withAnswers([answer('a', 9, 'after-sale')]).uiapi.query,
            touchpoints: gap.uiapi.query.touchpoints,
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
