import { DEFAULT_DISSONANCE_SETTINGS } from '@boucle/shared';
import { describe, expect, it } from 'vitest';
import {
  businessHoursFromMetadata,
  dissonanceFromMetadata,
  escalationFromMetadata,
  surveyPressureFromMetadata,
} from '../../src/crm/salesforce/settingsMetadata.ts';

const hours = {
  DeveloperName: 'Default',
  Active__c: true,
  Time_Zone__c: 'Europe/Paris',
  Days__c: 'mon;tue;wed;thu;fri',
  Start__c: '09:00',
  End__c: '18:00',
};

describe('business hours from Business_Hours__mdt and Holiday__mdt', () => {
  it('reads the active record and the active holidays, sorted', () => {
    expect(
      businessHoursFromMetadata(
        [hours, { ...hours, DeveloperName: 'Old', Active__c: false }],
        [
          { DeveloperName: 'Christmas', Date__c: '2027-12-25', Active__c: true },
          { DeveloperName: 'New_Year', Date__c: '2027-01-01', Active__c: true },
          { DeveloperName: 'Dropped', Date__c: '2027-05-01', Active__c: false },
        ],
      ),
    ).toEqual({
      ok: true,
      value: {
        timeZone: 'Europe/Paris',
        days: ['mon', 'tue', 'wed', 'thu', 'fri'],
        start: '09:00',
        end: '18:00',
        holidays: ['2027-01-01', '2027-12-25'],
      },
      records: ['Business_Hours__mdt Default', '2 Holiday__mdt'],
    });
  });

  it('counts around the clock when no record is active', () => {
    expect(businessHoursFromMetadata([{ ...hours, Active__c: false }], [])).toEqual({
      ok: true,
      value: null,
      records: [],
    });
  });

  it.each([
    [
      { Time_Zone__c: 'Mars/Olympus' },
      'Business_Hours__mdt Default: Time_Zone__c must be an IANA time zone such as Europe/Paris',
    ],
    [
      { Days__c: 'mon;funday' },
      'Business_Hours__mdt Default: Days__c must be one of mon, tue, wed, thu, fri, sat, sun',
    ],
    [{ End__c: '08:00' }, 'Business_Hours__mdt Default: End__c must be after start'],
    [{ Start__c: null }, 'Business_Hours__mdt Default: Start__c is required'],
  ])('names the record and field of %o', (change, problem) => {
    expect(businessHoursFromMetadata([{ ...hours, ...change }], [])).toEqual({
      ok: false,
      problems: [problem],
    });
  });

  it('names a holiday whose date does not exist, and two active records', () => {
    expect(
      businessHoursFromMetadata(
        [hours],
        [{ DeveloperName: 'Typo', Date__c: '2027-02-30', Active__c: true }],
      ),
    ).toEqual({ ok: false, problems: ['Holiday__mdt Typo: Date__c is not a date that exists'] });
    expect(businessHoursFromMetadata([hours, { ...hours, DeveloperName: 'Second' }], [])).toEqual({
      ok: false,
      problems: [
        'Business_Hours__mdt Default, Business_Hours__mdt Second: Active__c is checked on 2 records; check it on one only',
      ],
    });
  });
});

describe('survey pressure from Survey_Pressure__mdt and Quiet_Period__mdt', () => {
  it('reads the caps, a blank account cap as none, and the active quiet periods', () => {
    expect(
      surveyPressureFromMetadata(
        [
          {
            DeveloperName: 'Default',
            Enabled__c: true,
            Contact_Min_Days__c: 60,
            Account_Max_Surveys__c: null,
            Account_Window_Days__c: 30,
            Contact_Max_Surveys__c: 3,
            Contact_Window_Days__c: 7,
            Account_Min_Days__c: 14,
            Follow_Up_Delay_Days__c: 45,
          },
        ],
        [
          {
            DeveloperName: 'Closing',
            MasterLabel: 'Year-end closing',
            From__c: '12-20',
            To__c: '01-05',
            Active__c: true,
          },
          {
            DeveloperName: 'Summer',
            MasterLabel: 'Summer',
            From__c: '08-01',
            To__c: '08-31',
            Active__c: false,
          },
        ],
      ),
    ).toEqual({
      ok: true,
      value: {
        enabled: true,
        contactMinDays: 60,
        accountWindowDays: 30,
        contactMaxSurveys: 3,
        contactWindowDays: 7,
        accountMinDays: 14,
        followUpDelayDays: 45,
        quietPeriods: [{ from: '12-20', to: '01-05', label: 'Year-end closing' }],
      },
      records: ['Survey_Pressure__mdt Default', '1 Quiet_Period__mdt'],
    });
  });

  it('names the record and field of a bad cap and of a bad quiet period', () => {
    expect(
      surveyPressureFromMetadata(
        [{ DeveloperName: 'Default', Contact_Min_Days__c: -5, Account_Window_Days__c: 30 }],
        [
          {
            DeveloperName: 'Closing',
            MasterLabel: 'Closing',
            From__c: '13-01',
            To__c: '01-05',
            Active__c: true,
          },
        ],
      ),
    ).toEqual({
      ok: false,
      problems: [
        'Survey_Pressure__mdt Default: Contact_Min_Days__c must be ≥ 0',
        'Quiet_Period__mdt Closing: From__c must be MM-DD',
      ],
    });
  });
});

