import { ALERT_KINDS, DEFAULT_DISSONANCE_SETTINGS, type AlertKind } from '@boucle/shared';
import {
  businessHoursSchema,
  dissonanceSettingsSchema,
  surveyPressureSchema,
  type BusinessHoursSettings,
  type DissonanceSettings,
  type SurveyPressureSettings,
} from '@boucle/shared/schemas';
import { z } from 'zod';
import { KIND_VALUES } from './mappers.ts';

/**
 * The settings a Salesforce org keeps in custom metadata besides the thresholds and the journey
 * (Setup → Custom Metadata Types), read by pure functions: each takes the records as SOQL returns
 * them and gives the setting, or the problems that refuse it, each naming the record and the field
 * (`Business_Hours__mdt Default: Time_Zone__c must be an IANA time zone…`). A refused setting
 * leaves the last valid one in force (the caller keeps it).
 */

type MetadataRecord = Record<string, unknown>;

/** A setting read from its records, or the problems that refuse it. */
export type MetadataRead<T> =
  | { readonly ok: true; readonly value: T; readonly records: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/** The SOQL of each settings type: each is read on its own, so that one missing type spares the rest. */
export const SETTINGS_SOQL = {
  businessHours:
    'SELECT DeveloperName, Active__c, Time_Zone__c, Days__c, Start__c, End__c FROM Business_Hours__mdt',
  holidays: 'SELECT DeveloperName, Date__c, Active__c FROM Holiday__mdt',
  pressure:
    'SELECT DeveloperName, Contact_Min_Days__c, Account_Max_Surveys__c, Account_Window_Days__c, Enabled__c, Contact_Max_Surveys__c, Contact_Window_Days__c, Account_Min_Days__c, Follow_Up_Delay_Days__c FROM Survey_Pressure__mdt',
  quietPeriods:
    'SELECT DeveloperName, MasterLabel, From__c, To__c, Active__c FROM Quiet_Period__mdt',
  dissonance:
    'SELECT DeveloperName, Metric__c, Unhappy_Min__c, Unhappy_Max__c, Happy_Min__c, Happy_Max__c FROM Dissonance_Band__mdt',
  escalation:
    'SELECT DeveloperName, Alert_Kind__c, Escalate_To__c, Queue__c, User_Email__c FROM Escalation_Target__mdt',
} as const;

const present = (value: unknown) => value !== null && value !== undefined && value !== '';
const nameOf = (type: string, record: MetadataRecord) => `${type} ${String(record.DeveloperName)}`;
const isActive = (record: MetadataRecord) => record.Active__c === true;

/** A problem for each issue, the record and field named through `locate`. */
function problemsOf(
  issues: readonly z.core.$ZodIssue[],
  locate: (path: readonly PropertyKey[]) => { record: string; field: string; value: unknown },
): string[] {
  return issues.map((issue) => {
    const { record, field, value } = locate(issue.path);
    return `${record}: ${field} ${present(value) || issue.code === 'custom' ? issue.message : 'is required'}`;
  });
}

const HOURS_FIELDS = {
  timeZone: 'Time_Zone__c',
  days: 'Days__c',
  start: 'Start__c',
  end: 'End__c',
} as const;

/**
 * The business hours from the active `Business_Hours__mdt` record (none active: around the clock,
 * `value` null) and the active `Holiday__mdt` dates. Two active records are refused: which one
 * counts would be a guess.
 */
export function businessHoursFromMetadata(
  hours: readonly MetadataRecord[],
  holidays: readonly MetadataRecord[],
): MetadataRead<BusinessHoursSettings | null> {
  const active = hours.filter(isActive);
  if (active.length === 0) return { ok: true, value: null, records: [] };
  if (active.length > 1)
    return {
      ok: false,
      problems: [
        `${active.map((r) => nameOf('Business_Hours__mdt', r)).join(', ')}: Active__c is checked on ${active.length} records; check it on one only`,
      ],
    };
  const record = active[0] as MetadataRecord;
  const days = present(record.Days__c)
    ? String(record.Days__c)
        .split(/[;,\s]+/)
        .map((day) => day.trim().toLowerCase())
        .filter(Boolean)
    : undefined;
  const dated = holidays.filter((h) => isActive(h) || h.Active__c === undefined);
  const result = businessHoursSchema.safeParse({
    timeZone: present(record.Time_Zone__c) ? record.Time_Zone__c : undefined,
    days,
    start: present(record.Start__c) ? record.Start__c : undefined,
    end: present(record.End__c) ? record.End__c : undefined,
    holidays: dated.map((h) => (present(h.Date__c) ? String(h.Date__c).slice(0, 10) : undefined)),
  });
  if (!result.success)
    return {
      ok: false,
      problems: problemsOf(result.error.issues, (path) => {
        if (path[0] === 'holidays' && typeof path[1] === 'number') {
          const holiday = dated[path[1]] as MetadataRecord;
          return {
            record: nameOf('Holiday__mdt', holiday),
            field: 'Date__c',
            value: holiday.Date__c,
          };
        }
        const field = HOURS_FIELDS[path[0] as keyof typeof HOURS_FIELDS] ?? 'Days__c';
        return { record: nameOf('Business_Hours__mdt', record), field, value: record[field] };
      }),
    };
  return {
    ok: true,
    value: { ...result.data, holidays: [...result.data.holidays].sort() },
    records: [
      nameOf('Business_Hours__mdt', record),
      ...(dated.length > 0 ? [`${dated.length} Holiday__mdt`] : []),
    ],
  };
}

const PRESSURE_FIELDS = {
  contactMinDays: 'Contact_Min_Days__c',
  accountMaxSurveys: 'Account_Max_Surveys__c',
  accountWindowDays: 'Account_Window_Days__c',
  enabled: 'Enabled__c',
  contactMaxSurveys: 'Contact_Max_Surveys__c',
  contactWindowDays: 'Contact_Window_Days__c',
  accountMinDays: 'Account_Min_Days__c',
  followUpDelayDays: 'Follow_Up_Delay_Days__c',
} as const;
const QUIET_FIELDS = { from: 'From__c', to: 'To__c', label: 'MasterLabel' } as const;

/**
 * The survey-pressure caps from the `Survey_Pressure__mdt` record (none: the shipped caps) and the
 * active `Quiet_Period__mdt` records. Two caps records are refused.
 */
export function surveyPressureFromMetadata(
  caps: readonly MetadataRecord[],
  quiet: readonly MetadataRecord[],
): MetadataRead<SurveyPressureSettings> {
  if (caps.length > 1)
    return {
      ok: false,
      problems: [
        `${caps.map((r) => nameOf('Survey_Pressure__mdt', r)).join(', ')}: ${caps.length} records; keep one (Default)`,
      ],
    };
  const record = caps[0] ?? {};
  const periods = quiet.filter((q) => isActive(q) || q.Active__c === undefined);
  const result = surveyPressureSchema.safeParse({
    ...Object.fromEntries(
      Object.entries(PRESSURE_FIELDS)
        .filter(([, field]) => present(record[field]))
        .map(([key, field]) => [key, record[field]]),
    ),
    quietPeriods: periods.map((period) => ({
      from: present(period.From__c) ? period.From__c : undefined,
      to: present(period.To__c) ? period.To__c : undefined,
      ...(present(period.MasterLabel) && { label: String(period.MasterLabel).slice(0, 80) }),
    })),
  });
  if (!result.success)
    return {
      ok: false,
      problems: problemsOf(result.error.issues, (path) => {
        if (path[0] === 'quietPeriods' && typeof path[1] === 'number') {
          const period = periods[path[1]] as MetadataRecord;
          const field = QUIET_FIELDS[path[2] as keyof typeof QUIET_FIELDS] ?? 'From__c';
          return { record: nameOf('Quiet_Period__mdt', period), field, value: period[field] };
        }
        const field = PRESSURE_FIELDS[path[0] as keyof typeof PRESSURE_FIELDS];
        return { record: nameOf('Survey_Pressure__mdt', record), field, value: record[field] };
      }),
    };
  return {
    ok: true,
    value: result.data,
    records: [
      ...(caps[0] ? [nameOf('Survey_Pressure__mdt', record)] : []),
      ...(periods.length > 0 ? [`${periods.length} Quiet_Period__mdt`] : []),
    ],
  };
}

const SCALES = { NPS: 'nps', CSAT: 'csat', CES: 'ces', 'Employee rating': 'employee' } as const;
type Scale = (typeof SCALES)[keyof typeof SCALES];
const BAND_FIELD = {
  unhappy: { min: 'Unhappy_Min__c', max: 'Unhappy_Max__c' },
  happy: { min: 'Happy_Min__c', max: 'Happy_Max__c' },
} as const;

/**
 * The dissonance bands from the `Dissonance_Band__mdt` records: one per metric (its customer's
 * unhappy and happy bands) and one for Employee rating, whose Unhappy band (1 to its max) is the
 * doubtful ratings and whose Happy band (its min to 5) the confident ones. A scale without a record
 * keeps the shipped bands; two records of one scale are refused.
 */
export function dissonanceFromMetadata(
  records: readonly MetadataRecord[],
): MetadataRead<DissonanceSettings> {
  const problems: string[] = [];
  const byScale = new Map<Scale, MetadataRecord>();
  for (const record of records) {
    const scale = SCALES[String(record.Metric__c) as keyof typeof SCALES];
    if (!scale) {
      problems.push(
        `${nameOf('Dissonance_Band__mdt', record)}: Metric__c ${present(record.Metric__c) ? `must be one of ${Object.keys(SCALES).join(', ')}` : 'is required'}`,
      );
      continue;
    }
    const twin = byScale.get(scale);
    if (twin)
      problems.push(
        `${nameOf('Dissonance_Band__mdt', record)}: Metric__c ${String(record.Metric__c)} is also the scale of ${String(twin.DeveloperName)}; keep one record per scale`,
      );
    byScale.set(scale, record);
  }
  const employee = byScale.get('employee');
  if (employee) {
    for (const [field, expected] of [
      ['Unhappy_Min__c', 1],
      ['Happy_Max__c', 5],
    ] as const)
      if (present(employee[field]) && employee[field] !== expected)
        problems.push(
          `${nameOf('Dissonance_Band__mdt', employee)}: ${field} must be ${expected} for Employee rating (ratings run from 1 to 5)`,
        );
  }
  if (problems.length > 0) return { ok: false, problems };
  const band = (record: MetadataRecord | undefined, mood: 'unhappy' | 'happy', fallback: object) =>
    record
      ? { min: record[BAND_FIELD[mood].min], max: record[BAND_FIELD[mood].max] }
      : structuredClone(fallback);
  const defaults = DEFAULT_DISSONANCE_SETTINGS;
  const bands = Object.fromEntries(
    (['nps', 'csat', 'ces'] as const).map((metric) => [
      metric,
      {
        unhappy: band(byScale.get(metric), 'unhappy', defaults.bands[metric].unhappy),
        happy: band(byScale.get(metric), 'happy', defaults.bands[metric].happy),
      },
    ]),
  );
  const result = dissonanceSettingsSchema.safeParse({
    confidentMin: employee ? employee.Happy_Min__c : defaults.confidentMin,
    doubtfulMax: employee ? employee.Unhappy_Max__c : defaults.doubtfulMax,
    bands,
  });
  if (!result.success)
    return {
      ok: false,
      problems: problemsOf(result.error.issues, (path) => {
        if (path[0] === 'confidentMin' || path[0] === 'doubtfulMax') {
          const field = path[0] === 'confidentMin' ? 'Happy_Min__c' : 'Unhappy_Max__c';
          return {
            record: nameOf('Dissonance_Band__mdt', employee ?? {}),
            field,
            value: employee?.[field],
          };
        }
        const [, metric, mood, end] = path as [string, Scale, 'unhappy' | 'happy', 'min' | 'max'];
        const record = byScale.get(metric) ?? {};
        const field = BAND_FIELD[mood]?.[end] ?? 'Metric__c';
        return { record: nameOf('Dissonance_Band__mdt', record), field, value: record[field] };
      }),
    };
  return {
    ok: true,
    value: result.data,
    records: [...byScale.values()].map((r) => nameOf('Dissonance_Band__mdt', r)),
  };
}

/** Who late callbacks of a kind escalate to in Salesforce. */
export interface EscalationTarget {
  /** The callback kind; absent: every kind without a target of its own. */
  readonly kind?: AlertKind;
  readonly to: 'owners_manager' | 'queue' | 'user';
  readonly queue?: string;
  readonly userEmail?: string;
  readonly record: string;
}

const ESCALATE_TO = { "Owner's manager": 'owners_manager', Queue: 'queue', User: 'user' } as const;
const escalationTargetSchema = z
  .strictObject({
    kind: z.enum(ALERT_KINDS).optional(),
    to: z.enum(['owners_manager', 'queue', 'user'], {
      error: `must be one of ${Object.keys(ESCALATE_TO).join(', ')}`,
    }),
    queue: z.string().max(80).optional(),
    userEmail: z.email({ error: 'must be an e-mail address' }).optional(),
  })
  .superRefine((target, ctx) => {
    if (target.to === 'queue' && !target.queue)
      ctx.addIssue({
        code: 'custom',
        path: ['queue'],
        message: 'is required when Escalate To is Queue',
      });
    if (target.to === 'user' && !target.userEmail)
      ctx.addIssue({
        code: 'custom',
        path: ['userEmail'],
        message: 'is required when Escalate To is User',
      });
  });
const TARGET_FIELDS = {
  kind: 'Alert_Kind__c',
  to: 'Escalate_To__c',
  queue: 'Queue__c',
  userEmail: 'User_Email__c',
} as const;

/**
 * The escalation targets from the `Escalation_Target__mdt` records: at most one per callback kind
 * and one for every kind (blank Alert_Kind__c). No record: the owner's manager, as shipped.
 */
export function escalationFromMetadata(
  records: readonly MetadataRecord[],
): MetadataRead<EscalationTarget[]> {
  const problems: string[] = [];
  const targets: EscalationTarget[] = [];
  const seen = new Map<string, string>();
  for (const record of records) {
    const name = nameOf('Escalation_Target__mdt', record);
    const kind = Object.entries(KIND_VALUES).find(
      ([, label]) => label === record.Alert_Kind__c,
    )?.[0];
    if (present(record.Alert_Kind__c) && !kind) {
      problems.push(
        `${name}: Alert_Kind__c must be one of ${Object.values(KIND_VALUES).join(', ')}`,
      );
      continue;
    }
    const result = escalationTargetSchema.safeParse({
      ...(kind && { kind }),
      to:
        ESCALATE_TO[String(record.Escalate_To__c) as keyof typeof ESCALATE_TO] ??
        (present(record.Escalate_To__c) ? String(record.Escalate_To__c) : undefined),
      ...(present(record.Queue__c) && { queue: record.Queue__c }),
      ...(present(record.User_Email__c) && { userEmail: record.User_Email__c }),
    });
    if (!result.success) {
      problems.push(
        ...problemsOf(result.error.issues, (path) => {
          const field = TARGET_FIELDS[path[0] as keyof typeof TARGET_FIELDS];
          const value = record[field];
          return { record: name, field, value };
        }),
      );
      continue;
    }
    const key = result.data.kind ?? '(every kind)';
    const twin = seen.get(key);
    if (twin) {
      problems.push(
        `${name}: Alert_Kind__c ${present(record.Alert_Kind__c) ? String(record.Alert_Kind__c) : '(blank)'} already has a target in ${twin}; keep one record per kind`,
      );
      continue;
    }
    seen.set(key, String(record.DeveloperName));
    targets.push({ ...result.data, record: name } as EscalationTarget);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: targets, records: targets.map((t) => t.record) };
}
