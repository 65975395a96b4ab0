import type { Answer, ThresholdRule } from '@boucle/shared/schemas';
import { DEFAULT_THRESHOLD_RULES, DEFAULT_TOUCHPOINTS, type Touchpoint } from '@boucle/shared';
import type { HubSpotConfig } from '../../config/config.ts';
import type {
  ApiBudget,
  AnswerWrite,
  CallbackTasksReadBack,
  CallbackWrite,
  CrmAdapter,
  CrmCallbackState,
  ErasureOutcome,
  ErasureWrite,
  EscalationRequest,
  RatingWrite,
  RecordResult,
  Resolution,
  RollupWrite,
} from '../adapter.ts';
import { crmKey } from '../keys.ts';
import { ResolutionCache } from '../resolutionCache.ts';
import {
  byOwnKey,
  HubSpotClient,
  perInput,
  type BatchResponse,
  type HubSpotClientOptions,
  type HubSpotRecord,
} from './client.ts';
import {
  answerNoteProperties,
  companyRollupProperties,
  contactRollupProperties,
  ratingNoteProperties,
  surveyResponseProperties,
  TASK_READ_PROPERTIES,
  taskCallbackState,
  taskProperties,
  DEFAULT_TYPES,
  NOTE_TYPES,
  linksOf,
} from './mappers.ts';
import { eraseInHubSpot } from './erasure.ts';
import { feedbackSince, type FeedbackSubmission } from './feedback.ts';
import { PROPERTIES, SURVEY_OBJECT, setupHubSpot, type SetupReport } from './setup.ts';
import {
  HubSpotSettings,
  listOwnersWithTeams,
  type OwnerWithTeams,
  type PageSettings,
} from './settings.ts';

/** Resolutions (contact, company, owner) are reused this long: batches repeat respondents. */
const RESOLUTION_TTL_MS = 10 * 60_000;
/** HubSpot's own association types of notes and tasks to contacts and companies. */
export interface HubSpotAdapterOptions extends HubSpotClientOptions {
  /** The thresholds in force (the settings page's); the shipped defaults when absent. */
  readonly rules?: () => Promise<ThresholdRule[] | undefined>;
  /** The journey in force (the settings page's); the shipped one when absent. */
  readonly touchpoints?: () => Promise<readonly Touchpoint[] | undefined>;
  /** The settings page's settings (business hours, dissonance bands, escalation owners…). */
  readonly settings?: () => Promise<PageSettings>;
}

/**
 * HubSpot through @hubspot/api-client (`client.ts`): batch reads and searches to resolve, batch
 * creates and upserts to write, the property bags from the pure mappers (`mappers.ts`), the portal
 * set up once (`setup.ts`).
 */
export class HubSpotAdapter implements CrmAdapter {
  readonly crm = 'hubspot' as const;
  readonly batchSize = 5000;
  readonly callSize = 100;
  readonly api: HubSpotClient;
  private setup: Promise<SetupReport> | undefined;
  private surveyTypes: Promise<{ toContact: number; toCompany: number }> | undefined;
  private readonly resolved: ResolutionCache;
  /** The last score properties this process wrote on each contact (by contact id). */
  private readonly contactScores = new Map<string, string>();
  private portal: Promise<number> | undefined;
  /** The settings page's settings and the owners' teams (escalation owners). */
  readonly settings: HubSpotSettings;

  constructor(
    config: HubSpotConfig,
    private readonly options: HubSpotAdapterOptions = {},
  ) {
    this.api = new HubSpotClient(config, options);
    this.resolved = new ResolutionCache(RESOLUTION_TTL_MS, options.clock);
    this.settings = new HubSpotSettings(options.settings, () => this.listOwners(), options.clock);
  }

  businessHours = () => this.settings.businessHours();
  dissonanceSettings = () => this.settings.dissonanceSettings();
  surveyPressure = () => this.settings.surveyPressure();
  escalationOwner = (request: EscalationRequest) => this.settings.escalationOwner(request);
  settingsInForce = () => this.settings.settingsInForce();

  private get client() {
    return this.api.client;
  }

  apiBudget(): ApiBudget | undefined {
    return this.api.apiBudget();
  }

  private call<T>(run: () => Promise<T>, limiter = this.api.limiter): Promise<T> {
    return this.api.call(run, limiter);
  }

  private batchRead(
    objectType: string,
    ids: readonly string[],
    idProperty: string | undefined,
    properties: string[],
  ): Promise<HubSpotRecord[]> {
    return this.api.batchRead(objectType, ids, idProperty, properties);
  }

  /** Creates what Boucle needs in the portal (once per process); see `setupHubSpot`. */
  ensureSetup(): Promise<SetupReport> {
    this.setup ??= setupHubSpot(this.client, (call) => this.api.callPatiently(call)).catch(
      (error: unknown) => {
        this.setup = undefined;
        throw error;
      },
    );
    return this.setup;
  }

