import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  CallLog,
  Faults,
  StateFile,
  endpointKey,
  listenEmulator,
  faultsBodySchema,
  sleep,
  type FaultRule,
} from '../common.ts';
import { collectionsRoute } from './collections.ts';
import { compositeRoute } from './composite.ts';
import { OAuthSessions } from './oauth.ts';
import { sobjectsRoute } from './sobjects.ts';
import { SalesforceOrg, RequestError, apiError, type OrgSnapshot, type SaveResult } from './org.ts';
import { loadCustomMetadata, loadPermissionSets, loadSchema } from './schema.ts';
import { runGraphql, type GraphqlRequest } from './graphql.ts';
import { uiApiRecord } from './uiApi.ts';
import { queryColumns } from './columns.ts';
import { BulkIngest, bulkUploadParser, type BulkIngestOptions } from './bulk.ts';

export const DEFAULT_SALESFORCE_PROJECT = fileURLToPath(
  new URL('../../../../salesforce/force-app/main/default', import.meta.url),
);
/** Every version an org answers: 31.0 (the oldest Salesforce still serves) to the latest. */
const API_VERSIONS = Array.from({ length: 64 - 31 + 1 }, (_, i) => `${31 + i}.0`);
const QUERY_BATCH = 2000;
const SOQL_MAX_LENGTH = 100_000;

export interface SalesforceEmulatorOptions {
  /** The `main/default` folder of the SFDX project whose objects the org knows. */
  readonly projectDir?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** PEM certificate (or public key) that JWT bearer assertions must be signed for. */
  readonly jwtCertificate?: string;
  /** API calls allowed per 24 h; default 100,000 (an Enterprise org with few licenses). */
  readonly dailyApiLimit?: number;
  /** Keep the org's records in this JSON file across restarts. */
  readonly dataFile?: string;
  readonly orgId?: string;
  /**
   * The permission set of the package the client-credentials user holds, e.g. `Boucle_Integration`:
   * its writes are then held to that set's field-level security, as in an org. Unset: an admin.
   */
  readonly integrationPermissionSet?: string;
  /** Bulk API 2.0 limits (upload size, daily records and batches), for tests. */
  readonly bulk?: BulkIngestOptions;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** Sent as text/csv (Bulk API 2.0 results). */
  csv?: string;
}

export type Row = Record<string, unknown>;

/** A Salesforce org on loopback: OAuth, REST, Composite, and an admin API for tests and people. */
export class SalesforceEmulator {
  readonly org: SalesforceOrg;
  readonly faults = new Faults();
  readonly calls = new CallLog();
  readonly app = express();
  readonly bulk: BulkIngest;
  private readonly oauth: OAuthSessions;
  private readonly cursors = new Map<string, Row[]>();
  private readonly stateFile: StateFile<OrgSnapshot & { apiUsage: number }>;
  private apiUsage = 0;
  /** Who sent the REST request being dispatched (requests are dispatched synchronously). */
  private caller = { origin: '', userId: '' };
  readonly dailyApiLimit: number;
  readonly orgId: string;

  constructor(private readonly options: SalesforceEmulatorOptions = {}) {
    const projectDir = options.projectDir ?? DEFAULT_SALESFORCE_PROJECT;
    this.org = new SalesforceOrg(
      loadSchema(projectDir),
      loadCustomMetadata(projectDir),
      loadPermissionSets(projectDir),
    );
    this.org.integrationPermissionSet = options.integrationPermissionSet;
    this.dailyApiLimit = options.dailyApiLimit ?? 100_000;
    this.orgId = options.orgId ?? '00D5g000000BOUCLE';
    this.oauth = new OAuthSessions(
      this.org,
      { ...options, orgId: this.orgId, latestVersion: API_VERSIONS.at(-1) as string },
      this.calls,
      this.faults,
    );
    this.stateFile = new StateFile(options.dataFile, () => ({
      ...this.org.snapshot(),
      apiUsage: this.apiUsage,
    }));
    const saved = this.stateFile.load();
    if (saved) {
      this.org.restore(saved);
      this.apiUsage = saved.apiUsage;
    }
    this.bulk = new BulkIngest(this.org, options.bulk, () => this.stateFile.changed());
    this.routes();
  }

