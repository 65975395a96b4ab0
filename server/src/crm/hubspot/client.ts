import { Client } from '@hubspot/api-client';
import type { HubSpotConfig } from '../../config/config.ts';
import { CrmError } from '../../errors.ts';
import type { RecordResult } from '../adapter.ts';
import { asCrmError, recordError } from '../classify.ts';
import { crmKey } from '../keys.ts';
import { RollingWindowLimiter } from '../rateLimiter.ts';
import { HUBSPOT_QUIRKS } from './quirks.ts';

/** The daily-allocation headers HubSpot sends private apps (lower-cased, as the client keeps them). */
const HUBSPOT_QUIRKS_DAILY = {
  limit: 'x-hubspot-ratelimit-daily',
  remaining: 'x-hubspot-ratelimit-daily-remaining',
};

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

export const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );

export interface BatchResponse {
  results: { id: string; objectWriteTraceId?: string; properties: Record<string, string | null> }[];
  errors?: { message: string; category?: string; context?: Record<string, string[]> }[];
}
export type HubSpotRecord = BatchResponse['results'][number];
/** Association type ids of a write: to the contact, to the company, and their category. */
export interface AssociationTypes {
  readonly toContact: number;
  readonly toCompany: number;
  readonly category: 'HUBSPOT_DEFINED' | 'USER_DEFINED';
}

