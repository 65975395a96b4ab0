import { DEFAULT_TOUCHPOINTS, roundSummary, summarizeAccount } from 'c/npsCore';
import { MAX_VERBATIMS, accountView, journeyFromRecords } from 'c/npsAccountView';

// summarizeAccount as c/npsCore has it, counted: the view summarizes the account once.
jest.mock('c/npsCore', () => {
  const core = jest.requireActual('c/npsCore');
  return { ...core, summarizeAccount: jest.fn(core.summarizeAccount) };
});
jest.mock(
  '@salesforce/label/c.Boucle_Csat_Detail',
  () => ({ default: 'satisfied (4–5 of 5), {0} answers' }),
  { virtual: true },
);
jest.mock(
  '@salesforce/label/c.Boucle_Ces_Detail',
  () => ({ default: 'mean effort from 1 to 7 (lower is better), {0} answers' }),
  { virtual: true },
);
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

  it('shows CSAT and CES beside the NPS, as c/npsCore computes them over the window', () => {
    const view = accountView(data, { now: NOW });
    // One CSAT answer of 4 (satisfied: 100 %), one CES answer of 3.
    expect(view.hasSatisfaction).toBe(true);
    expect(view.satisfaction).toEqual([
      {
        key: 'csat',
        label: 'c.Boucle_Csat_Window',
        text: '100.0%',
        detail: 'satisfied (4–5 of 5), 1 answers',
      },
      {
        key: 'ces',
        label: 'c.Boucle_Ces_Window',
        text: '3.0',
        detail: 'mean effort from 1 to 7 (lower is better), 1 answers',
      },
    ]);
  });

  it('leaves CSAT and CES out while the window has no such answer', () => {
    const npsOnly = withAnswers([answer('a1', 9), answer('a2', 3)]);
    expect(accountView(npsOnly, { now: NOW })).toMatchObject({
      satisfaction: [],
      hasSatisfaction: false,
    });
  });

  it("takes CSAT and CES from the server's rollup when the query could not read every answer", () => {
    const many = copy(data);
    many.uiapi.query.answers.pageInfo.hasNextPage = true;
    Object.assign(many.uiapi.query.account.edges[0].node, {
      csatScore: { value: 66.7 },
      csatResponses: { value: 2400 },
      cesScore: { value: 2.4 },
      cesResponses: { value: 812 },
    });
    expect(accountView(many, { now: NOW }).satisfaction).toMatchObject([
      { key: 'csat', text: '66.7%', detail: 'satisfied (4–5 of 5), 2400 answers' },
      { key: 'ces', text: '2.4', detail: 'mean effort from 1 to 7 (lower is better), 812 answers' },
    ]);
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
    many.uiapi.query.account.edges[0].node.npsMargin.value = 0;
    expect(accountView(many, { now: NOW }).marginText).toBe('c.Boucle_Margin_Too_Small');
  });

  it('gives twelve months of trend, the current one last', () => {
    const { trend } = accountView(data, { now: NOW });
    expect(trend).toHaveLength(12);
    // 3 and 10 in November.
    expect(trend[11]).toEqual({
      key: '2026-11',
      month: 'Nov 2026',
      n: 2,
      nps: '0.0',
      margin: '± 138.6',
    });
  });

  it('says a one-answer or one-sided sample is too small for a margin, never "± 0.0"', () => {
    const one = accountView(withAnswers([answer('a', 10)]), { now: NOW });
    expect(one.marginText).toBe('c.Boucle_Margin_Too_Small');
    const sided = accountView(withAnswers([answer('a', 10), answer('b', 9)]), { now: NOW });
    expect(sided.marginText).toBe('c.Boucle_Margin_Too_Small');
    expect(sided.trend[11].margin).toBe('c.Boucle_Margin_Too_Small');
    expect(sided.trend[10].margin).toBe('—'); // no answers in October
    const none = accountView(withAnswers([]), { now: NOW });
    expect(none.marginText).toBe('');
  });

  describe('the trend chart', () => {
    // September: 3 and 9 (a margin); October: none; November: 10 and 10 (one-sided, no margin).
    const chartOf = (edges) => accountView(withAnswers(edges), { now: NOW }).trendChart;
    const sept = (id, score) => answer(id, score, { daysAgo: 65 });

    it('draws a dot per month with answers, the line broken across a month without any', () => {
      const chart = chartOf([sept('s1', 3), sept('s2', 9), answer('n1', 10), answer('n2', 10)]);
      expect(chart.dots.map((dot) => dot.key)).toEqual(['2026-09', '2026-11']);
      expect(chart.line.match(/M/g)).toHaveLength(2);
      expect(chart.line).not.toContain('L');
    });

    it('puts the NPS on a scale from −100 at the bottom to +100 at the top', () => {
      const chart = chartOf([sept('s1', 3), sept('s2', 9), answer('n1', 10), answer('n2', 10)]);
      const grid = Object.fromEntries(chart.grid.map((line) => [line.text, line.y]));
      const [september, november] = chart.dots;
      expect(september.y).toBe(grid['0']); // one promoter, one detractor
      expect(november.y).toBe(grid['+100']);
      expect(grid['+100']).toBeLessThan(grid['-100']);
    });

    it('bands the margin of the months that have one, and not a one-sided month', () => {
      const chart = chartOf([sept('s1', 3), sept('s2', 9), answer('n1', 10), answer('n2', 10)]);
      expect(chart.bands).toHaveLength(1);
      const september = chart.dots[0];
      expect(chart.bands[0].d).toContain(`${september.x - 4}`);
    });

    it('joins the bands of consecutive months into one', () => {
      const chart = chartOf([
        sept('s1', 3),
        sept('s2', 9),
        answer('o1', 3, { daysAgo: 35 }),
        answer('o2', 10, { daysAgo: 35 }),
      ]);
      expect(chart.bands).toHaveLength(1);
      expect(chart.bands[0].d.match(/L/g).length).toBeGreaterThanOrEqual(3);
    });

    it('titles each dot with the figures of its month, as the table has them', () => {
      const chart = chartOf([sept('s1', 3), sept('s2', 9), answer('n1', 10)]);
      expect(chart.dots.map((dot) => dot.title)).toEqual([
        'Sep 2026: 0.0 ± 138.6 (2 c.Boucle_Answers)',
        'Nov 2026: +100.0 (1 c.Boucle_Answers)',
      ]);
    });

    it('labels every third month from the latest', () => {
      expect(chartOf([]).ticks.map((tick) => tick.text)).toEqual([
        'Feb 2026',
        'May 2026',
        'Aug 2026',
        'Nov 2026',
      ]);
    });
  });

  it('draws each touchpoint as a bar from zero to its NPS, with its target and status in words', () => {
    const edges = [
      ...Array.from({ length: 35 }, (_, i) => answer(`p${i}`, 10, { touchpoint: 'pre-sale' })),
      ...Array.from({ length: 30 }, (_, i) => answer(`c${i}`, 0, { touchpoint: 'contracting' })),
    ];
    const bars = accountView(withAnswers(edges), { now: NOW }).touchpointsChart;
    expect(bars.map((bar) => [bar.key, bar.barStyle, bar.targetStyle, bar.barClass])).toEqual([
      ['configured:pre-sale', 'left: 50%; width: 50%', 'left: 70%', 'tp-bar tp-bar_met'],
      ['configured:contracting', 'left: 0%; width: 50%', 'left: 65%', 'tp-bar tp-bar_missed'],
      ['configured:after-sale', 'left: 50%; width: 0%', 'left: 60%', 'tp-bar tp-bar_not_enough'],
    ]);
    expect(bars[0].status).toBe('c.Boucle_Target +40.0: c.Boucle_Target_Met');
  });

  it("names a verbatim's touchpoint by its label in the user's language", () => {
    const edges = [answer('v', 3, { comment: 'Trop lent', touchpoint: 'after-sale' })];
    const [english] = accountView(withAnswers(edges), { now: NOW, lang: 'en-US' }).verbatims;
    expect(english.meta).toMatch(/· After-sale$/);
    const [french] = accountView(withAnswers(edges), { now: NOW, lang: 'fr' }).verbatims;
    expect(french.meta).toMatch(/· Après-vente$/);
    const other = [answer('w', 3, { comment: 'Hmm', touchpoint: 'Salon 2026' })];
    expect(accountView(withAnswers(other), { now: NOW }).verbatims[0].meta).toMatch(
      /· Salon 2026$/,
    );
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
