import { Client } from '@hubspot/api-client';
import type { VerbatimAnalysis } from '@boucle/shared/themes';
import { CATEGORY_VALUES, themesField } from '../salesforce/mappers.ts';
import type { Answer, ThresholdRule } from '@boucle/shared/schemas';
import { DEFAULT_THRESHOLD_RULES, DEFAULT_TOUCHPOINTS, type Touchpoint } from '@boucle/shared';
import type { HubSpotConfig } from '../../config/config.ts';
import { CrmError } from '../../errors.ts';
import type {
  AnswerWrite,
  CallbackWrite,
  CrmAdapter,
  RatingWrite,
  RecordResult,
  Resolution,
  RollupWrite,
} from '../adapter.ts';
import { RollingWindowLimiter } from '../rateLimiter.ts';
import { ResolutionCache } from '../resolutionCache.ts';
import { hubspotRetry } from '../classify.ts';
import { crmKey } from '../keys.ts';
import { PROPERTIES, SURVEY_OBJECT, setupHubSpot, type SetupReport } from './setup.ts';

/** Per-record results by Boucle's own keys, from those of the CRM keys they were written under. */
async function byOwnKey(
  keys: readonly string[],
  written: Promise<Map<string, RecordResult>>,
): Promise<Map<string, RecordResult>> {
  const results = await written;
  return new Map(
    keys.flatMap((key) => {
      const result = results.get(crmKey(key));
      return result ? [[key, result] as const] : [];
    }),
  );
}

/** HubSpot batch endpoints take 100 inputs. */
const BATCH = 100;
/**
 * Domains per search `IN` filter. HubSpot publishes no cap on `values`; 100 keeps one search per
 * batch read it replaces, so the sync's API budget does not move.
 */
const SEARCH_IN_VALUES = 100;
/** Search results per page: HubSpot's maximum. */
const SEARCH_PAGE = 200;
/**
 * 4xx answers that may be about a batch's contents (one bad input failing the whole call): the
 * batch is halved until the bad input stands alone.
 */
const REFUSES_CONTENTS = new Set([400, 404, 409, 413, 422]);
/** Answers about credentials or scopes, not records: the records wait, as in an outage. */
const REFUSES_CALLER = new Set([401, 403]);
/** Resolutions (contact, company, owner) are reused this long: batches repeat respondents. */
const RESOLUTION_TTL_MS = 10 * 60_000;
const DEFAULT_TYPES = {
  noteToContact: 202,
  noteToCompany: 190,
  taskToContact: 204,
  taskToCompany: 192,
};

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );
const defined = (values: Record<string, string | number | undefined | null>) =>
  Object.fromEntries(
    Object.entries(values)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => [k, String(v)]),
  );

interface BatchResponse {
  results: { id: string; objectWriteTraceId?: string; properties: Record<string, string | null> }[];
  errors?: { message: string; category?: string; context?: Record<string, string[]> }[];
}

export interface HubSpotAdapterOptions {
  /** Requests per rolling 10 s; default 100, the private-app limit of Free and Starter portals. */
  readonly requestsPer10s?: number;
  /**
   * CRM search requests per second, a limit of its own (5 per account, exempt from the ten-secondly
   * one); default 4, leaving one to whatever else searches the portal.
   */
  readonly searchesPerSecond?: number;
  /** The thresholds in force (the settings page's); the shipped defaults when absent. */
  readonly rules?: () => Promise<ThresholdRule[] | undefined>;
  /** The journey in force (the settings page's); the shipped one when absent. */
  readonly touchpoints?: () => Promise<readonly Touchpoint[] | undefined>;
  readonly clock?: () => number;
}

/**
 * What the analysis adds to an answer's note on portals without custom objects, where no property
 * can hold it: the same themes and sentiment as `boucle_themes` and `boucle_sentiment`.
 */
export function analysisLine(analysis: VerbatimAnalysis | undefined): string {
  if (!analysis) return '';
  const themes = themesField(analysis, 65_536);
  return `${themes ? ` · Themes: ${themes.split(';').join(', ')}` : ''} · Sentiment: ${analysis.sentiment}`;
}

