import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jsforce, { type Connection } from 'jsforce';
import type { SalesforceConfig } from '../../config/config.ts';
import { CrmError } from '../../errors.ts';
import type { RecordResult } from '../adapter.ts';
import { failedCall, failureOf, recordError } from '../classify.ts';
import {
  namespacedName as namespacedObject,
  namespacePath,
  namespaceRecord,
  namespaceSoql,
  stripNamespace,
} from './namespace.ts';
import { SALESFORCE_QUIRKS } from './quirks.ts';
import { DEFAULT_BULK_THRESHOLD, bulkUpsertOf, upsertThroughBulk } from './bulk.ts';

/** sObject Collections take 200 records; Composite takes 5 collections: 1,000 records a call. */
const COLLECTION_SIZE = 200;
const COLLECTIONS_PER_COMPOSITE = 5;
/**
 * Values per SOQL IN list. Lookups go as Composite query subrequests (5 per call), whose SOQL is in
 * the body rather than in a GET URI capped at 16 KB, as the Salesforce reference advises.
 */
const IN_CHUNK = 500;
const QUERIES_PER_COMPOSITE = 5;

export type SObject = Record<string, unknown> & { attributes: { type: string } };
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
/** A record to write through Composite, under Boucle's key, to `path` unless it has its own. */
export interface CompositeRecord {
  readonly key: string;
  readonly record: SObject;
  readonly path?: string;
}

/** Errors of a connection that never got an answer (refused, unknown host, timed out, reset). */
const NETWORK_FAILURE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH/;
/** A SOQL string literal. */
export const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
export const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );

/**
 * The one place jsforce is called: the login (client credentials or JWT bearer), a connection
 * that logs in again when the session expires, batched SOQL and Composite writes. jsforce's own
 * retries are off: the queue retries. Failures come out as classified {@link CrmError}s.
 */
export class SalesforceClient {
  private connection: Promise<Connection> | undefined;
  /** The connection last opened, whose `limitInfo` says the API usage. */
  private latest: Connection | undefined;

  constructor(
    readonly config: SalesforceConfig,
    private readonly clock: () => number = Date.now,
  ) {}

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
  conn(): Promise<Connection> {
    this.connection ??= this.mint().then(
      ({ accessToken, instanceUrl }) =>
        (this.latest = new jsforce.Connection({
          instanceUrl,
          accessToken,
          version: this.config.apiVersion,
          refreshFn: (_conn, callback) => {
            this.mint().then(
              (fresh) => callback(null, fresh.accessToken),
              (error: Error) => callback(error),
            );
          },
        })),
      (error: unknown) => {
        this.connection = undefined;
        throw error;
      },
    );
    return this.connection;
  }

  /**
   * The daily API usage of the last answer: jsforce keeps each `Sforce-Limit-Info` header it sees
   * as `conn.limitInfo` (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm).
   */
  apiBudget(): { used: number; limit: number } | undefined {
    const usage = (this.latest?.limitInfo as { apiUsage?: { used: number; limit: number } })
      ?.apiUsage;
    return usage && usage.limit > 0 ? { used: usage.used, limit: usage.limit } : undefined;
  }

  /** Logs in again at the next call (an expired session seen outside jsforce). */
  forgetConnection(): void {
    this.connection = undefined;
  }

  url(path: string): string {
    return `/services/data/v${this.config.apiVersion}${path}`;
  }

  /**
   * A failed request as a classified error. jsforce keeps the last `Sforce-Limit-Info` it saw on
   * the connection rather than on the error: it is handed to the classifier as the header it was.
   */
  failure(error: unknown, conn?: Connection): CrmError {
    if (error instanceof CrmError) return error;
    const failure = failureOf(SALESFORCE_QUIRKS, error);
    const usage = (conn?.limitInfo as { apiUsage?: { used: number; limit: number } } | undefined)
      ?.apiUsage;
    return failedCall(
      SALESFORCE_QUIRKS,
      usage
        ? {
            ...failure,
            headers: {
              ...failure.headers,
              'sforce-limit-info': `api-usage=${usage.used}/${usage.limit}`,
            },
          }
        : failure,
    );
  }

  /** GETs a page; jsforce's own retries are off (the queue retries). */
  async get<T>(url: string): Promise<T> {
    const conn = await this.conn();
    try {
      return (await conn.request({ method: 'GET', url }, {
        retry: { maxRetries: 0 },
      } as never)) as T;
    } catch (error) {
      throw this.failure(error, conn);
    }
  }

