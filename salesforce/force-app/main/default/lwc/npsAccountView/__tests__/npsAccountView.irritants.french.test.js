import { irritantsOf } from '../irritants';

// A French user (Salesforce language and locale), with the labels of the French translation.
jest.mock('@salesforce/i18n/locale', () => ({ default: 'fr-FR' }), { virtual: true });
jest.mock('@salesforce/i18n/lang', () => ({ default: 'fr' }), { virtual: true });
jest.mock('@salesforce/label/c.Boucle_Irritants', () => ({ default: 'Principaux irritants' }), {
  virtual: true,
});
jest.mock(
  '@salesforce/label/c.Boucle_Irritant',
  () => ({ default: '{0} : {1} % des réponses insatisfaites (± {2}), {3} réponses' }),
  { virtual: true },
);

const NOW = '2026-11-22T12:00:00.000Z';
const answer = (id, score, themes) => ({
  node: {
    Id: id,
    metric: { value: 'NPS' },
    score: { value: score },
    answeredAt: { value: '2026-11-20T09:00:00.000Z' },
    themes: { value: themes },
  },
});

describe('the top irritants of the account card for a French user', () => {
  it('writes the share and the margin with a decimal comma, under a French heading', () => {
    const view = irritantsOf(
      [answer('a1', 2, 'delivery'), answer('a2', 3, 'delivery'), answer('a3', 1, 'billing')],
      { now: NOW, themeLabel: (id) => ({ delivery: 'Livraison', billing: 'Facturation' })[id] },
    );
    expect(view.heading).toBe('Principaux irritants');
    expect(view.items[0].text).toBe(
      'Livraison : 66,7 % des réponses insatisfaites (± 53,3), 2 réponses',
    );
  });
});
