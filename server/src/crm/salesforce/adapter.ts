import { DEFAULT_TOUCHPOINTS, type Touchpoint } from '@boucle/shared';
import type {
  Answer,
  BusinessHoursSettings,
  DissonanceSettings,
  SurveyPressureSettings,
  ThresholdRule,
} from '@boucle/shared/schemas';
import { describeSettings } from '../../settings/describe.ts';
import type { SalesforceConfig } from '../../config/config.ts';
import type { CrmError } from '../../errors.ts';
import type {
  ApiBudget,
  AnswerWrite,
  CallbackWrite,
  CrmAdapter,
  CrmCallbackState,
  ErasureOutcome,
  ErasureWrite,
  EscalationRequest,
  RatingWrite,
  RatingsReadBack,
  Resolution,
  RollupWrite,
  SettingInForce,
} from '../adapter.ts';
import { NORM_RESULT_KEY, type NormWrite } from '../adapter.ts';
import { ResolutionCache } from '../resolutionCache.ts';
import { quote, SalesforceClient } from './client.ts';
import {
  SALESFORCE_FIELDS_WRITTEN,
  accountRollupRecord,
  callbackRecord,
  npsNormRecord,
  journeyFromMetadata,
  responseRatingRecord,
  TOUCHPOINT_SOQL,
  surveyResponseRecord,
  thresholdFromMetadata,
} from './mappers.ts';
import { namespacedName } from './namespace.ts';
import { BACKLOG_ROUND_SIZE, DEFAULT_BULK_THRESHOLD } from './bulk.ts';
import { eraseInSalesforce } from './erasure.ts';
import { readCallbacks, readRatings } from './readBack.ts';
import { HEALTH_FIELDS_WRITTEN, SalesforceHealthRecords } from './healthRecords.ts';
import { resolveAnswers } from './resolve.ts';
import { SalesforceSettings } from './settingsCache.ts';

const RULES_TTL_MS = 5 * 60_000;
/** Resolutions (contact, account, owner) are reused this long: batches repeat respondents. */
const RESOLUTION_TTL_MS = 10 * 60_000;

/**
 * Salesforce through jsforce (`client.ts`): resolution by batched SOQL (`resolve.ts`), writes
 * through Composite with the pure mappers (`mappers.ts`), callbacks and ratings read back from the
 * org (`readBack.ts`), thresholds and the journey from custom metadata.
 */
export class SalesforceAdapter implements CrmAdapter {
  readonly crm = 'salesforce' as const;
  readonly batchSize = 10_000;
  readonly callSize = 1_000;
  /** Under backlog, rounds big enough for a Bulk API 2.0 job (none with Bulk API off). */
  get backlogBatchSize(): number | undefined {
    return (this.config.bulk?.threshold ?? DEFAULT_BULK_THRESHOLD) > 0
      ? BACKLOG_ROUND_SIZE
      : undefined;
  }
  private readonly client: SalesforceClient;
  private rules: { at: number; rules: ThresholdRule[] } | undefined;
  private readonly resolved: ResolutionCache;
  /** Alert_Threshold__mdt records an admin left incomplete, reported by `check()`. */
  ruleProblems: string[] = [];
  private journey: { at: number; touchpoints: readonly Touchpoint[] } | undefined;
  /** The last valid journey read from Touchpoint__mdt (the shipped one until then). */
  private lastJourney: readonly Touchpoint[] = DEFAULT_TOUCHPOINTS;
  /** Why the Touchpoint__mdt records were refused (the last valid journey stays), for `doctor`. */
  touchpointProblems: string[] = [];
  /** Business hours, survey pressure, dissonance bands and escalation targets (custom metadata). */
  readonly settings: SalesforceSettings;
  /** Sync_Error__c and Sync_Status__c: the sync's health where admins work (`healthRecords.ts`). */
  readonly healthRecords: SalesforceHealthRecords;

  constructor(
    private readonly config: SalesforceConfig,
    private readonly clock: () => number = Date.now,
  ) {
    this.client = new SalesforceClient(config, clock);
    this.resolved = new ResolutionCache(RESOLUTION_TTL_MS, clock);
    this.settings = new SalesforceSettings(this.client, clock, RULES_TTL_MS);
    this.healthRecords = new SalesforceHealthRecords(this.client);
  }

  /** Business_Hours__mdt (the active record) and Holiday__mdt; none active: around the clock. */
  async businessHours(): Promise<BusinessHoursSettings | undefined> {
    return (await this.settings.current()).businessHours ?? undefined;
  }

  /** Dissonance_Band__mdt. */
  async dissonanceSettings(): Promise<DissonanceSettings> {
    return (await this.settings.current()).dissonance;
  }

