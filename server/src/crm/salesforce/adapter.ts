import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jsforce, { type Connection } from 'jsforce';
import { DEFAULT_TOUCHPOINTS, type Touchpoint } from '@boucle/shared';
import type { Answer, ThresholdRule } from '@boucle/shared/schemas';
import type { SalesforceConfig } from '../../config/config.ts';
import { CrmError } from '../../errors.ts';
import type {
  AnswerWrite,
  CallbackWrite,
  CrmAdapter,
  CrmCallbackState,
  RatingWrite,
  RatingsReadBack,
  RecordResult,
  Resolution,
  RollupWrite,
} from '../../sync/adapter.ts';
import { NORM_RESULT_KEY, type NormWrite } from '../../sync/adapter.ts';
import { ResolutionCache } from '../../sync/resolutionCache.ts';
import { crmKey } from '../keys.ts';
import { asCrmError, salesforceRetryable } from '../../sync/retryPolicy.ts';
import {
  SALESFORCE_FIELDS_WRITTEN,
  accountRollupRecord,
  callbackRecord,
  npsNormRecord,
  callbackState,
  journeyFromMetadata,
  RATING_READ_BACK_FIELDS,
  ratingFromRecord,
  responseRatingRecord,
  salesforceInstant,
  TOUCHPOINT_SOQL,
  surveyResponseRecord,
  thresholdFromMetadata,
} from './mappers.ts';
import {
  namespacePath,
  namespaceRecord,
  namespaceSoql,
  namespacedName,
  stripNamespace,
} from './namespace.ts';
import {
  BACKLOG_ROUND_SIZE,
  DEFAULT_BULK_THRESHOLD,
  bulkUpsertOf,
  upsertThroughBulk,
} from './bulk.ts';

/** sObject Collections take 200 records; Composite takes 5 collections: 1,000 records a call. */
const COLLECTION_SIZE = 200;
const COLLECTIONS_PER_COMPOSITE = 5;
/**
 * Values per SOQL IN list. Lookups go as Composite query subrequests (5 per call), whose SOQL is in
 * the body rather than in a GET URI capped at 16 KB, as the Salesforce reference advises.
 */
const IN_CHUNK = 500;
const QUERIES_PER_COMPOSITE = 5;
const RULES_TTL_MS = 5 * 60_000;
/** Ratings read back per sweep; the rest come at the next one (the cursor moves by page). */
const RATINGS_PAGE = 2000;
/** Resolutions (contact, account, owner) are reused this long: batches repeat respondents. */
const RESOLUTION_TTL_MS = 10 * 60_000;

type SObject = Record<string, unknown> & { attributes: { type: string } };
interface SaveResult {
  id?: string;
  success: boolean;
  errors: { statusCode: string; message: string; fields?: string[] }[];
}
interface QueryPage<T> {
  records: T[];
  done: boolean;
  nextRecordsUrl?: string;
}
type Row = {
  Id: string;
  Email?: string;
  AccountId?: string;
  Website?: string;
  OwnerId?: string;
  Account?: { OwnerId?: string; Owner?: { ManagerId?: string } | null } | null;
  Owner?: { ManagerId?: string } | null;
};

/** A SOQL string literal. */

/** Errors of a connection that never got an answer (refused, unknown host, timed out, reset). */
const NETWORK_FAILURE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH/;
export const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );
const classify = (code: string, status?: number) => ({
  retryable: salesforceRetryable(code, status),
});
const hostOf = (website: string) =>
  website
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/$/, '');

/** Variants under which a domain may be stored in Account.Website. */
export function websiteVariants(domain: string): string[] {
  const bare = domain.toLowerCase().replace(/^www\./, '');
  return [bare, `www.${bare}`].flatMap((host) => [
    host,
    `http://${host}`,
    `https://${host}`,
    `https://${host}/`,
  ]);
}

