import { createElement } from 'lwc';
import { graphql } from 'lightning/graphql';
import NpsTeamOverview from 'c/npsTeamOverview';
import { compareWithNorm, computeNps, roundOneDecimal } from 'c/npsCore';

// The team of the running user: Alice (40 answers, NPS +62.5), Bruno (35, NPS −28.6) and Chloé
// (none); Alice's callbacks: one reached in time, one overdue; Bruno's: one not due yet. The
// org-wide norm as the server wrote it: 20 ± 5.
const data = require('./data/teamOverview.json');
const NOW = '2026-11-22T12:00:00.000Z';

function mount() {
  const element = createElement('c-nps-team-overview', { is: NpsTeamOverview });
  document.body.appendChild(element);
  return element;
}
const flush = () => Promise.resolve().then(() => Promise.resolve());
/** Each cell's text, its parts (NPS, margin, count) apart. */
const cells = (row) =>
  [...row.querySelectorAll('th, td')].map((cell) => {
    const parts = [...cell.querySelectorAll('span')].map((span) => span.textContent.trim());
    return (parts.length ? parts.filter(Boolean).join(' ') : cell.textContent).trim();
  });

describe('c-nps-team-overview', () => {
  beforeEach(() => {
    jest.useFakeTimers({
      now: new Date(NOW),
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
    });
  });
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.useRealTimers();
  });

  it('asks for the team of the running user over 90 days, from midnight UTC', async () => {
    mount();
    await flush();
    expect(graphql.getLastConfig().variables).toEqual({
      userId: expect.any(String),
      since: '2026-08-24T00:00:00.000Z',
    });
  });

  it("shows each member's NPS against the org-wide NPS, as c/npsCore compares them", async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    const rows = [...element.shadowRoot.querySelectorAll('tr.member')].map(cells);
    const alice = computeNps([
      ...Array(30).fill({ metric: 'nps', score: 10 }),
      ...Array(5).fill({ metric: 'nps', score: 8 }),
      ...Array(5).fill({ metric: 'nps', score: 3 }),
    ]);
    const versus = compareWithNorm(alice, { nps: 20, margin: 5 });
    expect(versus.direction).toBe('above');
    expect(rows[0]).toEqual([
      'Alice Martin',
      `+62.5 ± ${roundOneDecimal(alice.margin).toFixed(1)} 40 c.Boucle_Answers`,
      `c.Boucle_Norm_Above (+${roundOneDecimal(versus.delta).toFixed(1)})`,
      '50.0 %',
      '1',
    ]);
    expect(rows[1].slice(0, 1)).toEqual(['Bruno Petit']);
    expect(rows[1][2]).toMatch(/^c\.Boucle_Norm_Below \(-48\.6\)$/);
    expect(rows[1].slice(3)).toEqual(['c.Boucle_Team_None_Due', '0']);
  });

  it('compares nobody whose sample is too small, and never shows "± 0.0"', async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    const chloe = cells(element.shadowRoot.querySelectorAll('tr.member')[2]);
    expect(chloe).toEqual([
      'Chloé Durand',
      '— 0 c.Boucle_Answers',
      'c.Boucle_Team_Too_Few',
      'c.Boucle_Team_None_Due',
      '0',
    ]);
  });

  it('sums up the whole team', async () => {
    const element = mount();
    graphql.emit(data);
    await flush();
    const total = cells(element.shadowRoot.querySelector('tr.total'));
    // 40 promoters, 10 passives, 25 detractors of 75 NPS answers; the CSAT answer is left out.
    expect(total[0]).toBe('c.Boucle_Team_Whole');
    expect(total[1]).toMatch(/^\+20\.0 ± \d+\.\d 75 c\.Boucle_Answers$/);
    expect(total[2]).toBe('c.Boucle_Norm_Level (0.0)');
    expect(total.slice(3)).toEqual(['50.0 %', '1']);
  });

  it('says when nobody reports to the user', async () => {
    const element = mount();
    graphql.emit({ uiapi: { query: { ...data.uiapi.query, team: { edges: [] } } } });
    await flush();
    expect(element.shadowRoot.querySelector('.empty').textContent).toBe('c.Boucle_Team_Empty');
    expect(element.shadowRoot.querySelector('table')).toBeNull();
  });

  it('says the norm is not there yet before the server has written it', async () => {
    const element = mount();
    graphql.emit({ uiapi: { query: { ...data.uiapi.query, norm: { edges: [] } } } });
    await flush();
    expect(cells(element.shadowRoot.querySelector('tr.member'))[2]).toBe(
      'c.Boucle_Norm_Unavailable',
    );
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
    graphql.emitErrors([{ message: 'No such column ManagerId' }]);
    await flush();
    expect(element.shadowRoot.querySelector('[role="alert"]').textContent).toContain(
      'No such column ManagerId',
    );
    jest.useRealTimers();
    await expect(element).toBeAccessible();
  });
});
