import { NavigationMixin, getNavigateCalledWith, resetNavigation } from 'lightning/navigation';
import {
  SLA_BADGES,
  errorMessage,
  fieldLabel,
  fieldValue,
  format,
  formatDate,
  formatDateTime,
  formatDecimal,
  formatPercent,
  formatMonth,
  formatPoints,
  generateRecordUrls,
  isDuplicateValue,
  openRecordPage,
  recordPage,
} from 'c/boucleUi';

// sfdx-lwc-jest gives @salesforce/i18n/locale "en-US" and @salesforce/i18n/timeZone
// "America/Los_Angeles": a user's settings, not the machine's.
const inUserZone = (options) =>
  new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'America/Los_Angeles' });
const flush = () => Promise.resolve().then(() => Promise.resolve());

/** A component with NavigationMixin, as the Boucle components mix it in. */
const component = () => new (NavigationMixin(class {}))();

describe('c/boucleUi', () => {
  afterEach(() => resetNavigation());

  describe('GraphQL field values', () => {
    it.each([
      [{ value: 42 }, 42],
      [{ value: null }, null],
      [null, null],
      [undefined, null],
    ])('reads %j as %j', (field, expected) => {
      expect(fieldValue(field)).toBe(expected);
    });

    it.each([
      [{ value: 'Reached', displayValue: 'Joint' }, 'Joint'],
      [{ value: 'Reached', displayValue: null }, 'Reached'],
      [{ value: 'Reached' }, 'Reached'],
      [null, null],
    ])('shows %j as %j (the translated label first)', (field, expected) => {
      expect(fieldLabel(field)).toBe(expected);
    });
  });

  describe('format', () => {
    it('fills each numbered placeholder, as often as it appears', () => {
      expect(format('{1} then {0}, {1} again', 'a', 'b')).toBe('b then a, b again');
    });

    it('leaves a placeholder without a value as it is', () => {
      expect(format('{0} of {1}', 3)).toBe('3 of {1}');
    });

    it('writes 0 and empty strings, which are values', () => {
      expect(format('{0}|{1}', 0, '')).toBe('0|');
    });
  });

  describe('figures', () => {
    it.each([
      [52.94, '+52.9'],
      [-3.25, '-3.3'],
      [0, '0.0'],
      [null, '—'],
      [undefined, '—'],
    ])('writes the NPS %j as %j', (n, text) => {
      expect(formatPoints(n)).toBe(text);
    });

    it('writes a margin with one decimal', () => {
      expect(formatDecimal(12.345)).toBe('12.3');
      expect(formatDecimal(null)).toBe('—');
    });

    it('writes a share in percent with one decimal', () => {
      expect(formatPercent(66.6667)).toBe('66.7%');
      expect(formatPercent(100)).toBe('100.0%');
      expect(formatPercent(null)).toBe('—');
    });

    it('names a month of the trend', () => {
      expect(formatMonth('2026-12')).toBe('Dec 2026');
      expect(formatMonth('later')).toBe('later');
    });
  });

  describe('dates', () => {
    const instant = '2026-11-20T02:30:00.000Z'; // still the 19th in Los Angeles

    it("shows a date in the user's Salesforce locale and time zone", () => {
      expect(formatDate(instant)).toBe(
        inUserZone({ dateStyle: 'medium' }).format(new Date(instant)),
      );
      expect(formatDate(instant)).toContain('19');
    });

    it("shows a date and time in the user's Salesforce locale and time zone", () => {
      expect(formatDateTime(instant)).toBe(
        inUserZone({ dateStyle: 'medium', timeStyle: 'short' }).format(new Date(instant)),
      );
    });

    it.each([[null], [undefined], ['']])('shows nothing for %j', (iso) => {
      expect(formatDate(iso)).toBe('');
      expect(formatDateTime(iso)).toBe('');
    });
  });

  describe('record links', () => {
    it('names a record page by page reference, which a namespace does not change', () => {
      expect(recordPage('a01000000000001AAA', 'Callback__c')).toEqual({
        type: 'standard__recordPage',
        attributes: {
          recordId: 'a01000000000001AAA',
          objectApiName: 'Callback__c',
          actionName: 'view',
        },
      });
    });

    it('asks NavigationMixin for the URL of each record once', async () => {
      const page = component();
      page.urls = {};
      const generate = jest.spyOn(page, NavigationMixin.GenerateUrl);
      const edges = [{ node: { Id: 'a1' } }, { node: { Id: 'a2' } }];
      generateRecordUrls(page, edges, 'Callback__c');
      await flush();
      expect(page.urls).toEqual({
        a1: '/generated/Callback__c/a1/view',
        a2: '/generated/Callback__c/a2/view',
      });
      generateRecordUrls(page, edges, 'Callback__c');
      expect(generate).toHaveBeenCalledTimes(2);
    });

    it("opens the record a link's data-id names, instead of following its href", () => {
      const page = component();
      const event = { preventDefault: jest.fn(), currentTarget: { dataset: { id: 'a1' } } };
      openRecordPage(page, event, 'Callback__c');
      expect(event.preventDefault).toHaveBeenCalled();
      expect(getNavigateCalledWith().pageReference).toEqual(recordPage('a1', 'Callback__c'));
    });
  });

  describe('what Salesforce said', () => {
    it.each([
      [
        'a GraphQL wire',
        [{ message: 'No such column' }, { message: 'Try again' }],
        'No such column Try again',
      ],
      [
        'a record error',
        { body: { output: { errors: [{ message: 'No access' }], fieldErrors: {} } } },
        'No access',
      ],
      [
        'a field error',
        {
          body: { output: { errors: [], fieldErrors: { Outcome__c: [{ message: 'Too long' }] } } },
        },
        'Too long',
      ],
      [
        'a UI API error',
        { body: { message: 'The requested resource does not exist' } },
        'The requested resource does not exist',
      ],
      ['a JavaScript error', new Error('Network down'), 'Network down'],
      ['nothing readable', {}, ''],
    ])('words %s', (_label, error, expected) => {
      expect(errorMessage(error)).toBe(expected);
    });

    it.each([
      [
        'a record error',
        { body: { output: { errors: [{ errorCode: 'DUPLICATE_VALUE' }] } } },
        true,
      ],
      [
        'a field error',
        {
          body: { output: { fieldErrors: { External_Id__c: [{ errorCode: 'DUPLICATE_VALUE' }] } } },
        },
        true,
      ],
      [
        'another refusal',
        { body: { output: { errors: [{ errorCode: 'INSUFFICIENT_ACCESS' }] } } },
        false,
      ],
      ['no body', new Error('x'), false],
    ])('tells a duplicate value in %s', (_label, error, expected) => {
      expect(isDuplicateValue(error)).toBe(expected);
    });
  });

  it('ranks the SLA badges late first, then due soon, on time, and the closed ones', () => {
    const ranked = Object.entries(SLA_BADGES)
      .sort(([, a], [, b]) => a.rank - b.rank)
      .map(([status]) => status);
    expect(ranked).toEqual(['overdue', 'due_soon', 'on_time', 'missed', 'met']);
    expect(SLA_BADGES.overdue).toMatchObject({
      label: 'c.Boucle_Overdue',
      className: 'slds-badge slds-theme_error',
    });
  });
});