/** Salesforce through jsforce: resolution by batched SOQL, writes through Composite. */
export class SalesforceAdapter implements CrmAdapter {
  readonly crm = 'salesforce' as const;
  readonly batchSize = 10_000;
  /** Under backlog, rounds big enough for a Bulk API 2.0 job (none with Bulk API off). */
  get backlogBatchSize(): number | undefined {
    return (this.config.bulk?.threshold ?? DEFAULT_BULK_THRESHOLD) > 0
      ? BACKLOG_ROUND_SIZE
      : undefined;
  }
  private connection: Promise<Connection> | undefined;
  private rules: { at: number; rules: ThresholdRule[] } | undefined;
  private readonly resolved: ResolutionCache;
  /** Alert_Threshold__mdt records an admin left incomplete, reported by `check()`. */
  ruleProblems: string[] = [];
  private journey: { at: number; touchpoints: readonly Touchpoint[] } | undefined;
  /** The last valid journey read from Touchpoint__mdt (the shipped one until then). */
  private lastJourney: readonly Touchpoint[] = DEFAULT_TOUCHPOINTS;
  /** Why the Touchpoint__mdt records were refused (the last valid journey stays), for `doctor`. */
  touchpointProblems: string[] = [];

  constructor(
    private readonly config: SalesforceConfig,
    private readonly clock: () => number = Date.now,
  ) {
    this.resolved = new ResolutionCache(RESOLUTION_TTL_MS, clock);
  }

  private async mint(): Promise<{ accessToken: string; instanceUrl: string }> {
    const conn = new jsforce.Connection({
      loginUrl: this.config.loginUrl,
      version: this.config.apiVersion,
      ...(this.config.auth === 'client_credentials' && {
        oauth2: {
          clientId: this.config.clientId,
          clientSecret: this.config.clientSecret,
          loginUrl: this.config.loginUrl,
        },
      }),
    });
    try {
      if (this.config.auth === 'client_credentials') {
        await conn.authorize({ grant_type: 'client_credentials' });
      } else {
        const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
        // exp is in seconds and at most a few minutes ahead (a common mistake is milliseconds).
        const audience = this.config.loginUrl.includes('test.salesforce.com')
          ? 'https://test.salesforce.com'
          : 'https://login.salesforce.com';
        const claims = {
          iss: this.config.clientId,
          sub: this.config.username,
          aud: audience,
          exp: Math.floor(this.clock() / 1000) + 180,
        };
        const unsigned = `${encode({ alg: 'RS256' })}.${encode(claims)}`;
        const key = readFileSync(this.config.privateKeyFile, 'utf8');
        const assertion = `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key).toString('base64url')}`;
        await conn.authorize({
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion,
        });
      }
    } catch (error) {
      const e = error as { name?: string; message?: string; code?: string };
      // A connection that failed is not a refused login: say what could not be reached.
      if (NETWORK_FAILURE.test(`${e.code ?? ''} ${e.message ?? ''}`))
        throw new CrmError(
          'network_error',
          `Salesforce is unreachable at ${this.config.loginUrl}: ${e.message ?? String(error)}`,
          true,
        );
      const flow = this.config.auth === 'jwt' ? 'JWT bearer' : 'client-credentials';
      throw new CrmError(
        'salesforce_auth_failed',
        `Salesforce refused the ${flow} login: ${e.message ?? String(error)}`,
        !/invalid_client|invalid_grant|unsupported_grant/.test(`${e.name} ${e.message}`),
      );
    }
    return { accessToken: conn.accessToken as string, instanceUrl: conn.instanceUrl };
  }

  /** A connection whose token is re-minted when Salesforce answers INVALID_SESSION_ID. */
  private conn(): Promise<Connection> {
    this.connection ??= this.mint().then(
      ({ accessToken, instanceUrl }) =>
        new jsforce.Connection({
          instanceUrl,
          accessToken,
          version: this.config.apiVersion,
          refreshFn: (_conn, callback) => {
            this.mint().then(
              (fresh) => callback(null, fresh.accessToken),
              (error: Error) => callback(error),
            );
          },
        }),
      (error: unknown) => {
        this.connection = undefined;
        throw error;
      },
    );
    return this.connection;
  }

  private url(path: string): string {
    return `/services/data/v${this.config.apiVersion}${path}`;
  }

  /** GETs a page; jsforce's own retries are off (the queue retries). */
  private async get<T>(url: string): Promise<T> {
    const conn = await this.conn();
    try {
      return (await conn.request({ method: 'GET', url }, {
        retry: { maxRetries: 0 },
      } as never)) as T;
    } catch (error) {
      throw asCrmError(error, classify);
    }
  }

