import { DEFAULT_TOUCHPOINTS, roundSummary, summarizeAccount } from 'c/npsCore';
import { MAX_VERBATIMS, accountView, journeyFromRecords } from 'c/npsAccountView';

// summarizeAccount as c/npsCore has it, counted: the view summarizes the account once.
jest.mock('c/npsCore', () => {
  const core = jest.requireActual('c/npsCore');
  return { ...core, summarizeAccount: jest.fn(core.summarizeAccount) };
});
jest.mock(
  '@salesforce/label/c.Boucle_Norm_Text',
  () => ({ default: '{0}: {1} pts against the org-wide NPS of {2} (last 90 days)' }),
  { virtual: true },
);

// The card's query result: six answers over a year, two open callbacks, the rollup and the norm.
const data = require('../../npsAccountCard/__tests__/data/accountNps.json');
const journey = require('../../npsAccountCard/__tests__/data/journey.json');
const NOW = '2026-11-22T12:00:00.000Z';
const copy = (value) => JSON.parse(JSON.stringify(value));
const answer = (id, score, { comment = null, daysAgo = 3, touchpoint = null } = {}) => ({
  node: {
    Id: id,
    metric: { value: 'NPS' },
    score: { value: score },
    comment: { value: comment },
    touchpoint: { value: touchpoint },
    answeredAt: { value: new Date(Date.parse(NOW) - daysAgo * 86400000).toISOString() },
    language: { value: null },
  },
});
const withAnswers = (edges) => {
  const result = copy(data);
  result.uiapi.query.answers.edges = edges;
  return result;
};