/** HubSpot through @hubspot/api-client: batch reads to resolve, batch upserts to write. */
export class HubSpotAdapter implements CrmAdapter {
  readonly crm = 'hubspot' as const;
  readonly batchSize = 5000;
  readonly client: Client;
  readonly limiter: RollingWindowLimiter;
  readonly searchLimiter: RollingWindowLimiter;
  private setup: Promise<SetupReport> | undefined;
  private surveyTypes: Promise<{ toContact: number; toCompany: number }> | undefined;
  private readonly resolved: ResolutionCache;
  private portal: Promise<number> | undefined;

  constructor(
    config: HubSpotConfig,
    private readonly options: HubSpotAdapterOptions = {},
  ) {
    // The client's own retries are off: the queue retries, with backoff and Retry-After.
    this.client = new Client({
      accessToken: config.accessToken,
      basePath: config.baseUrl,
      numberOfApiCallRetries: 0,
    });
    // A call is stamped when it leaves and counted by HubSpot when it arrives: half a second of
    // margin on the window keeps the two counts from disagreeing at the window's edge.
    this.resolved = new ResolutionCache(RESOLUTION_TTL_MS, options.clock);
    this.limiter = new RollingWindowLimiter(options.requestsPer10s ?? 100, 10_500, options.clock);
    this.searchLimiter = new RollingWindowLimiter(
      options.searchesPerSecond ?? 4,
      1_250,
      options.clock,
    );
  }

  /** Calls the API within a rate limit, turning failures into {@link CrmError}s. */
  private async call<T>(run: () => Promise<T>, limiter = this.limiter): Promise<T> {
    await limiter.acquire();
    try {
      return await run();
    } catch (error) {
      const e = error as {
        code?: number;
        body?: Record<string, unknown>;
        headers?: Record<string, string>;
        message?: string;
        cause?: { code?: string };
      };
      const status = typeof e.code === 'number' ? e.code : undefined;
      const verdict = hubspotRetry(status, e.body, e.headers?.['retry-after']);
      if (status === 429 && verdict.waitMs) limiter.pause(verdict.waitMs);
      const code = status
        ? String(e.body?.category ?? e.body?.policyName ?? `http_${status}`)
        : (e.cause?.code ?? 'network_error');
      throw new CrmError(
        code,
        String(e.body?.message ?? e.message ?? error),
        verdict.retryable,
        verdict.waitMs,
        status,
      );
    }
  }