  /** Runs SOQL queries, five per Composite call, following each one's pages. */
  async queries<T extends Record<string, unknown>>(soqls: readonly string[]): Promise<T[]> {
    const conn = await this.conn();
    const results: T[] = [];
    for (const call of chunks(soqls, QUERIES_PER_COMPOSITE)) {
      let response: { compositeResponse: { httpStatusCode: number; body: unknown }[] };
      try {
        response = await conn.request({
          method: 'POST',
          url: this.url('/composite'),
          body: JSON.stringify({
            compositeRequest: call.map((soql, index) => ({
              method: 'GET',
              url: this.url(
                `/query?q=${encodeURIComponent(namespaceSoql(soql, this.config.namespace))}`,
              ),
              referenceId: `q${index}`,
            })),
          }),
          headers: { 'content-type': 'application/json' },
        });
      } catch (error) {
        throw asCrmError(error, classify);
      }
      for (const sub of response.compositeResponse) {
        if (sub.httpStatusCode >= 400) {
          const first = (Array.isArray(sub.body) ? sub.body[0] : {}) as {
            errorCode?: string;
            message?: string;
          };
          const code = first.errorCode ?? `http_${sub.httpStatusCode}`;
          throw new CrmError(
            code,
            first.message ?? 'query refused',
            salesforceRetryable(code, sub.httpStatusCode),
          );
        }
        let page = sub.body as QueryPage<T>;
        results.push(...stripNamespace(page.records, this.config.namespace));
        while (!page.done && page.nextRecordsUrl) {
          page = await this.get<QueryPage<T>>(page.nextRecordsUrl);
          results.push(...stripNamespace(page.records, this.config.namespace));
        }
      }
    }
    return results;
  }

  /** One query per chunk of values: up to 2,500 values per API call. */
  private queryIn<T extends Record<string, unknown>>(
    template: (list: string) => string,
    values: readonly string[],
  ): Promise<T[]> {
    return this.queries<T>(
      chunks([...new Set(values)], IN_CHUNK).map((chunk) => template(chunk.map(quote).join(','))),
    );
  }