/** Per-record results by Boucle's own keys, from those of the CRM keys they were written under. */
export async function byOwnKey(
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

/** Each input's result in a batch answer, matched by objectWriteTraceId (or `fallback`). */
export function perInput(
  response: BatchResponse,
  fallback: (result: HubSpotRecord) => string | undefined,
): Map<string, RecordResult> {
  const results = new Map<string, RecordResult>();
  for (const result of response.results) {
    const key = result.objectWriteTraceId ?? fallback(result);
    if (key) results.set(key, { ok: true, crmId: result.id });
  }
  for (const failure of response.errors ?? []) {
    const error = recordError(
      HUBSPOT_QUIRKS,
      failure.category ?? 'VALIDATION_ERROR',
      failure.message,
    );
    for (const key of failure.context?.objectWriteTraceId ?? [])
      results.set(key, { ok: false, error });
  }
  return results;
}

export interface HubSpotClientOptions {
  /** Requests per rolling 10 s; default 100, the private-app limit of Free and Starter portals. */
  readonly requestsPer10s?: number;
  /**
   * CRM search requests per second, a limit of its own (5 per account, exempt from the ten-secondly
   * one); default 4, leaving one to whatever else searches the portal.
   */
  readonly searchesPerSecond?: number;
  readonly clock?: () => number;
}

/**
 * The one place @hubspot/api-client is called: every call paced by the portal's rate limits and
 * its failures classified once ({@link HUBSPOT_QUIRKS}), batch reads and searches, and batch
 * writes that report each input alone.
 */
export class HubSpotClient {
  readonly client: Client;
  readonly limiter: RollingWindowLimiter;
  readonly searchLimiter: RollingWindowLimiter;

  constructor(config: HubSpotConfig, options: HubSpotClientOptions = {}) {
    // The client's own retries are off: the queue retries, with backoff and Retry-After.
    this.client = new Client({
      accessToken: config.accessToken,
      basePath: config.baseUrl,
      numberOfApiCallRetries: 0,
      middleware: [{ pre: (context) => context, post: (context) => this.noteDaily(context) }],
    });
    // A call is stamped when it leaves and counted by HubSpot when it arrives: half a second of
    // margin on the window keeps the two counts from disagreeing at the window's edge.
    this.limiter = new RollingWindowLimiter(options.requestsPer10s ?? 100, 10_500, options.clock);
    this.searchLimiter = new RollingWindowLimiter(
      options.searchesPerSecond ?? 4,
      1_250,
      options.clock,
    );
  }

  /**
   * The daily allocation as HubSpot's last answer carrying it said (private apps get
   * `X-HubSpot-RateLimit-Daily` and `-Daily-Remaining`; search answers and OAuth apps do not:
   * https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines).
   */
  apiBudget(): { used: number; limit: number } | undefined {
    return this.daily;
  }

  private daily: { used: number; limit: number } | undefined;

  private noteDaily(context: unknown): unknown {
    const headers = (context as { headers?: Record<string, string> }).headers ?? {};
    const limit = Number(headers[HUBSPOT_QUIRKS_DAILY.limit]);
    const remaining = Number(headers[HUBSPOT_QUIRKS_DAILY.remaining]);
    if (limit > 0 && Number.isFinite(remaining))
      this.daily = { used: Math.max(0, limit - remaining), limit };
    return context;
  }

  /** Calls the API within a rate limit; a 429 holds every later call for as long as HubSpot asks. */
  async call<T>(run: () => Promise<T>, limiter = this.limiter): Promise<T> {
    await limiter.acquire();
    try {
      return await run();
    } catch (error) {
      const crmError = asCrmError(HUBSPOT_QUIRKS, error);
      if (crmError.status === 429 && crmError.waitMs) limiter.pause(crmError.waitMs);
      throw crmError;
    }
  }

  /**
   * For the one-off portal setup only: a call retried a few times on transient failures, since the
   * queue cannot retry one call of a setup that must complete as a whole.
   */
  async callPatiently<T>(run: () => Promise<T>): Promise<T> {
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

  async batchRead(
    objectType: string,
    ids: readonly string[],
    idProperty: string | undefined,
    properties: string[],
  ): Promise<HubSpotRecord[]> {
    const results: HubSpotRecord[] = [];
    for (const chunk of chunks([...new Set(ids)], BATCH)) {
      const response = await this.call(() =>
        this.client.crm.objects.batchApi.read(objectType, {
          inputs: chunk.map((id) => ({ id })),
          properties,
          propertiesWithHistory: [],
          ...(idProperty && { idProperty }),
        }),
      );
      results.push(...(response.results as HubSpotRecord[]));
    }
    return results;
  }

  /**
   * Tasks by id, 100 a call within the rate limit: the records found, and the ids HubSpot did not
   * return. HubSpot answers a batch read with missing ids with a 207 whose `errors` name them
   * (OBJECT_NOT_FOUND); an id absent from `results` is taken as missing whether or not `errors`
   * lists it. A batch whose every id is missing may come back as a 404 OBJECT_NOT_FOUND instead
   * (reported, unconfirmed: docs/emulators.md): its ids are missing too. Any other error throws.
   */
  async readTasks(
    ids: readonly string[],
    properties: string[],
  ): Promise<{ found: HubSpotRecord[]; missing: string[] }> {
    const found: HubSpotRecord[] = [];
    for (const chunk of chunks([...new Set(ids)], BATCH)) {
      try {
        found.push(...(await this.batchRead('tasks', chunk, undefined, properties)));
      } catch (error) {
        const crmError = error as CrmError;
        if (crmError.status !== 404 || crmError.code !== 'OBJECT_NOT_FOUND') throw error;
      }
    }
    const seen = new Set(found.map((r) => r.id));
    return { found, missing: [...new Set(ids)].filter((id) => !seen.has(id)) };
  }

  /**
   * Companies by domain. A company's `domain` is not a unique property, so batch read refuses it as
   * `idProperty`; CRM search takes it with the `IN` operator, 100 domains a search and 200 results
   * a page, paced by the search API's own limit. Where several companies share a domain, the
   * oldest (lowest id) is the one.
   */
  async companiesByDomain(
    domains: readonly string[],
    properties: string[],
  ): Promise<Map<string, HubSpotRecord>> {
    const found = new Map<string, HubSpotRecord>();
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

  /**
   * Sends `items` 100 a call through `send`, which returns each input's result (a 207 reports bad
   * inputs one by one). HubSpot documents multi-status for batch create only: elsewhere one bad
   * input may fail the whole call with a 4xx, so such a batch is halved until each bad input stands
   * alone and is refused by itself, the others written once. A call that fails as a whole for any
   * other reason (5xx, 429, a lock, a timeout, the network, credentials) says nothing about its
   * records: they and every later one come back `unsent`, and no more calls are made.
   */
  async inBatches<T extends { key: string }>(
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

  /** Batch upsert by `boucle_external_id`, every input carrying an objectWriteTraceId. */
  upsert(
    objectType: string,
    items: readonly { key: string; properties: Record<string, string> }[],
  ): Promise<Map<string, RecordResult>> {
    return this.inBatches(items, async (batch) =>
      perInput(
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

  /**
   * Writes records idempotently in the fewest calls: batch create with the associations inline (an
   * upsert cannot carry them), then batch upsert only for the records that already exist, which
   * the unique `boucle_external_id` makes HubSpot refuse with CONFLICT instead of duplicating.
   */
  async createOrUpsert(
    objectType: string,
    items: readonly {
      key: string;
      properties: Record<string, string>;
      contactId?: string;
      companyId?: string;
    }[],
    types: AssociationTypes,
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
      perInput(
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
}