  async thresholdRules(): Promise<ThresholdRule[]> {
    // HubSpot has no custom metadata: thresholds live in the server (edited from the settings page).
    return (await this.options.rules?.()) ?? [...DEFAULT_THRESHOLD_RULES];
  }

  async touchpoints(): Promise<readonly Touchpoint[]> {
    // Like the thresholds: the journey lives in the server, edited from the settings page.
    return (await this.options.touchpoints?.()) ?? DEFAULT_TOUCHPOINTS;
  }

  async resolve(
    items: readonly { ref: string; answer: Answer }[],
  ): Promise<Map<string, Resolution>> {
    await this.ensureSetup();
    type Found = { id: string; ownerId?: string };
    const found = (record: HubSpotRecord): Found => ({
      id: record.id,
      ...(record.properties.hubspot_owner_id && { ownerId: record.properties.hubspot_owner_id }),
    });
    const emails = items
      .map((i) => i.answer.respondent?.email?.toLowerCase())
      .filter((e): e is string => Boolean(e));
    const contacts = await this.resolved.get(
      'contact',
      emails,
      async (missing) =>
        new Map(
          (await this.batchRead('contacts', missing, 'email', ['email', 'hubspot_owner_id'])).map(
            (c) => [String(c.properties.email).toLowerCase(), found(c)],
          ),
        ),
    );
    const domainOf = (answer: Answer) =>
      (answer.account?.domain ?? answer.respondent?.email?.split('@')[1])?.toLowerCase();
    const domains = items.map((i) => domainOf(i.answer)).filter((d): d is string => Boolean(d));
    const byDomain = await this.resolved.get(
      'domain',
      domains,
      async (missing) =>
        new Map(
          [...(await this.api.companiesByDomain(missing, ['hubspot_owner_id']))].map(
            ([domain, company]) => [domain, found(company)],
          ),
        ),
    );
    const companyIds = items
      .map((i) => i.answer.account?.hubspotCompanyId)
      .filter((id): id is string => Boolean(id) && /^\d+$/.test(String(id)));
    const byId = await this.resolved.get(
      'company',
      companyIds,
      async (missing) =>
        new Map(
          (await this.batchRead('companies', missing, undefined, ['hubspot_owner_id'])).map((c) => [
            c.id,
            found(c),
          ]),
        ),
    );
    const resolutions = new Map<string, Resolution>();
    for (const { ref, answer } of items) {
      const contact = answer.respondent?.email
        ? contacts.get(answer.respondent.email.toLowerCase())
        : undefined;
      const domain = domainOf(answer);
      const company =
        (answer.account?.hubspotCompanyId
          ? byId.get(answer.account.hubspotCompanyId)
          : undefined) ?? (domain ? byDomain.get(domain) : undefined);
      if (!contact && !company) continue;
      const owner = company?.ownerId ?? contact?.ownerId;
      resolutions.set(ref, {
        ...(contact && { contactId: contact.id }),
        ...(company && { accountId: company.id }),
        ...(owner && { ownerId: owner }),
      });
    }
    return resolutions;
  }

  /** Every owner with its teams (500 a page), for the escalation owners of the settings page. */
  listOwners(): Promise<OwnerWithTeams[]> {
    return listOwnersWithTeams((after) =>
      this.call(() => this.client.crm.owners.ownersApi.getPage(undefined, after, 500)),
    );
  }

  /** Owner ids by e-mail: all owners are listed (500 a page) once, then reused. */
  async resolveUsers(emails: readonly string[]): Promise<Map<string, string>> {
    return this.resolved.get(
      'owner',
      emails.map((e) => e.toLowerCase()),
      async () => new Map([...(await this.ownerEmails())].map(([id, email]) => [email, id])),
    );
  }

  /** Every owner's e-mail by owner id (`listOwners`). */
  private async ownerEmails(): Promise<Map<string, string>> {
    const owners = await this.listOwners();
    return new Map(owners.flatMap((o) => (o.email ? [[o.id, o.email.toLowerCase()]] : [])));
  }

  async resolveQueue(): Promise<string | undefined> {
    return undefined; // HubSpot tasks have no queues; queue rules fall back to the owner.
  }

  private types(): Promise<{ toContact: number; toCompany: number }> {
    this.surveyTypes ??= (async () => {
      const [contact, company] = await Promise.all([
        this.call(() =>
          this.client.crm.associations.v4.schema.definitionsApi.getAll(SURVEY_OBJECT, 'contacts'),
        ),
        this.call(() =>
          this.client.crm.associations.v4.schema.definitionsApi.getAll(SURVEY_OBJECT, 'companies'),
        ),
      ]);
      return {
        toContact: contact.results[0]?.typeId ?? 0,
        toCompany: company.results[0]?.typeId ?? 0,
      };
    })().catch((error: unknown) => {
      // A failed lookup must be tried again, not remembered.
      this.surveyTypes = undefined;
      throw error;
    });
    return this.surveyTypes;
  }