const band = (
  DeveloperName: string,
  Metric__c: string,
  a: number,
  b: number,
  c: number,
  d: number,
) => ({
  DeveloperName,
  Metric__c,
  Unhappy_Min__c: a,
  Unhappy_Max__c: b,
  Happy_Min__c: c,
  Happy_Max__c: d,
});

describe('dissonance bands from Dissonance_Band__mdt', () => {
  it('reads the shipped records as the shipped bands', () => {
    expect(
      dissonanceFromMetadata([
        band('NPS', 'NPS', 0, 4, 9, 10),
        band('CSAT', 'CSAT', 1, 2, 5, 5),
        band('CES', 'CES', 6, 7, 1, 2),
        band('Employee_Rating', 'Employee rating', 1, 2, 4, 5),
      ]),
    ).toMatchObject({ ok: true, value: DEFAULT_DISSONANCE_SETTINGS });
  });

  it('keeps the shipped bands of a scale without a record', () => {
    const read = dissonanceFromMetadata([band('NPS', 'NPS', 0, 6, 9, 10)]);
    expect(read).toMatchObject({
      ok: true,
      value: {
        ...DEFAULT_DISSONANCE_SETTINGS,
        bands: { ...DEFAULT_DISSONANCE_SETTINGS.bands, nps: { unhappy: { min: 0, max: 6 } } },
      },
    });
  });

  it.each([
    [
      [band('NPS', 'NPS', 0, 9, 9, 10)],
      'Dissonance_Band__mdt NPS: Happy_Min__c the happy and unhappy bands must not overlap',
    ],
    [
      [band('NPS', 'NPS', 0, 4, 9, 11)],
      'Dissonance_Band__mdt NPS: Happy_Max__c must be from 0 to 10 for metric nps',
    ],
    [
      [band('Employee', 'Employee rating', 1, 4, 4, 5)],
      'Dissonance_Band__mdt Employee: Unhappy_Max__c must be below confidentMin: a rating cannot be both doubtful and confident',
    ],
    [
      [band('Employee', 'Employee rating', 0, 2, 4, 5)],
      'Dissonance_Band__mdt Employee: Unhappy_Min__c must be 1 for Employee rating (ratings run from 1 to 5)',
    ],
    [
      [band('A', 'NPS', 0, 4, 9, 10), band('B', 'NPS', 0, 4, 9, 10)],
      'Dissonance_Band__mdt B: Metric__c NPS is also the scale of A; keep one record per scale',
    ],
  ])('names the record and field of a bad band (%#)', (records, problem) => {
    expect(dissonanceFromMetadata(records)).toEqual({ ok: false, problems: [problem] });
  });
});

describe('escalation targets from Escalation_Target__mdt', () => {
  it('reads a target for every kind and one per kind', () => {
    expect(
      escalationFromMetadata([
        { DeveloperName: 'Default', Alert_Kind__c: null, Escalate_To__c: "Owner's manager" },
        {
          DeveloperName: 'Reviews',
          Alert_Kind__c: 'Dissonance',
          Escalate_To__c: 'Queue',
          Queue__c: 'CX_Team',
        },
      ]),
    ).toEqual({
      ok: true,
      value: [
        { to: 'owners_manager', record: 'Escalation_Target__mdt Default' },
        {
          kind: 'dissonance',
          to: 'queue',
          queue: 'CX_Team',
          record: 'Escalation_Target__mdt Reviews',
        },
      ],
      records: ['Escalation_Target__mdt Default', 'Escalation_Target__mdt Reviews'],
    });
  });

  it.each([
    [
      { Escalate_To__c: 'User' },
      'Escalation_Target__mdt T: User_Email__c is required when Escalate To is User',
    ],
    [
      { Escalate_To__c: 'User', User_Email__c: 'marc' },
      'Escalation_Target__mdt T: User_Email__c must be an e-mail address',
    ],
    [
      { Escalate_To__c: 'Boss' },
      "Escalation_Target__mdt T: Escalate_To__c must be one of Owner's manager, Queue, User",
    ],
    [
      { Escalate_To__c: 'Queue', Alert_Kind__c: 'Upsell' },
      'Escalation_Target__mdt T: Alert_Kind__c must be one of Detractor recovery, Promoter thanks, Dissonance, Account alert',
    ],
  ])('names the record and field of %o', (change, problem) => {
    expect(escalationFromMetadata([{ DeveloperName: 'T', ...change }])).toEqual({
      ok: false,
      problems: [problem],
    });
  });
});