  private routes(): void {
    const app = this.app;
    app.disable('x-powered-by');
    // Clients that keep the instance URL's trailing slash (the Salesforce CLI does) ask for
    // `//services/data/...`; Salesforce's front end reads it as one slash.
    app.use((req, _res, next) => {
      if (req.url.startsWith('//')) req.url = req.url.replace(/^\/+/, '/');
      next();
    });
    app.use(express.json({ limit: '50mb', type: ['application/json', 'application/*+json'] }));
    app.use(express.urlencoded({ extended: false }));
    app.use(bulkUploadParser(this.options.bulk));

    app.get('/__emulator/state', (_req, res) => {
      res.json({
        objects: this.org.state(),
        apiUsage: { used: this.apiUsage, limit: this.dailyApiLimit },
      });
    });
    app.get('/__emulator/calls', (_req, res) => res.json(this.calls.toJSON()));
    app.get('/__emulator/writes', (_req, res) => res.json(this.org.writes()));
    app.post('/__emulator/faults', (req, res) => {
      const parsed = faultsBodySchema.safeParse(req.body ?? {});
      if (!parsed.success)
        return void res.status(400).json({
          error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        });
      this.faults.set(parsed.data);
      res.json({ faults: parsed.data });
    });
    app.delete('/__emulator/faults', (_req, res) => {
      this.faults.set({ rules: [] });
      res.status(204).end();
    });
    app.post('/__emulator/reset', (_req, res) => {
      this.reset();
      res.json({ reset: true });
    });
    /** Loads records directly (not counted as API calls): `{"Account": [{...}], "Contact": [...]}`. */
    app.post('/__emulator/records', (req, res) => {
      const results: Record<string, SaveResult[]> = {};
      try {
        for (const [type, rows] of Object.entries((req.body ?? {}) as Record<string, Row[]>)) {
          results[type] = rows.map(({ Id, ...row }) => this.org.create(type, row, Id));
        }
      } catch (error) {
        if (error instanceof RequestError) return void res.status(error.status).json(error.body);
        throw error;
      }
      this.stateFile.changed();
      res.json(results);
    });

    this.oauth.register(app);
    app.get('/services/data', (_req, res) => {
      res.json(
        API_VERSIONS.map((version) => ({
          label: `Emulated ${version}`,
          url: `/services/data/v${version}`,
          version,
        })),
      );
    });
    app.all(/^\/services\/data\/v(\d+\.\d+)(\/.*)?$/, (req, res, next) => {
      this.rest(req, res).catch(next);
    });
    app.use((req, res) => {
      res.status(404).json([
        {
          errorCode: 'NOT_FOUND',
          message: `The requested resource does not exist: ${req.method} ${req.path}`,
        },
      ]);
    });
    app.use(
      (
        error: Error & { type?: string; status?: number },
        _req: Request,
        res: Response,
        _next: NextFunction,
      ) => {
        if (error.type === 'entity.parse.failed')
          return void res.status(400).json([
            {
              errorCode: 'JSON_PARSER_ERROR',
              message: `The request body is not valid JSON: ${error.message}`,
            },
          ]);
        if (error.type === 'entity.too.large')
          return void res
            .status(413)
            .json([{ errorCode: 'REQUEST_TOO_LARGE', message: 'The request body is too large' }]);
        res.status(500).json([{ errorCode: 'UNKNOWN_EXCEPTION', message: error.message }]);
      },
    );
  }

  reset(): void {
    this.org.reset();
    this.oauth.reset();
    this.cursors.clear();
    this.bulk.reset();
    this.calls.reset();
    this.faults.set({ rules: [] });
    this.apiUsage = 0;
    this.stateFile.changed();
  }