  /** A Composite subrequest or collection refused as a whole, from its status and error array. */
  private refused(status: number | undefined, body: unknown, fallback: string): CrmError {
    const first = (Array.isArray(body) ? body[0] : undefined) as
      { errorCode?: string; message?: string } | undefined;
    return failedCall(SALESFORCE_QUIRKS, {
      ...(status !== undefined && { status }),
      code: first?.errorCode ?? `http_${status ?? 0}`,
      message: first?.message ?? fallback,
    });
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
        throw this.failure(error, conn);
      }
      for (const sub of response.compositeResponse) {
        if (sub.httpStatusCode >= 400)
          throw this.refused(sub.httpStatusCode, sub.body, 'query refused');
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
  queryIn<T extends Record<string, unknown>>(
    template: (list: string) => string,
    values: readonly string[],
  ): Promise<T[]> {
    return this.queries<T>(
      chunks([...new Set(values)], IN_CHUNK).map((chunk) => template(chunk.map(quote).join(','))),
    );
  }

  /**
   * Writes records through Composite, up to 5 collections of 200 per call; returns each record's
   * result by key. A call that fails as a whole (5xx, a limit, a timeout, the network) says nothing
   * about its records: they and every later one come back `unsent`, and no more calls are made; a
   * collection refused as a whole for such a reason leaves its records `unsent` too. A collection
   * refused for its contents fails its records with that error.
   */
  async composite(
    records: readonly CompositeRecord[],
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
    const byPath = new Map<string, CompositeRecord[]>();
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
        const crmError = this.failure(error, conn);
        if (crmError.retryable) outage = crmError;
        for (const item of call)
          results.set(item.key, { ok: false, error: crmError, unsent: crmError.retryable });
        continue;
      }
      collections.forEach((collection, index) => {
        const sub = response.compositeResponse[index];
        if (!sub || sub.httpStatusCode >= 400 || !Array.isArray(sub.body)) {
          const error = this.refused(
            sub?.httpStatusCode ?? 0,
            sub?.body,
            'the collection was refused',
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
          const message = `${first?.message ?? 'no result'}${first?.fields?.length ? ` (${first.fields.join(', ')})` : ''}`;
          results.set(item.key, {
            ok: false,
            error: recordError(
              SALESFORCE_QUIRKS,
              first?.statusCode ?? 'UNKNOWN_EXCEPTION',
              message,
            ),
          });
        });
      });
    }
    return results;
  }

  /**
   * Deletes records by id through jsforce's `destroy`: sObject Collections
   * `DELETE /composite/sobjects?ids=…` (allOrNone left at its documented default, false: each
   * record alone), 200 ids a call; each record's result by id. A record already deleted
   * (`ENTITY_IS_DELETED`) counts as deleted: the delete ran before a crash. A call that fails as
   * a whole throws when trying again may help, and refuses its records otherwise.
   */
  async destroy(object: string, ids: readonly string[]): Promise<Map<string, RecordResult>> {
    const conn = await this.conn();
    const results = new Map<string, RecordResult>();
    for (const chunk of chunks([...new Set(ids)], COLLECTION_SIZE)) {
      let saved: SaveResult[];
      try {
        saved = (await conn.destroy(namespacedObject(object, this.config.namespace), chunk, {
          allOrNone: false,
        })) as SaveResult[];
      } catch (error) {
        const crmError = this.failure(error, conn);
        if (crmError.retryable) throw crmError;
        for (const id of chunk) results.set(id, { ok: false, error: crmError });
        continue;
      }
      chunk.forEach((id, position) => {
        const result = saved[position];
        const first = result?.errors[0];
        if (result?.success || first?.statusCode === 'ENTITY_IS_DELETED')
          results.set(id, { ok: true, crmId: id });
        else
          results.set(id, {
            ok: false,
            error: recordError(
              SALESFORCE_QUIRKS,
              first?.statusCode ?? 'UNKNOWN_EXCEPTION',
              first?.message ?? 'no result',
            ),
          });
      });
    }
    return results;
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
        this.forgetConnection();
        continue;
      }
      return { status: response.status, body: await response.text() };
    }
  }

  /** The org's URL (its My Domain), for links to its records. */
  async instanceUrl(): Promise<string> {
    return (await this.conn()).instanceUrl;
  }
}