  /**
   * For the one-off portal setup only: a call retried a few times on transient failures, since the
   * queue cannot retry one call of a setup that must complete as a whole.
   */
  private async callPatiently<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.call(run);
      } catch (error) {
        const crmError = error as CrmError;
        if (!crmError.retryable || attempt >= 5) throw error;
        await new Promise((resolve) =>
          setTimeout(resolve, Math.max(crmError.waitMs ?? 0, 200 * 2 ** attempt)),
        );
      }
    }
  }

  /** Creates what Boucle needs in the portal (once per process); see `setupHubSpot`. */
  ensureSetup(): Promise<SetupReport> {
    this.setup ??= setupHubSpot(this.client, (call) => this.callPatiently(call)).catch(
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

  private async batchRead(
    objectType: string,
    ids: readonly string[],
    idProperty: string | undefined,
    properties: string[],
  ): Promise<BatchResponse['results']> {
    const results: BatchResponse['results'] = [];
    for (const chunk of chunks([...new Set(ids)], BATCH)) {
      const response = await this.call(() =>
        this.client.crm.objects.batchApi.read(objectType, {
          inputs: chunk.map((id) => ({ id })),
          properties,
          propertiesWithHistory: [],
          ...(idProperty && { idProperty }),
        }),
      );
      results.push(...(response.results as BatchResponse['results']));
    }
    return results;
  }

  /**
   * Companies by domain. A company's `domain` is not a unique property, so batch read refuses it as
   * `idProperty`; CRM search takes it with the `IN` operator, 100 domains a search and 200 results
   * a page, paced by the search API's own limit. Where several companies share a domain, the
   * oldest (lowest id) is the one.
   */
  private async companiesByDomain(
    domains: readonly string[],
    properties: string[],
  ): Promise<Map<string, BatchResponse['results'][number]>> {
    const found = new Map<string, BatchResponse['results'][number]>();
    const wanted = [...new Set(domains.map((d) => d.toLowerCase()))];
    for (const values of chunks(wanted, SEARCH_IN_VALUES)) {
      let after: string | undefined;
      do {
        const page = (await this.call(
          () =>
            this.client.crm.companies.searchApi.doSearch({
              filterGroups: [
                { filters: [{ propertyName: 'domain', operator: 'IN' as never, values }] },
              ],
              properties: ['domain', ...properties],
              limit: SEARCH_PAGE,
              ...(after && { after }),
            }),
          this.searchLimiter,
        )) as unknown as BatchResponse & { paging?: { next?: { after?: string } } };
        for (const company of page.results) {
          const domain = String(company.properties.domain ?? '').toLowerCase();
          const kept = found.get(domain);
          if (domain && (!kept || Number(company.id) < Number(kept.id))) found.set(domain, company);
        }
        after = page.paging?.next?.after;
      } while (after);
    }
    return found;
  }

  async resolve(
    items: readonly { ref: string; answer: Answer }[],
  ): Promise<Map<string, Resolution>> {
    await this.ensureSetup();
    type Found = { id: string; ownerId?: string };
    const found = (record: BatchResponse['results'][number]): Found => ({
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
          [...(await this.companiesByDomain(missing, ['hubspot_owner_id']))].map(
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

  /** Owner ids by e-mail: all owners are listed (500 a page) once, then reused. */
  async resolveUsers(emails: readonly string[]): Promise<Map<string, string>> {
    return this.resolved.get(
      'owner',
      emails.map((e) => e.toLowerCase()),
      async () => {
        const owners = new Map<string, string>();
        let after: string | undefined;
        do {
          const page = await this.call(() =>
            this.client.crm.owners.ownersApi.getPage(undefined, after, 500),
          );
          for (const owner of page.results)
            if (owner.email) owners.set(owner.email.toLowerCase(), owner.id);
          after = page.paging?.next?.after;
        } while (after);
        return owners;
      },
    );
  }

  async resolveQueue(): Promise<string | undefined> {
    return undefined; // HubSpot tasks have no queues; queue rules fall back to the owner.
  }

  /**
   * Sends `items` 100 a call through `send`, which returns each input's result (a 207 reports bad
   * inputs one by one). HubSpot documents multi-status for batch create only: elsewhere one bad
   * input may fail the whole call with a 4xx, so such a batch is halved until each bad input stands
   * alone and is refused by itself, the others written once. A call that fails as a whole for any
   * other reason (5xx, 429, a lock, a timeout, the network, credentials) says nothing about its
   * records: they and every later one come back `unsent`, and no more calls are made.
   */
  private async inBatches<T extends { key: string }>(
    items: readonly T[],
    send: (batch: T[]) => Promise<Map<string, RecordResult>>,
  ): Promise<Map<string, RecordResult>> {
    const results = new Map<string, RecordResult>();
    const pending = chunks(items, BATCH);
    let outage: CrmError | undefined;
    for (let batch = pending.shift(); batch; batch = pending.shift()) {
      if (!outage) {
        try {
          for (const [key, result] of await send(batch)) results.set(key, result);
          continue;
        } catch (error) {
          if (!(error instanceof CrmError)) throw error;
          const status = error.status;
          const aboutContents =
            !error.retryable && status !== undefined && REFUSES_CONTENTS.has(status);
          if (aboutContents && batch.length > 1) {
            const half = Math.ceil(batch.length / 2);
            pending.unshift(batch.slice(0, half), batch.slice(half));
            continue;
          }
          if (aboutContents || (!error.retryable && !REFUSES_CALLER.has(status ?? 0))) {
            for (const item of batch) results.set(item.key, { ok: false, error });
            continue;
          }
          outage = error;
        }
      }
      for (const item of batch) results.set(item.key, { ok: false, error: outage, unsent: true });
    }
    return results;
  }

  /** Each input's result in a batch answer, matched by objectWriteTraceId (or `fallback`). */
  private static perInput(
    response: BatchResponse,
    fallback: (result: BatchResponse['results'][number]) => string | undefined,
  ): Map<string, RecordResult> {
    const results = new Map<string, RecordResult>();
    for (const result of response.results) {
      const key = result.objectWriteTraceId ?? fallback(result);
      if (key) results.set(key, { ok: true, crmId: result.id });
    }
    for (const failure of response.errors ?? []) {
      const code = failure.category ?? 'VALIDATION_ERROR';
      for (const key of failure.context?.objectWriteTraceId ?? []) {
        results.set(key, {
          ok: false,
          error: new CrmError(
            code,
            failure.message,
            code !== 'VALIDATION_ERROR' && code !== 'CONFLICT' && code !== 'OBJECT_NOT_FOUND',
          ),
        });
      }
    }
    return results;
  }

  /** Batch upsert by `boucle_external_id`, every input carrying an objectWriteTraceId. */
  private upsert(
    objectType: string,
    items: readonly { key: string; properties: Record<string, string> }[],
  ): Promise<Map<string, RecordResult>> {
    return this.inBatches(items, async (batch) =>
      HubSpotAdapter.perInput(
        (await this.call(() =>
          this.client.crm.objects.batchApi.upsert(objectType, {
            inputs: batch.map((item) => ({
              id: item.key,
              idProperty: 'boucle_external_id',
              properties: item.properties,
              objectWriteTraceId: item.key,
            })),
          }),
        )) as unknown as BatchResponse,
        (result) => result.properties.boucle_external_id ?? undefined,
      ),
    );
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

  /**
   * Writes records idempotently in the fewest calls: batch create with the associations inline (an
   * upsert cannot carry them), then batch upsert only for the records that already exist, which
   * the unique `boucle_external_id` makes HubSpot refuse with CONFLICT instead of duplicating.
   */
  private async createOrUpsert(
    objectType: string,
    items: readonly {
      key: string;
      properties: Record<string, string>;
      contactId?: string;
      companyId?: string;
    }[],
    types: { toContact: number; toCompany: number; category: 'HUBSPOT_DEFINED' | 'USER_DEFINED' },
  ): Promise<Map<string, RecordResult>> {
    const associate = (id: string | undefined, associationTypeId: number) =>
      id
        ? [
            {
              to: { id },
              types: [{ associationCategory: types.category as never, associationTypeId }],
            },
          ]
        : [];
    const results = await this.inBatches(items, async (batch) =>
      HubSpotAdapter.perInput(
        (await this.call(() =>
          this.client.crm.objects.batchApi.create(objectType, {
            inputs: batch.map((item) => ({
              properties: { ...item.properties, boucle_external_id: item.key },
              associations: [
                ...associate(item.contactId, types.toContact),
                ...associate(item.companyId, types.toCompany),
              ],
              objectWriteTraceId: item.key,
            })),
          }),
        )) as unknown as BatchResponse,
        (result) => result.properties.boucle_external_id ?? undefined,
      ),
    );
    // CONFLICT: the record exists (an earlier write whose answer was lost): update it instead.
    const existing = items.filter((item) => {
      const result = results.get(item.key);
      return result && !result.ok && !result.unsent && result.error.code === 'CONFLICT';
    });
    if (existing.length > 0) {
      for (const [key, result] of await this.upsert(
        objectType,
        existing.map(({ key, properties }) => ({ key, properties })),
      ))
        results.set(key, result);
    }
    return results;
  }

  async writeAnswers(items: readonly AnswerWrite[]): Promise<Map<string, RecordResult>> {
    const setup = await this.ensureSetup();
    const links = (i: AnswerWrite) => ({
      ...(i.resolution.contactId && { contactId: i.resolution.contactId }),
      ...(i.resolution.accountId && { companyId: i.resolution.accountId }),
    });
    if (setup.surveyStorage === 'custom_object') {
      return byOwnKey(
        items.map((item) => item.ref),
        this.createOrUpsert(
          SURVEY_OBJECT,
          items.map((item) => ({
            key: crmKey(item.ref),
            ...links(item),
            properties: defined({
              boucle_metric: item.answer.metric,
              boucle_score: item.answer.score,
              boucle_category: CATEGORY_VALUES[item.category],
              boucle_comment: item.answer.comment,
              boucle_touchpoint: item.answer.touchpoint,
              boucle_answered_at: item.answer.answeredAt,
              boucle_source: item.answer.source,
              boucle_interaction_id: item.answer.interactionId,
              boucle_language: item.answer.language,
              boucle_themes: themesField(item.analysis, 65_536),
              boucle_sentiment: item.analysis?.sentiment,
            }),
          })),
          { ...(await this.types()), category: 'USER_DEFINED' },
        ),
      );
    }
    return byOwnKey(
      items.map((item) => item.ref),
      this.createOrUpsert(
        'notes',
        items.map((item) => ({
          key: crmKey(item.ref),
          ...links(item),
          properties: {
            hs_timestamp: item.answer.answeredAt,
            hs_note_body: `Survey answer (${item.answer.metric.toUpperCase()} ${item.answer.score}, ${CATEGORY_VALUES[item.category]}${item.answer.touchpoint ? `, ${item.answer.touchpoint}` : ''})${item.answer.comment ? `: ${item.answer.comment}` : ''}${analysisLine(item.analysis)}`,
          },
        })),
        {
          toContact: DEFAULT_TYPES.noteToContact,
          toCompany: DEFAULT_TYPES.noteToCompany,
          category: 'HUBSPOT_DEFINED',
        },
      ),
    );
  }

  async writeRatings(items: readonly RatingWrite[]): Promise<Map<string, RecordResult>> {
    await this.ensureSetup();
    return byOwnKey(
      items.map((item) => item.ref),
      this.upsert(
        'notes',
        items.map(({ ref, rating, dissonance }) => ({
          key: crmKey(ref),
          properties: {
            hs_timestamp: rating.ratedAt,
            hs_note_body: `Employee rating ${rating.rating}/5 by ${rating.employeeEmail} on interaction ${rating.interactionId}${dissonance ? ` (${dissonance})` : ''}${rating.comment ? `: ${rating.comment}` : ''}`,
          },
        })),
      ),
    );
  }

  async writeCallbacks(items: readonly CallbackWrite[]): Promise<Map<string, RecordResult>> {
    await this.ensureSetup();
    const subjects = {
      detractor_recovery: 'Call back detractor',
      promoter_thanks: 'Thank promoter',
      dissonance: 'Review dissonance',
      account_alert: 'Account alert',
    };
    return byOwnKey(
      items.map((item) => item.callback.id),
      this.createOrUpsert(
        'tasks',
        items.map(({ callback, resolution }) => ({
          key: crmKey(callback.id),
          ...(resolution.contactId && { contactId: resolution.contactId }),
          ...(resolution.accountId && { companyId: resolution.accountId }),
          properties: defined({
            hs_timestamp: callback.dueAt,
            hs_task_subject: `${subjects[callback.kind]}${callback.respondentEmail ? ` (${callback.respondentEmail})` : ''}`,
            hs_task_body: callback.reason,
            hs_task_type: 'CALL',
            hs_task_priority:
              callback.kind === 'detractor_recovery' || callback.kind === 'dissonance'
                ? 'HIGH'
                : 'MEDIUM',
            hs_task_status:
              callback.status === 'resolved' || callback.status === 'closed_no_contact'
                ? 'COMPLETED'
                : callback.status === 'open'
                  ? 'NOT_STARTED'
                  : 'IN_PROGRESS',
            hubspot_owner_id: callback.assignee,
            boucle_callback_kind: callback.kind,
            boucle_callback_status: callback.status,
            boucle_outcome: callback.outcome,
            boucle_root_cause: callback.rootCause,
          }),
        })),
        {
          toContact: DEFAULT_TYPES.taskToContact,
          toCompany: DEFAULT_TYPES.taskToCompany,
          category: 'HUBSPOT_DEFINED',
        },
      ),
    );
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
      return contact
        ? [
            {
              key: contact.id,
              properties: {
                boucle_last_score: String(r.score),
                boucle_last_survey_at: r.answeredAt,
              },
            },
          ]
        : [];
    });
    // A contact HubSpot refuses (deleted since) is left out; a contact call that could not be made
    // leaves the rollups waiting, to try both again.
    const unique = [...new Map(updates.map((u) => [u.key, u])).values()];
    const contacts = await this.inBatches(unique, async (batch) => {
      await this.call(() =>
        this.client.crm.contacts.batchApi.update({
          inputs: batch.map((u) => ({ id: u.key, properties: u.properties })),
        }),
      );
      return new Map(batch.map((u) => [u.key, { ok: true, crmId: u.key }]));
    });
    const outage = [...contacts.values()].find((r) => !r.ok && r.unsent);
    if (outage && !outage.ok) {
      for (const item of items) results.set(item.accountId, outage);
      return results;
    }
    return this.inBatches(
      items.map((item) => ({ key: item.accountId, item })),
      async (batch) =>
        HubSpotAdapter.perInput(
          (await this.call(() =>
            this.client.crm.companies.batchApi.update({
              inputs: batch.map(({ item }) => ({
                id: item.accountId,
                objectWriteTraceId: item.accountId,
                properties: defined({
                  boucle_nps:
                    item.summary.overall.nps === null
                      ? ''
                      : Math.round(item.summary.overall.nps * 10) / 10,
                  boucle_nps_responses: item.summary.overall.n,
                  boucle_nps_margin:
                    item.summary.overall.margin === null
                      ? ''
                      : Math.round(item.summary.overall.margin * 10) / 10,
                  boucle_last_score: item.lastScore,
                  boucle_open_callbacks: item.openCallbacks,
                }),
              })),
            }),
          )) as unknown as BatchResponse,
          (result) => result.id,
        ),
    );
  }

  /**
   * Feedback submissions (Service Hub surveys) created after `sinceIso`, oldest first, with their
   * contact's e-mail: a search (a scheduled poll, not the sync's hot path), then one association
   * read and one contact read for the whole page.
   */
  async feedbackSince(
    sinceIso: string,
    limit = 100,
  ): Promise<
    { id: string; createdAt: string; properties: Record<string, string | null>; email?: string }[]
  > {
    const page = (await this.call(() =>
      this.client.crm.objects.searchApi.doSearch('feedback_submissions', {
        filterGroups: [
          {
            filters: [
              {
                propertyName: 'hs_createdate',
                operator: 'GT' as never,
                value: String(Date.parse(sinceIso)),
              },
            ],
          },
        ],
        sorts: [{ propertyName: 'hs_createdate', direction: 'ASCENDING' } as never],
        properties: [
          'hs_createdate',
          'hs_survey_type',
          'hs_response_value',
          'hs_content',
          'hs_survey_name',
        ],
        limit,
        after: '0',
      } as never),
    )) as {
      results: {
        id: string;
        createdAt: Date | string;
        properties: Record<string, string | null>;
      }[];
    };
    if (page.results.length === 0) return [];
    const links = await this.call(() =>
      this.client.crm.associations.v4.batchApi.getPage('feedback_submissions', 'contacts', {
        inputs: page.results.map((r) => ({ id: r.id })),
      }),
    );
    const contactOf = new Map(
      links.results.map((l) => [String(l._from.id), String(l.to[0]?.toObjectId ?? '')]),
    );
    const contactIds = [...new Set([...contactOf.values()].filter(Boolean))];
    const emails = new Map(
      (await this.batchRead('contacts', contactIds, undefined, ['email'])).map((c) => [
        c.id,
        c.properties.email ?? undefined,
      ]),
    );
    return page.results.map((r) => {
      const email = emails.get(contactOf.get(r.id) ?? '');
      return {
        id: r.id,
        createdAt: new Date(r.createdAt).toISOString(),
        properties: r.properties,
        ...(email && { email }),
      };
    });
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
    const company = (await this.companiesByDomain([domain], ['name'])).get(domain.toLowerCase());
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