  async writeAnswers(items: readonly AnswerWrite[]): Promise<Map<string, RecordResult>> {
    const setup = await this.ensureSetup();
    const links = (i: AnswerWrite) => linksOf(i.resolution);
    const keys = items.map((item) => item.ref);
    if (setup.surveyStorage === 'custom_object') {
      return byOwnKey(
        keys,
        this.api.createOrUpsert(
          SURVEY_OBJECT,
          items.map((item) => ({
            key: crmKey(item.ref),
            ...links(item),
            properties: surveyResponseProperties(item),
          })),
          { ...(await this.types()), category: 'USER_DEFINED' },
        ),
      );
    }
    return byOwnKey(
      keys,
      this.api.createOrUpsert(
        'notes',
        items.map((item) => ({
          key: crmKey(item.ref),
          ...links(item),
          properties: answerNoteProperties(item),
        })),
        NOTE_TYPES,
      ),
    );
  }

  /** Ratings as notes on the contact and company of their answer (a note without is seen nowhere). */
  async writeRatings(items: readonly RatingWrite[]): Promise<Map<string, RecordResult>> {
    await this.ensureSetup();
    const resolutions = await this.resolve(
      items.flatMap((item) => (item.answer ? [{ ref: item.ref, answer: item.answer }] : [])),
    );
    return byOwnKey(
      items.map((item) => item.ref),
      this.api.createOrUpsert(
        'notes',
        items.map((item) => ({
          key: crmKey(item.ref),
          ...linksOf(resolutions.get(item.ref)),
          properties: ratingNoteProperties(item),
        })),
        NOTE_TYPES,
      ),
    );
  }

  async writeCallbacks(items: readonly CallbackWrite[]): Promise<Map<string, RecordResult>> {
    await this.ensureSetup();
    return byOwnKey(
      items.map((item) => item.link.key),
      this.api.createOrUpsert(
        'tasks',
        items.map(({ callback, link, resolution }) => ({
          key: crmKey(link.key),
          ...(resolution.contactId && { contactId: resolution.contactId }),
          ...(resolution.accountId && { companyId: resolution.accountId }),
          properties: taskProperties(callback, link),
        })),
        {
          toContact: DEFAULT_TYPES.taskToContact,
          toCompany: DEFAULT_TYPES.taskToCompany,
          category: 'HUBSPOT_DEFINED',
        },
      ),
    );
  }

  /** The callbacks' tasks, batch read by task id (`HubSpotClient.readTasks`). */
  async readCallbackTasks(
    tasks: readonly { id: string; crmId: string; reason?: string }[],
  ): Promise<CallbackTasksReadBack> {
    const { found, missing } = await this.api.readTasks(
      tasks.map((t) => t.crmId),
      TASK_READ_PROPERTIES,
    );
    const byTask = new Map(found.map((r) => [r.id, r.properties]));
    const states = new Map<string, CrmCallbackState>();
    for (const task of tasks) {
      const properties = byTask.get(task.crmId);
      const state = properties && taskCallbackState(properties, task.reason);
      if (state) states.set(task.id, state);
    }
    // Who completed it: the task's owner (HubSpot names no completing user), by e-mail when known.
    const ownerIds = [...states.values()].flatMap((state) => (state.by ? [state.by] : []));
    if (ownerIds.length > 0) {
      const emails = await this.ownerEmails().catch(() => new Map<string, string>());
      for (const [id, state] of states)
        if (state.by && emails.has(state.by))
          states.set(id, { ...state, by: emails.get(state.by) as string });
    }
    const gone = new Set(missing);
    return { states, deleted: tasks.filter((t) => gone.has(t.crmId)).map((t) => t.id) };
  }

