import { healthView } from 'c/boucleSyncHealth';

// A French user: Salesforce's locale setting, whatever the browser's (jsdom's is en-US).
jest.mock('@salesforce/i18n/locale', () => ({ default: 'fr-FR' }), { virtual: true });
jest.mock('@salesforce/i18n/timeZone', () => ({ default: 'Europe/Paris' }), { virtual: true });
// The label as Salesforce serves it to a French user (translations/fr.translation-meta.xml).
jest.mock(
  '@salesforce/label/c.Boucle_Health_Api',
  () => ({ default: 'Appels API aujourd’hui : {0} sur {1} ({2} %)' }),
  { virtual: true },
);

const data = require('./data/syncHealth.json');

describe('c-boucle-sync-health for a user whose Salesforce locale is French', () => {
  const view = healthView(data, Date.parse('2026-11-22T12:00:00.000Z'));
  const salesforce = view.crms.find((crm) => crm.key === 'Salesforce');

  it('writes the API calls with French digit grouping and decimal comma', () => {
    // U+202F, the narrow no-break space Intl puts between thousands in French.
    expect(salesforce.api).toBe('Appels API aujourd’hui : 84\u202f500 sur 100\u202f000 (84,5 %)');
  });

  it('writes the last success in French, in the user’s time zone', () => {
    expect(salesforce.rows[0].lastSuccess).toBe('22 nov. 2026, 12:55');
  });
});