  /** Survey_Pressure__mdt and Quiet_Period__mdt. */
  async surveyPressure(): Promise<SurveyPressureSettings> {
    return (await this.settings.current()).pressure;
  }

  /**
   * Escalation_Target__mdt: the kind's record, else the one for every kind, else the owner's
   * manager (User.ManagerId); a queue by developer name or a user by e-mail. Never a rated employee.
   */
  async escalationOwner(request: EscalationRequest): Promise<string | undefined> {
    const targets = (await this.settings.current()).escalation;
    const target =
      targets.find((t) => t.kind === request.kind) ?? targets.find((t) => t.kind === undefined);
    let found: string | undefined;
    if (target?.to === 'queue' && target.queue) found = await this.resolveQueue(target.queue);
    else if (target?.to === 'user' && target.userEmail)
      found = (await this.resolveUsers([target.userEmail])).get(target.userEmail.toLowerCase());
    return [found, request.managerId].find((id) => id && !request.ratedIds.includes(id));
  }

  /** Every setting in force and the records it comes from, for `doctor`. */
  async settingsInForce(): Promise<SettingInForce[]> {
    const rules = await this.thresholdRules();
    const touchpoints = await this.touchpoints();
    return describeSettings({
      crm: 'salesforce',
      values: await this.settings.current(),
      sources: this.settings.sources(),
      rules: { count: rules.length, source: 'Alert_Threshold__mdt', problems: this.ruleProblems },
      touchpoints: {
        count: touchpoints.length,
        source: 'Touchpoint__mdt',
        problems: this.touchpointProblems,
      },
    });
  }

  apiBudget(): ApiBudget | undefined {
    return this.client.apiBudget();
  }

  /** Runs SOQL queries, five per Composite call, following each one's pages. */
  queries<T extends Record<string, unknown>>(soqls: readonly string[]): Promise<T[]> {
    return this.client.queries<T>(soqls);
  }

  /** A User Interface API request as Lightning Data Service makes it (the preview's bridge). */
  uiApi(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) {
    return this.client.uiApi(method, path, body);
  }

  async thresholdRules(): Promise<ThresholdRule[]> {
    const now = this.clock();
    if (this.rules && now - this.rules.at < RULES_TTL_MS) return this.rules.rules;
    const records = await this.client.queries<Record<string, unknown>>([
      'SELECT DeveloperName, MasterLabel, Metric__c, Min_Score__c, Max_Score__c, Touchpoint__c, Alert_Kind__c, Callback_SLA_Hours__c, Escalate_After_Hours__c, Assign_To__c, Queue__c, Active__c FROM Alert_Threshold__mdt',
    ]);
    const rules: ThresholdRule[] = [];
    const problems: string[] = [];
    for (const record of records) {
      const parsed = thresholdFromMetadata(record);
      if ('rule' in parsed) rules.push(parsed.rule);
      else problems.push(parsed.error);
    }
    this.ruleProblems = problems;
    this.rules = { at: now, rules };
    return rules;
  }

  /**
   * The journey from the Touchpoint__mdt records, read every 5 minutes like the thresholds; a
   * configuration with problems leaves the last valid one in force ({@link journeyFromMetadata}).
   */
  async touchpoints(): Promise<readonly Touchpoint[]> {
    const now = this.clock();
    if (this.journey && now - this.journey.at < RULES_TTL_MS) return this.journey.touchpoints;
    let touchpoints: readonly Touchpoint[];
    try {
      const records = await this.client.queries<Record<string, unknown>>([TOUCHPOINT_SOQL]);
      const read = journeyFromMetadata(records, this.lastJourney);
      touchpoints = read.touchpoints;
      this.touchpointProblems = read.problems;
    } catch (error) {
      // An org on an older package has no Touchpoint__mdt: answers still sync, grouped by the
      // last valid journey, and doctor says why.
      touchpoints = this.lastJourney;
      this.touchpointProblems = [
        `cannot read Touchpoint__mdt (${(error as Error).message}): deploy the package`,
      ];
    }
    this.lastJourney = touchpoints;
    this.journey = { at: now, touchpoints };
    return touchpoints;
  }

  resolve(items: readonly { ref: string; answer: Answer }[]): Promise<Map<string, Resolution>> {
    return resolveAnswers(this.client, this.resolved, items);
  }

  /** Callbacks as managers left them in Salesforce (the npsCallbackLogger writes there). */
  readCallbacks(keys: readonly string[]): Promise<Map<string, CrmCallbackState>> {
    return readCallbacks(this.client, keys);
  }

  /** Ratings employees entered in the org (npsResponseRating), from `since`: see `readBack.ts`. */
  readRatings(since: string | undefined): Promise<RatingsReadBack> {
    return readRatings(this.client, this.resolved, since);
  }

