import { accountView } from 'c/npsAccountView';

// A French user (Salesforce language and locale), whatever the browser's.
jest.mock('@salesforce/i18n/locale', () => ({ default: 'fr-FR' }), { virtual: true });
jest.mock('@salesforce/i18n/lang', () => ({ default: 'fr' }), { virtual: true });
jest.mock('@salesforce/i18n/timeZone', () => ({ default: 'Europe/Paris' }), { virtual: true });
jest.mock(
  '@salesforce/label/c.Boucle_Norm_Text',
  () => ({ default: '{0} : {1} pts face au NPS de l’organisation de {2} (90 derniers jours)' }),
  { virtual: true },
);

jest.mock(
  '@salesforce/label/c.Boucle_Csat_Detail',
  () => ({ default: 'satisfaits (4–5 sur 5), {0} réponses' }),
  { virtual: true },
);

const data = require('../../npsAccountCard/__tests__/data/accountNps.json');
const NOW = '2026-11-22T12:00:00.000Z';

describe('c/npsAccountView for a French user', () => {
  const view = accountView(data, { now: NOW });

  it('writes the NPS, its margin and the norm with a decimal comma', () => {
    expect(view.npsText).toBe('+25,0');
    expect(view.marginText).toMatch(/^± \d+,\d$/);
    expect(view.normText).toContain('+5,0 pts face au NPS de l’organisation de +20,0');
  });

  it('writes CSAT and CES with a decimal comma', () => {
    expect(view.satisfaction.map((figure) => figure.text)).toEqual(['100,0\u00a0%', '3,0']);
    expect(view.satisfaction[0].detail).toBe('satisfaits (4–5 sur 5), 1 réponses');
  });

  it('names the months of the trend in French', () => {
    expect(view.trend[11]).toMatchObject({ month: 'nov. 2026', nps: '0,0', margin: '± 138,6' });
    expect(view.trendChart.ticks.at(-1).text).toBe('nov. 2026');
  });

  it('dates the verbatims the French way and names their touchpoints in French', () => {
    expect(view.verbatims[0].meta).toBe('NPS 3 · 20 nov. 2026 · Après-vente');
  });

  it('labels the touchpoints in French, their targets with a decimal comma', () => {
    expect(view.touchpoints.map((tp) => [tp.label, tp.target])).toEqual(
      expect.arrayContaining([['Avant-vente', '+40,0']]),
    );
  });
});