  private async rest(req: Request, res: Response): Promise<void> {
    const version = (req.params as Record<string, string>)[0] ?? '62.0';
    const path = (req.params as Record<string, string>)[1] ?? '';
    this.calls.record(endpointKey(req.method, req.path), true);
    const fault = this.faults.pick(req.method, req.path);
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (fault?.hang) return; // The client times out; the socket closes with the server.
    const session = this.oauth.session(req);
    if (!session) {
      return void res
        .status(401)
        .json([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    this.caller = { origin: `${req.protocol}://${req.get('host')}`, userId: session.userId };
    this.apiUsage++;
    res.set('Sforce-Limit-Info', `api-usage=${this.apiUsage}/${this.dailyApiLimit}`);
    if (this.apiUsage > this.dailyApiLimit) {
      return void res
        .status(403)
        .json([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    }
    if (fault?.status) {
      return void res.status(fault.status).json([
        {
          message: fault.message ?? `Injected fault ${fault.status}`,
          errorCode:
            fault.errorCode ?? (fault.status === 503 ? 'SERVER_UNAVAILABLE' : 'UNKNOWN_EXCEPTION'),
        },
      ]);
    }
    const batchSize = Number(
      /batchSize=(\d+)/.exec(req.get('sforce-query-options') ?? '')?.[1] ?? QUERY_BATCH,
    );
    // The request runs as the session's user: their permission sets decide what they may write.
    const reply = this.org.runAs(session.userId, () =>
      this.dispatch(
        req.method,
        path,
        version,
        req.query as Record<string, string>,
        req.body,
        fault,
        Math.min(Math.max(batchSize, 200), QUERY_BATCH),
      ),
    );
    this.stateFile.changed();
    if (reply.csv !== undefined) res.status(reply.status).type('text/csv').send(reply.csv);
    else if (reply.body === undefined) res.status(reply.status).end();
    else res.status(reply.status).json(reply.body);
  }

  /** Runs one REST request (also each Composite subrequest) and returns its status and body. */
  dispatch(
    method: string,
    path: string,
    version: string,
    query: Record<string, string>,
    body: unknown,
    fault?: FaultRule,
    batchSize = QUERY_BATCH,
    allOrNoneOverride?: boolean,
  ): Reply {
    try {
      return this.route(method, path, version, query, body, fault, batchSize, allOrNoneOverride);
    } catch (error) {
      if (error instanceof RequestError) return { status: error.status, body: error.body };
      throw error;
    }
  }

  /**
   * The REST resources by their first path segment, each family in its own module (sobjects.ts,
   * collections.ts, composite.ts, graphql.ts, uiApi.ts): a new family registers here, one line.
   */
  private route(
    method: string,
    path: string,
    version: string,
    query: Record<string, string>,
    body: unknown,
    fault: FaultRule | undefined,
    batchSize: number,
    allOrNoneOverride?: boolean,
  ): Reply {
    if (!API_VERSIONS.includes(version))
      throw apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    const [root, a, b, c] = segments;
    if (!root) {
      return {
        status: 200,
        body: {
          sobjects: `/services/data/v${version}/sobjects`,
          query: `/services/data/v${version}/query`,
          queryAll: `/services/data/v${version}/queryAll`,
          limits: `/services/data/v${version}/limits`,
          identity: `${this.caller.origin}/id/${this.orgId}/${this.caller.userId}`,
          composite: `/services/data/v${version}/composite`,
          graphql: `/services/data/v${version}/graphql`,
          'ui-api': `/services/data/v${version}/ui-api`,
        },
      };
    }
    if (root === 'limits' && method === 'GET') {
      return {
        status: 200,
        body: {
          DailyApiRequests: {
            Max: this.dailyApiLimit,
            Remaining: Math.max(0, this.dailyApiLimit - this.apiUsage),
          },
        },
      };
    }
    if (root === 'jobs' && a === 'ingest')
      return this.bulk.route(
        method,
        segments.slice(2),
        version,
        query,
        body,
        this.caller.userId,
        fault,
      );
    if (root === 'sobjects') return sobjectsRoute(this.org, method, version, a, b, c, query, body);
    if ((root === 'query' || root === 'queryAll') && method === 'GET') {
      if (a) return this.nextPage(a, version);
      if (!query.q) throw apiError(400, 'MALFORMED_QUERY', 'A query string (q) is required');
      // "Maximum length of SOQL statements: by default, 100,000 characters" (limits cheat sheet);
      // only Composite subrequests get there, a GET's URI stops at 16,384 bytes.
      if (query.q.length > SOQL_MAX_LENGTH)
        throw apiError(
          400,
          'MALFORMED_QUERY',
          `SOQL statements cannot be longer than ${SOQL_MAX_LENGTH} characters`,
        );
      const result = this.org.query(query.q, version);
      if (query.columns === 'true')
        return { status: 200, body: queryColumns(this.org.schema, query.q) };
      return {
        status: 200,
        body: this.page(result.records, result.totalSize, 0, version, batchSize),
      };
    }
    if (root === 'composite' && a === 'sobjects')
      return collectionsRoute(
        this.org,
        this.faults,
        method,
        b,
        c,
        query,
        body,
        fault,
        allOrNoneOverride,
      );
    if (root === 'composite' && !a && method === 'POST')
      return compositeRoute(this.org, (...args) => this.dispatch(...args), body, version, fault);
    if (root === 'graphql' && !a) {
      if (method !== 'POST')
        throw apiError(
          405,
          'METHOD_NOT_ALLOWED',
          `HTTP Method '${method}' not allowed. Allowed are POST`,
        );
      return { status: 200, body: runGraphql(this.org, (body ?? {}) as GraphqlRequest, version) };
    }
    if (root === 'ui-api' && a === 'records' && b && !c)
      return uiApiRecord(this.org, method, b, query, body);
    throw apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
  }

  private page(
    records: Row[],
    totalSize: number,
    offset: number,
    version: string,
    batchSize: number,
    locator = randomUUID().replace(/-/g, '').slice(0, 15),
  ): Row {
    const slice = records.slice(offset, offset + batchSize);
    const done = offset + batchSize >= records.length;
    if (!done) this.cursors.set(locator, records);
    else this.cursors.delete(locator);
    return {
      totalSize,
      done,
      ...(!done && {
        nextRecordsUrl: `/services/data/v${version}/query/${locator}-${offset + batchSize}`,
      }),
      records: slice,
    };
  }

  private nextPage(cursor: string, version: string): Reply {
    const match = /^(.+)-(\d+)$/.exec(cursor);
    const records = match ? this.cursors.get(match[1] as string) : undefined;
    if (!match || !records) throw apiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    return {
      status: 200,
      body: this.page(records, records.length, Number(match[2]), version, QUERY_BATCH, match[1]),
    };
  }

  /** Starts listening on loopback. */
  listen(port = 0, host = '127.0.0.1'): Promise<{ url: string; close: () => Promise<void> }> {
    return listenEmulator(this.app, this.stateFile, port, host);
  }
}