  async resolveUsers(emails: readonly string[]): Promise<Map<string, string>> {
    return this.resolved.get(
      'user',
      emails.map((e) => e.toLowerCase()),
      async (missing) => {
        const users = await this.client.queryIn<{ Id: string; Email: string }>(
          (list) => `SELECT Id, Email FROM User WHERE Email IN (${list}) AND IsActive = true`,
          missing,
        );
        return new Map(users.map((u) => [u.Email.toLowerCase(), u.Id]));
      },
    );
  }

  async resolveQueue(name: string): Promise<string | undefined> {
    const found = await this.resolved.get('queue', [name], async () => {
      const rows = await this.client.queries<{ Id: string }>([
        `SELECT Id FROM Group WHERE Type = 'Queue' AND (DeveloperName = ${quote(name)} OR Name = ${quote(name)}) LIMIT 1`,
      ]);
      return new Map(rows[0] ? [[name, rows[0].Id]] : []);
    });
    return found.get(name);
  }

  writeAnswers(items: readonly AnswerWrite[]) {
    return this.client.composite(
      items.map((item) => ({ key: item.ref, record: surveyResponseRecord(item) })),
      'PATCH',
      '/composite/sobjects/Survey_Response__c/External_Id__c',
    );
  }

  writeRatings(items: readonly RatingWrite[]) {
    return this.client.composite(
      items.map((item) => ({ key: item.ref, record: responseRatingRecord(item) })),
      'PATCH',
      '/composite/sobjects/Response_Rating__c/External_Id__c',
    );
  }

  writeCallbacks(items: readonly CallbackWrite[]) {
    return this.client.composite(
      items.map((item) => ({ key: item.link.key, record: callbackRecord(item) })),
      'PATCH',
      '/composite/sobjects/Callback__c/External_Id__c',
    );
  }

  /** The Account rollups (updates by id) and the norm (an upsert by External_Id__c), one call. */
  writeRollups(items: readonly RollupWrite[], norm?: NormWrite) {
    return this.client.composite(
      [
        ...items.map((item) => ({ key: item.accountId, record: accountRollupRecord(item) })),
        ...(norm
          ? [
              {
                key: NORM_RESULT_KEY,
                record: npsNormRecord(norm),
                path: '/composite/sobjects/NPS_Norm__c/External_Id__c',
              },
            ]
          : []),
      ],
      'PATCH',
      '/composite/sobjects',
    );
  }

  /** A person's records cleared, and deleted unless statistics are kept (`erasure.ts`). */
  eraseRecords(write: ErasureWrite): Promise<ErasureOutcome> {
    return eraseInSalesforce(this.client, write);
  }

  /** The objects and fields Boucle writes that the org lacks (`Object.Field`), from describes. */
  async missingFields(): Promise<string[]> {
    const missing: string[] = [];
    for (const [object, fields] of Object.entries({
      ...SALESFORCE_FIELDS_WRITTEN,
      ...HEALTH_FIELDS_WRITTEN,
    })) {
      let described: { fields: { name: string }[] };
      try {
        described = await this.client.get(
          this.client.url(`/sobjects/${namespacedName(object, this.config.namespace)}/describe`),
        );
      } catch (error) {
        if ((error as CrmError).code === 'NOT_FOUND') {
          missing.push(`${object} (the whole object)`);
          continue;
        }
        throw error;
      }
      const names = new Set(described.fields.map((f) => f.name));
      missing.push(
        ...fields
          .filter((f) => !names.has(namespacedName(f, this.config.namespace)))
          .map((f) => `${object}.${f}`),
      );
    }
    return missing;
  }

  async check(): Promise<{ ok: boolean; detail: string }> {
    try {
      const limits = await this.client.get<{
        DailyApiRequests?: { Max: number; Remaining: number };
      }>(this.client.url('/limits'));
      const daily = limits.DailyApiRequests;
      const rules =
        (this.ruleProblems.length > 0
          ? `; ${this.ruleProblems.length} Alert_Threshold__mdt record(s) ignored: ${this.ruleProblems.join('; ')}`
          : '') +
        (this.touchpointProblems.length > 0
          ? `; Touchpoint__mdt refused, the last valid journey stays in force: ${this.touchpointProblems.join('; ')}`
          : '') +
        (this.settings.problems().length > 0
          ? `; settings refused, the last valid ones stay in force: ${this.settings.problems().join('; ')}`
          : '');
      return {
        ok: true,
        detail: `${daily ? `connected; ${daily.Remaining} of ${daily.Max} daily API calls left` : 'connected'}${rules}`,
      };
    } catch (error) {
      return { ok: false, detail: this.client.failure(error).message };
    }
  }
}