  async thresholdRules(): Promise<ThresholdRule[]> {
    const now = this.clock();
    if (this.rules && now - this.rules.at < RULES_TTL_MS) return this.rules.rules;
    const records = await this.queries<Record<string, unknown>>([
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
      const records = await this.queries<Record<string, unknown>>([TOUCHPOINT_SOQL]);
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

  async resolve(
    items: readonly { ref: string; answer: Answer }[],
  ): Promise<Map<string, Resolution>> {
    const accountResolution = (account: Row): Resolution => ({
      accountId: account.Id,
      ...(account.OwnerId && { ownerId: account.OwnerId }),
      ...(account.Owner?.ManagerId && { managerId: account.Owner.ManagerId }),
    });
    const emails = items
      .map((i) => i.answer.respondent?.email?.toLowerCase())
      .filter((e): e is string => Boolean(e));
    const contacts = await this.resolved.get('contact', emails, async (missing) => {
      const rows = await this.queryIn<Row>(
        (list) =>
          `SELECT Id, Email, AccountId, Account.OwnerId, Account.Owner.ManagerId FROM Contact WHERE Email IN (${list})`,
        missing,
      );
      return new Map(
        rows
          .filter((c) => c.Email)
          .map((c): [string, Resolution] => [
            String(c.Email).toLowerCase(),
            {
              contactId: c.Id,
              ...(c.AccountId && { accountId: c.AccountId }),
              ...(c.Account?.OwnerId && { ownerId: c.Account.OwnerId }),
              ...(c.Account?.Owner?.ManagerId && { managerId: c.Account.Owner.ManagerId }),
            },
          ]),
      );
    });
    const accountIds = items
      .map((i) => i.answer.account?.crmAccountId)
      .filter(
        (id): id is string =>
          Boolean(id) && /^001[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/.test(String(id)),
      );
    const byId = await this.resolved.get(
      'accountId',
      accountIds.map((id) => id.slice(0, 15)),
      async (missing) => {
        const rows = await this.queryIn<Row>(
          (list) => `SELECT Id, OwnerId, Owner.ManagerId FROM Account WHERE Id IN (${list})`,
          missing,
        );
        return new Map(
          rows.map((a): [string, Resolution] => [a.Id.slice(0, 15), accountResolution(a)]),
        );
      },
    );
    const domainOf = (answer: Answer) =>
      (answer.account?.domain ?? answer.respondent?.email?.split('@')[1])
        ?.toLowerCase()
        .replace(/^www\./, '');
    const contactOf = (answer: Answer) =>
      answer.respondent?.email ? contacts.get(answer.respondent.email.toLowerCase()) : undefined;
    const accountById = (answer: Answer) =>
      answer.account?.crmAccountId ? byId.get(answer.account.crmAccountId.slice(0, 15)) : undefined;
    // Domains are looked up only for answers that neither their contact nor an account id resolved.
    const domains = items
      .filter(({ answer }) => !contactOf(answer)?.accountId && !accountById(answer))
      .map(({ answer }) => domainOf(answer))
      .filter((d): d is string => Boolean(d));
    const byDomain = await this.resolved.get('domain', domains, async (missing) => {
      const rows = await this.queryIn<Row>(
        (list) =>
          `SELECT Id, Website, OwnerId, Owner.ManagerId FROM Account WHERE Website IN (${list})`,
        missing.flatMap(websiteVariants),
      );
      const found = new Map<string, Resolution>();
      for (const account of rows) {
        const host = hostOf(String(account.Website ?? ''));
        if (!found.has(host)) found.set(host, accountResolution(account));
      }
      return found;
    });
    const resolutions = new Map<string, Resolution>();
    for (const { ref, answer } of items) {
      const contact = contactOf(answer);
      const domain = domainOf(answer);
      const account =
        accountById(answer) ??
        (contact?.accountId ? undefined : domain ? byDomain.get(domain) : undefined);
      if (!contact && !account) continue;
      resolutions.set(ref, {
        ...contact,
        ...account,
        ...(contact?.contactId && { contactId: contact.contactId }),
      });
    }
    return resolutions;
  }

  /**
   * A User Interface API request as Lightning Data Service makes it for the components (the
   * sandbox preview's bridge): `graphql`, or `ui-api/records/{id}` read or updated. Salesforce's
   * status and body come back as they are, errors included, for the component to show.
   */
  async uiApi(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: string }> {
    for (let attempt = 0; ; attempt++) {
      const conn = await this.conn();
      const response = await fetch(
        `${conn.instanceUrl}/services/data/v${this.config.apiVersion}/${path}`,
        {
          method,
          headers: {
            authorization: `Bearer ${conn.accessToken}`,
            'content-type': 'application/json',
          },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        },
      );
      // An expired session: log in again once, as jsforce's refresh does for the other calls.
      if (response.status === 401 && attempt === 0) {
        this.connection = undefined;
        continue;
      }
      return { status: response.status, body: await response.text() };
    }
  }

  /** Callbacks as managers left them in Salesforce (the npsCallbackLogger writes there). */
  async readCallbacks(ids: readonly string[]): Promise<Map<string, CrmCallbackState>> {
    const idOf = new Map(ids.map((id) => [crmKey(id), id]));
    const records = await this.queryIn<
      { External_Id__c: string } & Parameters<typeof callbackState>[0]
    >(
      (list) =>
        `SELECT External_Id__c, Status__c, Reached_At__c, Outcome__c, Root_Cause__c, Notes__c, Follow_Up_Action__c FROM Callback__c WHERE External_Id__c IN (${list})`,
      [...idOf.keys()],
    );
    const states = new Map<string, CrmCallbackState>();
    for (const record of records) {
      const state = callbackState(record);
      const id = idOf.get(record.External_Id__c);
      if (state && id) states.set(id, state);
    }
    return states;
  }

  /**
   * `Response_Rating__c` records employees entered in the org, changed at or after `since` (by
   * SystemModstamp, which every change moves), oldest first, a page at a time. The cursor is cut
   * to the second (the SOQL date-time literal has no fraction), so records of its second come
   * again: re-reading one is idempotent. Employee__c is mapped to the user's e-mail (batched,
   * cached like the other resolutions).
   */
  async readRatings(since: string | undefined): Promise<RatingsReadBack> {
    const from = since ? `${new Date(since).toISOString().slice(0, 19)}Z` : undefined;
    const records = await this.queries<Record<string, unknown>>([
      `SELECT ${RATING_READ_BACK_FIELDS} FROM Response_Rating__c WHERE External_Id__c LIKE 'salesforce:%'${from ? ` AND SystemModstamp >= ${from}` : ''} ORDER BY SystemModstamp ASC LIMIT ${RATINGS_PAGE}`,
    ]);
    const userIds = records
      .map((r) => r.Employee__c)
      .filter((id): id is string => typeof id === 'string' && id.length > 0);
    const emails = await this.resolved.get('userEmail', userIds, async (missing) => {
      const users = await this.queryIn<{ Id: string; Email?: string }>(
        (list) => `SELECT Id, Email FROM User WHERE Id IN (${list})`,
        missing,
      );
      return new Map(
        users.filter((u) => u.Email).map((u) => [u.Id, String(u.Email).toLowerCase()]),
      );
    });
    const ratings = [];
    const problems: string[] = [];
    for (const record of records) {
      const read = ratingFromRecord(
        record,
        typeof record.Employee__c === 'string' ? emails.get(record.Employee__c) : undefined,
      );
      if ('rating' in read) ratings.push(read.rating);
      else if ('error' in read) problems.push(read.error);
    }
    const last = salesforceInstant(records.at(-1)?.SystemModstamp);
    return { ratings, problems, ...((last ?? since) && { cursor: last ?? since }) };
  }

  async resolveUsers(emails: readonly string[]): Promise<Map<string, string>> {
    return this.resolved.get(
      'user',
      emails.map((e) => e.toLowerCase()),
      async (missing) => {
        const users = await this.queryIn<{ Id: string; Email: string }>(
          (list) => `SELECT Id, Email FROM User WHERE Email IN (${list}) AND IsActive = true`,
          missing,
        );
        return new Map(users.map((u) => [u.Email.toLowerCase(), u.Id]));
      },
    );
  }

  async resolveQueue(name: string): Promise<string | undefined> {
    const found = await this.resolved.get('queue', [name], async () => {
      const rows = await this.queries<{ Id: string }>([
        `SELECT Id FROM Group WHERE Type = 'Queue' AND (DeveloperName = ${quote(name)} OR Name = ${quote(name)}) LIMIT 1`,
      ]);
      return new Map(rows[0] ? [[name, rows[0].Id]] : []);
    });
    return found.get(name);
  }

  /**
   * Writes records through Composite, up to 5 collections of 200 per call; returns each record's
   * result by key. A call that fails as a whole (5xx, a limit, a timeout, the network) says nothing
   * about its records: they and every later one come back `unsent`, and no more calls are made; a
   * collection refused as a whole for such a reason leaves its records `unsent` too. A collection
   * refused for its contents fails its records with that error.
   */
  private async composite(
    records: readonly { key: string; record: SObject; path?: string }[],
    method: 'PATCH',
    path: string,
  ): Promise<Map<string, RecordResult>> {
    const conn = await this.conn();
    const bulk = this.config.bulk ?? { threshold: DEFAULT_BULK_THRESHOLD };
    const backfill = bulkUpsertOf(path, records, bulk.threshold);
    const written =
      backfill &&
      (await upsertThroughBulk(conn, backfill.object, backfill.field, records, {
        ...bulk,
        ...(this.config.namespace && { namespace: this.config.namespace }),
      }));
    if (written) return written;
    const results = new Map<string, RecordResult>();
    let outage: CrmError | undefined;
    // A record with a path of its own (the norm's upsert beside the rollups' updates) gets a
    // collection of its own, in the same Composite call when there is room.
    const byPath = new Map<string, (typeof records)[number][]>();
    for (const item of records) {
      const group = byPath.get(item.path ?? path) ?? [];
      group.push(item);
      byPath.set(item.path ?? path, group);
    }
    const allCollections = [...byPath.values()].flatMap((group) => chunks(group, COLLECTION_SIZE));
    for (const collections of chunks(allCollections, COLLECTIONS_PER_COMPOSITE)) {
      const call = collections.flat();
      if (outage) {
        for (const item of call) results.set(item.key, { ok: false, error: outage, unsent: true });
        continue;
      }
      let response: {
        compositeResponse: { httpStatusCode: number; body: unknown; referenceId: string }[];
      };
      try {
        response = await conn.request({
          method: 'POST',
          url: this.url('/composite'),
          body: JSON.stringify({
            allOrNone: false,
            compositeRequest: collections.map((collection, index) => ({
              method,
              url: this.url(namespacePath(collection[0]?.path ?? path, this.config.namespace)),
              referenceId: `c${index}`,
              body: {
                allOrNone: false,
                records: collection.map((item) =>
                  namespaceRecord(item.record, this.config.namespace),
                ),
              },
            })),
          }),
          headers: { 'content-type': 'application/json' },
        });
      } catch (error) {
        const crmError = asCrmError(error, classify);
        if (crmError.retryable) outage = crmError;
        for (const item of call)
          results.set(item.key, { ok: false, error: crmError, unsent: crmError.retryable });
        continue;
      }
      collections.forEach((collection, index) => {
        const sub = response.compositeResponse[index];
        if (!sub || sub.httpStatusCode >= 400 || !Array.isArray(sub.body)) {
          const first =
            (Array.isArray(sub?.body)
              ? (sub?.body[0] as { errorCode?: string; message?: string })
              : undefined) ?? {};
          const code = first.errorCode ?? `http_${sub?.httpStatusCode ?? 0}`;
          const error = new CrmError(
            code,
            first.message ?? 'the collection was refused',
            salesforceRetryable(code, sub?.httpStatusCode),
          );
          for (const item of collection)
            results.set(item.key, { ok: false, error, unsent: error.retryable });
          return;
        }
        collection.forEach((item, position) => {
          const saved = (sub.body as SaveResult[])[position];
          if (saved?.success && saved.id) {
            results.set(item.key, { ok: true, crmId: saved.id });
            return;
          }
          const first = saved?.errors[0];
          const code = first?.statusCode ?? 'UNKNOWN_EXCEPTION';
          const message = `${first?.message ?? 'no result'}${first?.fields?.length ? ` (${first.fields.join(', ')})` : ''}`;
          results.set(item.key, {
            ok: false,
            error: new CrmError(code, message, salesforceRetryable(code)),
          });
        });
      });
    }
    return results;
  }

  writeAnswers(items: readonly AnswerWrite[]) {
    return this.composite(
      items.map((item) => ({ key: item.ref, record: surveyResponseRecord(item) })),
      'PATCH',
      '/composite/sobjects/Survey_Response__c/External_Id__c',
    );
  }

  writeRatings(items: readonly RatingWrite[]) {
    return this.composite(
      items.map((item) => ({ key: item.ref, record: responseRatingRecord(item) })),
      'PATCH',
      '/composite/sobjects/Response_Rating__c/External_Id__c',
    );
  }

  writeCallbacks(items: readonly CallbackWrite[]) {
    return this.composite(
      items.map((item) => ({ key: item.callback.id, record: callbackRecord(item) })),
      'PATCH',
      '/composite/sobjects/Callback__c/External_Id__c',
    );
  }

  /** The Account rollups (updates by id) and the norm (an upsert by External_Id__c), one call. */
  writeRollups(items: readonly RollupWrite[], norm?: NormWrite) {
    return this.composite(
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

  /** The objects and fields Boucle writes that the org lacks (`Object.Field`), from describes. */
  async missingFields(): Promise<string[]> {
    const missing: string[] = [];
    for (const [object, fields] of Object.entries(SALESFORCE_FIELDS_WRITTEN)) {
      let described: { fields: { name: string }[] };
      try {
        described = await this.get(
          this.url(`/sobjects/${namespacedName(object, this.config.namespace)}/describe`),
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
      const limits = await this.get<{ DailyApiRequests?: { Max: number; Remaining: number } }>(
        this.url('/limits'),
      );
      const daily = limits.DailyApiRequests;
      const rules =
        (this.ruleProblems.length > 0
          ? `; ${this.ruleProblems.length} Alert_Threshold__mdt record(s) ignored: ${this.ruleProblems.join('; ')}`
          : '') +
        (this.touchpointProblems.length > 0
          ? `; Touchpoint__mdt refused, the last valid journey stays in force: ${this.touchpointProblems.join('; ')}`
          : '');
      return {
        ok: true,
        detail: `${daily ? `connected; ${daily.Remaining} of ${daily.Max} daily API calls left` : 'connected'}${rules}`,
      };
    } catch (error) {
      return { ok: false, detail: asCrmError(error, classify).message };
    }
  }
}