describe('c/npsAccountView', () => {
  afterEach(() => jest.clearAllMocks());

  it('summarizes the answers once per query result', () => {
    accountView(data, { now: NOW });
    expect(summarizeAccount).toHaveBeenCalledTimes(1);
  });

  it('shows the NPS of the last 90 days as c/npsCore computes it, with its margin', () => {
    const view = accountView(data, { now: NOW });
    // Over 90 days: 3, 10, 9, 8 → 2 promoters, 1 passive, 1 detractor: NPS 25.
    const expected = roundSummary(
      jest.requireActual('c/npsCore').summarizeAccount(
        [3, 10, 9, 8].map((score, i) => ({
          id: String(i),
          metric: 'nps',
          score,
          answeredAt: '2026-11-01T00:00:00.000Z',
        })),
        { now: NOW },
      ).overall,
    );
    expect(view).toMatchObject({
      npsText: '+25.0',
      marginText: `± ${expected.margin.toFixed(1)}`,
      answerCountText: '4 c.Boucle_Answers',
      lowSample: true,
      partial: false,
      empty: false,
      ready: true,
    });
    expect(view.split.map((part) => [part.key, part.pct, part.style])).toEqual([
      ['promoters', 50, 'width: 50%'],
      ['passives', 25, 'width: 25%'],
      ['detractors', 25, 'width: 25%'],
    ]);
    expect(view.splitLabel).toBe(
      'c.Boucle_Promoters 50%, c.Boucle_Passives 25%, c.Boucle_Detractors 25%',
    );
  });

  it('compares the account with the norm the server wrote', () => {
    expect(accountView(data, { now: NOW }).normText).toBe(
      'c.Boucle_Norm_Level: +5.0 pts against the org-wide NPS of +20.0 (last 90 days)',
    );
    const blank = copy(data);
    blank.uiapi.query.norm.edges = [];
    expect(accountView(blank, { now: NOW }).normText).toBe('c.Boucle_Norm_Unavailable');
  });

  it("takes the headline from the server's rollup when the query could not read every answer", () => {
    const many = copy(data);
    many.uiapi.query.answers.pageInfo.hasNextPage = true;
    many.uiapi.query.account.edges[0].node.npsScore.value = 31.4;
    many.uiapi.query.account.edges[0].node.npsResponses.value = 2512;
    expect(accountView(many, { now: NOW })).toMatchObject({
      partial: true,
      npsText: '+31.4',
      marginText: '± 40.1',
      answerCountText: '2512 c.Boucle_Answers',
    });
  });

  it('gives twelve months of trend, the current one last', () => {
    const { trend } = accountView(data, { now: NOW });
    expect(trend).toHaveLength(12);
    expect(trend[11]).toEqual({ key: '2026-11', n: 2, nps: '0.0' }); // 3 and 10 in November
  });

  it('keeps the latest verbatims, newest first, with the themes and sentiment the server wrote', () => {
    const { verbatims } = accountView(data, { now: NOW });
    expect(verbatims.map((v) => v.id)).toEqual([
      'a03000000000001AAA',
      'a03000000000002AAA',
      'a03000000000003AAA',
      'a03000000000004AAA',
    ]);
    expect(verbatims[0]).toMatchObject({
      comment: 'Délai <b>beaucoup</b> trop long <script>alert(1)</script>',
      lang: 'fr',
      badgeClass: 'slds-badge slds-theme_error',
      themes: [{ key: 'delays', label: 'c.Boucle_Theme_Delays' }],
      sentimentLabel: 'c.Boucle_Sentiment_Negative',
    });
    // An admin's own theme shows its id.
    expect(verbatims[1].themes.map((t) => t.label)).toEqual([
      'c.Boucle_Theme_Onboarding',
      'sustainability',
    ]);
    expect(verbatims[2]).toMatchObject({ hasThemes: false, sentimentLabel: undefined });
  });

  it(`keeps at most ${MAX_VERBATIMS} verbatims`, () => {
    const edges = Array.from({ length: 15 }, (_, i) =>
      answer(`v${i}`, 7, { comment: `comment ${i}`, daysAgo: i + 1 }),
    );
    const { verbatims } = accountView(withAnswers(edges), { now: NOW });
    expect(verbatims).toHaveLength(MAX_VERBATIMS);
    expect(verbatims[0].id).toBe('v0');
  });

  it('places each open callback against its SLA at the instant given', () => {
    const { callbacks } = accountView(data, { now: NOW });
    expect(callbacks.map((c) => [c.id, c.dueStatus, c.hoursLeft])).toEqual([
      ['a01000000000001AAA', 'c.Boucle_Overdue', -27],
      ['a01000000000002AAA', 'c.Boucle_On_Time', 69],
    ]);
    const later = accountView(data, { now: '2026-11-26T00:00:00.000Z' }).callbacks;
    expect(later[1].dueStatus).toBe('c.Boucle_Overdue');
  });

  it('is empty without answers or open callbacks', () => {
    const none = withAnswers([]);
    none.uiapi.query.callbacks.edges = [];
    expect(accountView(none, { now: NOW })).toMatchObject({ empty: true, ready: false });
    expect(accountView(withAnswers([]), { now: NOW })).toMatchObject({
      empty: false,
      hasVerbatims: false,
      hasCallbacks: true,
    });
  });

  it('lists the touchpoints of the journey it is given, each against its target', () => {
    const edges = [
      ...Array.from({ length: 35 }, (_, i) => answer(`p${i}`, 10, { touchpoint: 'Avant-vente' })),
      answer('o', 9, { touchpoint: 'Onboarding' }),
    ];
    const records = journeyFromRecords(journey.uiapi.query.touchpoints.edges);
    const rows = accountView(withAnswers(edges), {
      now: NOW,
      journey: records,
      lang: 'fr',
    }).touchpoints;
    expect(rows.map((row) => [row.label, row.target, row.status])).toEqual([
      ['Avant-vente', '+40.0', 'c.Boucle_Target_Met'],
      ['Assistance', '0.0', 'c.Boucle_Target_Not_Enough'],
      ['Après-vente', '+20.0', 'c.Boucle_Target_Not_Enough'],
      ['Onboarding (c.Boucle_Not_In_Journey)', '—', ''],
    ]);
  });
});

describe('journeyFromRecords', () => {
  const edges = journey.uiapi.query.touchpoints.edges;

  it("takes the org's Touchpoint__mdt records, in order", () => {
    expect(journeyFromRecords(edges).map((t) => [t.key, t.order])).toEqual([
      ['pre-sale', 1],
      ['support', 2],
      ['after-sale', 3],
    ]);
  });

  it.each([
    ['no records', []],
    [
      'a record without its French label',
      edges.map((edge, i) => {
        return i === 1 ? { node: { ...edge.node, labelFr: { value: null } } } : edge;
      }),
    ],
  ])('keeps the shipped journey with %s', (_label, records) => {
    expect(journeyFromRecords(records)).toBe(DEFAULT_TOUCHPOINTS);
  });
});