  async writeRollups(items: readonly RollupWrite[]): Promise<Map<string, RecordResult>> {
    await this.ensureSetup();
    const results = new Map<string, RecordResult>();
    // Contact properties ride with the rollups: once per contact, not once per answer round.
    const respondents = items.flatMap((item) => item.respondents);
    const contactIds = await this.resolved.get<{ id: string }>(
      'contact',
      respondents.map((r) => r.email),
      async (missing) =>
        new Map(
          (await this.batchRead('contacts', missing, 'email', ['email'])).map((c) => [
            String(c.properties.email).toLowerCase(),
            { id: c.id },
          ]),
        ),
    );
    const updates = respondents.flatMap((r) => {
      const contact = contactIds.get(r.email);
      return contact ? [{ key: contact.id, properties: contactRollupProperties(r) }] : [];
    });
    // A contact HubSpot refuses (deleted since) is left out; a contact call that could not be made
    // leaves the rollups waiting, to try both again.
    // A contact whose last score this process already wrote, unchanged, is not written again:
    // an account's rollup lists all its respondents, and most did not answer since.
    const unique = [...new Map(updates.map((u) => [u.key, u])).values()].filter(
      (u) => this.contactScores.get(u.key) !== JSON.stringify(u.properties),
    );
    const contacts = await this.api.inBatches(unique, async (batch) => {
      await this.call(() =>
        this.client.crm.contacts.batchApi.update({
          inputs: batch.map((u) => ({ id: u.key, properties: u.properties })),
        }),
      );
      if (this.contactScores.size > 100_000) this.contactScores.clear(); // bounded memory
      for (const u of batch) this.contactScores.set(u.key, JSON.stringify(u.properties));
      return new Map(batch.map((u) => [u.key, { ok: true, crmId: u.key }]));
    });
    const outage = [...contacts.values()].find((r) => !r.ok && r.unsent);
    if (outage && !outage.ok) {
      for (const item of items) results.set(item.accountId, outage);
      return results;
    }
    return this.api.inBatches(
      items.map((item) => ({ key: item.accountId, item })),
      async (batch) =>
        perInput(
          (await this.call(() =>
            this.client.crm.companies.batchApi.update({
              inputs: batch.map(({ item }) => ({
                id: item.accountId,
                objectWriteTraceId: item.accountId,
                properties: companyRollupProperties(item),
              })),
            }),
          )) as unknown as BatchResponse,
          (result) => result.id,
        ),
    );
  }

  /** A person's records cleared, and archived unless statistics are kept (`erasure.ts`). */
  async eraseRecords(write: ErasureWrite): Promise<ErasureOutcome> {
    const setup = await this.ensureSetup();
    return eraseInHubSpot(this.api, setup.surveyStorage, write);
  }

  /** Feedback submissions created after `sinceIso`, oldest first (see `feedback.ts`). */
  feedbackSince(sinceIso: string, limit = 100): Promise<FeedbackSubmission[]> {
    return feedbackSince(this.api, sinceIso, limit);
  }

  /**
   * What the portal lacks of Boucle's setup, read-only (unlike `ensureSetup`): missing properties,
   * and whether survey responses can be the custom object.
   */
  async missingSetup(): Promise<{ missing: string[]; customObject: boolean }> {
    const missing: string[] = [];
    for (const [objectType, specs] of Object.entries(PROPERTIES)) {
      const names = new Set(
        (await this.call(() => this.client.crm.properties.coreApi.getAll(objectType))).results.map(
          (p) => p.name,
        ),
      );
      missing.push(
        ...specs
          .filter((spec) => !names.has(spec.name))
          .map((spec) => `${objectType}.${spec.name}`),
      );
    }
    const schemas = await this.call(() => this.client.crm.schemas.coreApi.getAll());
    return { missing, customObject: schemas.results.some((s) => s.name === SURVEY_OBJECT) };
  }

  /** The portal (HubSpot account) the token belongs to. */
  async portalId(): Promise<number> {
    this.portal ??= this.call(() =>
      this.client.apiRequest({ method: 'GET', path: '/account-info/v3/details' }),
    )
      .then(async (response) => Number(((await response.json()) as { portalId: number }).portalId))
      .catch((error: unknown) => {
        this.portal = undefined;
        throw error;
      });
    return this.portal;
  }

  /** The portal's company with this domain, or undefined. */
  async companyByDomain(domain: string): Promise<{ id: string; name: string | null } | undefined> {
    const company = (await this.api.companiesByDomain([domain], ['name'])).get(
      domain.toLowerCase(),
    );
    return company && { id: company.id, name: company.properties.name ?? null };
  }

  /** A record of the connected portal with a few properties, or undefined if it has no such record. */
  async record(
    objectType: 'contacts' | 'companies',
    id: string,
    properties: string[],
  ): Promise<Record<string, string | null> | undefined> {
    if (!/^\d+$/.test(id)) return undefined;
    return (await this.batchRead(objectType, [id], undefined, properties))[0]?.properties;
  }

  async check(): Promise<{ ok: boolean; detail: string }> {
    try {
      const setup = await this.ensureSetup();
      return {
        ok: true,
        detail: `connected; survey responses stored as ${setup.surveyStorage === 'custom_object' ? `the ${SURVEY_OBJECT} custom object` : 'notes'}`,
      };
    } catch (error) {
      return { ok: false, detail: (error as Error).message };
    }
  }
}
