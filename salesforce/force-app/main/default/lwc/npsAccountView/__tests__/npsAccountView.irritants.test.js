import { accountView } from 'c/npsAccountView';
import { irritantsOf, MAX_IRRITANTS } from '../irritants';

jest.mock('@salesforce/label/c.Boucle_Irritants', () => ({ default: 'Top irritants' }), {
  virtual: true,
});
jest.mock(
  '@salesforce/label/c.Boucle_Irritant',
  () => ({ default: '{0}: {1}% of unhappy answers (± {2}), {3} answers' }),
  { virtual: true },
);
jest.mock(
  '@salesforce/label/c.Boucle_Irritant_No_Margin',
  () => ({ default: '{0}: {1}% of unhappy answers (too few for a margin), {2} answers' }),
  { virtual: true },
);
jest.mock('@salesforce/label/c.Boucle_Theme_Delivery', () => ({ default: 'Delivery' }), {
  virtual: true,
});

const NOW = '2026-11-22T12:00:00.000Z';
let n = 0;
// One Survey_Response__c as the card's query reads it, with the themes the server wrote.
const answer = (score, themes, { daysAgo = 3, metric = 'NPS' } = {}) => ({
  node: {
    Id: `a0${(n += 1)}`,
    metric: { value: metric },
    score: { value: score },
    comment: { value: 'x' },
    touchpoint: { value: null },
    answeredAt: { value: new Date(Date.parse(NOW) - daysAgo * 86400000).toISOString() },
    language: { value: null },
    themes: { value: themes },
    sentiment: { value: null },
  },
});
const label = (id) => `label:${id}`;
const keysOf = (edges) =>
  irritantsOf(edges, { now: NOW, themeLabel: label }).items.map((i) => i.key);

describe('the top irritants of the account card', () => {
  it('ranks the themes most named by detractors first, with their share, margin and count', () => {
    const { items, heading, hasItems } = irritantsOf(
      [
        answer(2, 'delivery;delays'),
        answer(3, 'delivery'),
        answer(1, 'billing'),
        answer(7, null),
        answer(10, 'staff'),
      ],
      { now: NOW, themeLabel: label },
    );
    expect(heading).toBe('Top irritants');
    expect(hasItems).toBe(true);
    expect(items.map((i) => [i.key, i.unhappyCount, i.unhappyShare])).toEqual([
      ['delivery', 2, 66.7],
      ['billing', 1, 33.3],
      ['delays', 1, 33.3],
    ]);
    expect(items[0].text).toBe('label:delivery: 66.7% of unhappy answers (± 53.3), 2 answers');
  });

  it('leaves out the themes only satisfied answers name', () => {
    expect(keysOf([answer(9, 'staff'), answer(10, 'staff;quality'), answer(2, 'price')])).toEqual([
      'price',
    ]);
  });

  it('counts a dissatisfied CSAT and a high-effort CES answer as unhappy', () => {
    expect(
      keysOf([
        answer(1, 'billing', { metric: 'CSAT' }),
        answer(7, 'onboarding', { metric: 'CES' }),
      ]),
    ).toEqual(['billing', 'onboarding']);
  });

  it('reads only the answers of the last 90 days', () => {
    expect(keysOf([answer(0, 'contract', { daysAgo: 120 }), answer(0, 'price')])).toEqual([
      'price',
    ]);
  });

  it(`shows ${MAX_IRRITANTS} irritants at most`, () => {
    const themes = ['price', 'delays', 'callback', 'quality', 'delivery'];
    expect(keysOf(themes.map((theme) => answer(0, theme)))).toHaveLength(MAX_IRRITANTS);
  });

  it('says when an irritant rests on too few unhappy answers for a margin', () => {
    const [only] = irritantsOf([answer(0, 'price')], { now: NOW, themeLabel: label }).items;
    expect(only.text).toBe(
      'label:price: 100.0% of unhappy answers (too few for a margin), 1 answers',
    );
  });

  it('shows no irritants when no unhappy answer names a theme', () => {
    expect(
      irritantsOf([answer(0, null), answer(9, 'staff')], { now: NOW, themeLabel: label }),
    ).toMatchObject({ items: [], hasItems: false });
  });

  it('is part of the card view, each theme by its label and an admin’s own theme by its id', () => {
    const data = {
      uiapi: { query: { answers: { edges: [answer(2, 'delivery;custom-theme')] } } },
    };
    const { irritants } = accountView(data, { now: NOW, lang: 'en' });
    expect(irritants.items.map((i) => i.label)).toEqual(['custom-theme', 'Delivery']);
  });
});
