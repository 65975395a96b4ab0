import type {
  BusinessHoursSettings,
  DissonanceSettings,
  EscalationOwners,
  SurveyPressureSettings,
} from '@boucle/shared/schemas';
import type { CrmAdapter, SettingInForce } from '../crm/adapter.ts';
import type { EscalationTarget } from '../crm/salesforce/settingsMetadata.ts';
import type { Crm } from '../store/store.ts';

/**
 * Which settings are in force, where, and from where (README, "Settings in force"):
 * - each CRM's callbacks follow that CRM's settings: Salesforce's custom metadata for the
 *   Callback__c records (thresholds, business hours and holidays, dissonance bands, escalation
 *   targets), the HubSpot settings page for the HubSpot tasks; an admin changes the work in their
 *   CRM where they administer it, and one CRM's mistake never moves the other's due dates;
 * - a setting that applies before any CRM is involved (the survey-pressure caps asked before a
 *   survey is sent, the journey of `GET /v1/touchpoints`) comes from Salesforce when it is
 *   connected, else from the HubSpot page: `primarySettingsCrm`;
 * - in each CRM a setting whose records are refused keeps the last valid value in force, the
 *   shipped default until one was read, and `doctor` names the record and field.
 */
export function primarySettingsCrm(crms: readonly Crm[]): Crm | undefined {
  return crms.includes('salesforce') ? 'salesforce' : crms[0];
}

/** Where one setting comes from in a CRM. */
export interface SourceOf {
  readonly from: 'metadata' | 'page' | 'default';
  readonly records: readonly string[];
  readonly problems: readonly string[];
}

export interface SettingsToDescribe {
  readonly crm: Crm;
  readonly values: {
    readonly businessHours: BusinessHoursSettings | null;
    readonly pressure: SurveyPressureSettings;
    readonly dissonance: DissonanceSettings;
    readonly escalation: readonly EscalationTarget[] | EscalationOwners | undefined;
  };
  readonly sources: ReadonlyMap<string, SourceOf>;
  readonly rules: { count: number; source: string; problems: readonly string[] };
  readonly touchpoints: { count: number; source: string; problems: readonly string[] };
}

const TYPES: Record<string, string> = {
  businessHours: 'Business_Hours__mdt and Holiday__mdt',
  pressure: 'Survey_Pressure__mdt and Quiet_Period__mdt',
  dissonance: 'Dissonance_Band__mdt',
  escalation: 'Escalation_Target__mdt',
};

/** Business hours in a few words. */
export function describeBusinessHours(hours: BusinessHoursSettings | null | undefined): string {
  if (!hours) return 'around the clock (no business hours)';
  const holidays = hours.holidays.length;
  return `${hours.days.join(', ')} ${hours.start}–${hours.end} ${hours.timeZone}${holidays > 0 ? `, ${holidays} holiday${holidays > 1 ? 's' : ''}` : ''}`;
}

/** Survey-pressure caps in a few words. */
export function describePressure(pressure: SurveyPressureSettings): string {
  const quiet = pressure.quietPeriods.map((p) => `${p.from} to ${p.to}`);
  return [
    pressure.contactMinDays > 0
      ? `a contact every ${pressure.contactMinDays} days at most`
      : 'no gap between surveys of a contact',
    pressure.accountMaxSurveys !== undefined
      ? `${pressure.accountMaxSurveys} surveys per account in ${pressure.accountWindowDays} days`
      : 'no account cap',
    quiet.length > 0 ? `quiet ${quiet.join(', ')}` : 'no quiet period',
  ].join('; ');
}

/** Dissonance bands in a few words. */
export function describeDissonance(settings: DissonanceSettings): string {
  const band = (b: { min: number; max: number }) => `${b.min}–${b.max}`;
  return [
    `employee confident at ${settings.confidentMin}–5, doubtful at 1–${settings.doubtfulMax}`,
    ...(['nps', 'csat', 'ces'] as const).map(
      (m) =>
        `${m.toUpperCase()} unhappy ${band(settings.bands[m].unhappy)}, happy ${band(settings.bands[m].happy)}`,
    ),
  ].join('; ');
}

function describeEscalation(escalation: SettingsToDescribe['values']['escalation']): string {
  if (Array.isArray(escalation)) {
    const targets = escalation as readonly EscalationTarget[];
    if (targets.length === 0) return "the owner's manager (User.ManagerId)";
    return targets
      .map(
        (t) =>
          `${t.kind ?? 'every kind'}: ${t.to === 'queue' ? `queue ${t.queue}` : t.to === 'user' ? `user ${t.userEmail}` : "the owner's manager"}`,
      )
      .join('; ');
  }
  const owners = escalation as EscalationOwners | undefined;
  if (!owners || (owners.teams.length === 0 && !owners.defaultOwnerId))
    return 'no escalation owner: escalations and reviews stay unassigned rather than go to the employee rated';
  return [
    ...owners.teams.map((t) => `team ${t.teamId} → owner ${t.ownerId}`),
    owners.defaultOwnerId ? `default owner ${owners.defaultOwnerId}` : 'no default owner',
  ].join('; ');
}

function sourceText(name: string, source: SourceOf | undefined, crm: Crm): string {
  if (!source || source.from === 'default')
    return crm === 'salesforce'
      ? `shipped default (no valid ${TYPES[name] ?? name} record read)`
      : 'shipped default (not saved on the settings page)';
  if (source.from === 'page') return 'HubSpot settings page';
  return source.records.length > 0
    ? source.records.join(', ')
    : `no active ${(TYPES[name] ?? name).split(' ')[0]} record`;
}

/** The settings in force in one CRM, one row per setting, for `doctor`. */
export function describeSettings(input: SettingsToDescribe): SettingInForce[] {
  const row = (setting: string, name: string, value: string): SettingInForce => ({
    setting,
    value,
    source: sourceText(name, input.sources.get(name), input.crm),
    problems: input.sources.get(name)?.problems ?? [],
  });
  return [
    {
      setting: 'alert thresholds',
      value: `${input.rules.count} rules`,
      source: input.rules.source,
      problems: input.rules.problems,
    },
    {
      setting: 'journey',
      value: `${input.touchpoints.count} touchpoints`,
      source: input.touchpoints.source,
      problems: input.touchpoints.problems,
    },
    row('business hours', 'businessHours', describeBusinessHours(input.values.businessHours)),
    row('survey pressure', 'pressure', describePressure(input.values.pressure)),
    row('dissonance bands', 'dissonance', describeDissonance(input.values.dissonance)),
    row('escalation', 'escalation', describeEscalation(input.values.escalation)),
  ];
}

/**
 * The survey-pressure caps in force: those of the primary settings CRM (Salesforce when it is
 * connected, else the HubSpot page), the shipped caps when it configures none.
 */
export async function surveyPressureInForce(
  adapters: readonly Pick<CrmAdapter, 'crm' | 'surveyPressure'>[],
): Promise<SurveyPressureSettings | undefined> {
  const primary = primarySettingsCrm(adapters.map((a) => a.crm));
  return adapters.find((a) => a.crm === primary)?.surveyPressure?.();
}
