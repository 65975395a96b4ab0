import { formatDate, formatDecimal, formatMonth, formatPercent, formatPoints } from 'c/boucleUi';

// A French user: Salesforce's locale setting, whatever the browser's (jsdom's is en-US).
jest.mock('@salesforce/i18n/locale', () => ({ default: 'fr-FR' }), { virtual: true });
jest.mock('@salesforce/i18n/timeZone', () => ({ default: 'Europe/Paris' }), { virtual: true });

describe('c/boucleUi for a user whose Salesforce locale is French', () => {
  it.each([
    [52.94, '+52,9'],
    [-3.25, '-3,3'],
    [0, '0,0'],
    [null, '—'],
  ])('writes the NPS %j as %j', (n, text) => {
    expect(formatPoints(n)).toBe(text);
  });

  it('writes a margin with a decimal comma', () => {
    expect(formatDecimal(12.345)).toBe('12,3');
  });

  it('writes a share in percent the French way', () => {
    expect(formatPercent(66.6667)).toBe('66,7\u00a0%');
  });

  it('writes a date the French way, in the user’s time zone', () => {
    expect(formatDate('2026-12-01T23:30:00.000Z')).toBe('2 déc. 2026');
  });

  it('names a month of the trend in French', () => {
    expect(formatMonth('2026-12')).toBe('déc. 2026');
  });
});
