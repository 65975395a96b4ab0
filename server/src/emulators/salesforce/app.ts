import { createVerify, randomBytes, randomUUID } from 'node:crypto';
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
import { normalizeId } from './ids.ts';
import { SalesforceOrg, RequestError, apiError, type OrgSnapshot, type SaveResult } from './org.ts';
import { loadCustomMetadata, loadPermissionSets, loadSchema } from './schema.ts';
import { runGraphql, type GraphqlRequest } from './graphql.ts';
import { uiApiRecord } from './uiApi.ts';
import { identityResponse, userInfoResponse } from './identity.ts';
import { queryColumns } from './columns.ts';
import { BulkIngest, bulkUploadParser, type BulkIngestOptions } from './bulk.ts';

export const DEFAULT_SALESFORCE_PROJECT = fileURLToPath(
  new URL('../../../../salesforce/force-app/main/default', import.meta.url),
);
/** Every version an org answers: 31.0 (the oldest Salesforce still serves) to the latest. */
const API_VERSIONS = Array.from({ length: 64 - 31 + 1 }, (_, i) => `${31 + i}.0`);
const COLLECTION_LIMIT = 200;
const COMPOSITE_LIMIT = 25;
const COMPOSITE_COLLECTIONS_LIMIT = 5;
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

interface Reply {
  status: number;
  body?: unknown;
  /** Sent as text/csv (Bulk API 2.0 results). */
  csv?: string;
}

type Row = Record<string, unknown>;

/** A Salesforce org on loopback: OAuth, REST, Composite, and an admin API for tests and people. */
export class SalesforceEmulator {
  readonly org: SalesforceOrg;
  readonly faults = new Faults();
  readonly calls = new CallLog();
  readonly app = express();
  readonly bulk: BulkIngest;
  private readonly tokens = new Map<string, { issuedAt: number; userId: string }>();
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

    app.post('/services/oauth2/token', (req, res) => this.token(req, res));
    app.post('/services/oauth2/revoke', (req, res) => this.revoke(req, res));
    app.get('/services/oauth2/revoke', (req, res) => this.revoke(req, res));
    app.all('/services/oauth2/userinfo', (req, res) => this.identity(req, res, 'userinfo'));
    app.get('/id/:orgId/:userId', (req, res) => this.identity(req, res, 'id'));
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
    this.tokens.clear();
    this.cursors.clear();
    this.bulk.reset();
    this.calls.reset();
    this.faults.set({ rules: [] });
    this.apiUsage = 0;
    this.stateFile.changed();
  }

  private token(req: Request, res: Response): void {
    this.calls.record('POST /services/oauth2/token', false);
    const form = (req.body ?? {}) as Record<string, string>;
    const fail = (error: string, description: string) =>
      void res.status(400).json({ error, error_description: description });
    let userId: string;
    if (form.grant_type === 'client_credentials') {
      if (form.client_id !== (this.options.clientId ?? 'boucle-sandbox'))
        return fail('invalid_client_id', 'client identifier invalid');
      if (form.client_secret !== (this.options.clientSecret ?? 'sandbox'))
        return fail('invalid_client', 'invalid client credentials');
      userId = this.org.integrationUserId();
      if (this.org.integrationPermissionSet)
        this.org.assign(userId, this.org.integrationPermissionSet);
    } else if (form.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      const verdict = this.verifyAssertion(String(form.assertion ?? ''), req);
      if ('error' in verdict) return fail(verdict.error, verdict.description);
      userId = verdict.userId;
    } else {
      return fail('unsupported_grant_type', 'grant type not supported');
    }
    const accessToken = `${this.orgId}!${randomBytes(24).toString('base64url')}`;
    const issuedAt = Date.now();
    this.tokens.set(accessToken, { issuedAt, userId });
    const origin = `${req.protocol}://${req.get('host')}`;
    res.json({
      access_token: accessToken,
      signature: randomBytes(32).toString('base64'),
      scope: 'api',
      instance_url: origin,
      id: `${origin}/id/${this.orgId}/${userId}`,
      token_type: 'Bearer',
      issued_at: String(issuedAt),
    });
  }

  /** The live session of a bearer token (header, or `oauth_token` as the identity URL allows). */
  private session(
    req: Request,
    acceptQueryToken = false,
  ): { issuedAt: number; userId: string } | undefined {
    const auth = /^(Bearer|OAuth) (.+)$/.exec(req.get('authorization') ?? '');
    const token =
      auth?.[2] ?? (acceptQueryToken ? (req.query.oauth_token as string | undefined) : undefined);
    const session = token ? this.tokens.get(token) : undefined;
    const ttl = this.faults.tokenTtlMs;
    if (!session || (ttl !== undefined && Date.now() - session.issuedAt >= ttl)) return undefined;
    return session;
  }

  /** The identity URL and the OpenID userinfo endpoint: 403 `Bad_OAuth_Token` without a session. */
  private identity(req: Request, res: Response, kind: 'id' | 'userinfo'): void {
    this.calls.record(
      kind === 'id' ? 'GET /id/{orgId}/{userId}' : 'GET /services/oauth2/userinfo',
      false,
    );
    const session = this.session(req, kind === 'id');
    if (!session) return void res.status(403).type('text/plain').send('Bad_OAuth_Token');
    const params = req.params as Record<string, string>;
    const userId = kind === 'id' ? normalizeId(params.userId ?? '') : session.userId;
    const user = userId ? this.org.get(userId) : undefined;
    if (
      !user ||
      this.org.typeOf(String(user.Id)) !== 'User' ||
      (kind === 'id' && params.orgId !== this.orgId)
    )
      return void res.status(404).type('text/plain').send('Bad_Id');
    const context = {
      origin: `${req.protocol}://${req.get('host')}`,
      orgId: this.orgId,
      user,
      version: req.query.version as string | undefined,
      latestVersion: API_VERSIONS.at(-1) as string,
    };
    res.json(kind === 'id' ? identityResponse(context) : userInfoResponse(context));
  }

  /** Revokes an access token (form or query `token`): 200, or 400 `invalid_token`. */
  private revoke(req: Request, res: Response): void {
    this.calls.record('POST /services/oauth2/revoke', false);
    const token = String(
      (req.body as Record<string, string> | undefined)?.token ?? req.query.token ?? '',
    );
    if (!this.tokens.delete(token))
      return void res
        .status(400)
        .json({ error: 'invalid_token', error_description: 'Token was invalid' });
    res.status(200).end();
  }

  private verifyAssertion(
    assertion: string,
    req: Request,
  ): { userId: string } | { error: string; description: string } {
    const parts = assertion.split('.');
    if (parts.length !== 3) return { error: 'invalid_grant', description: 'invalid assertion' };
    const [header, payload, signature] = parts as [string, string, string];
    let claims: { iss?: string; sub?: string; aud?: string; exp?: number };
    try {
      const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as {
        alg?: string;
      };
      if (head.alg !== 'RS256')
        return { error: 'invalid_grant', description: 'invalid assertion: alg must be RS256' };
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { error: 'invalid_grant', description: 'invalid assertion' };
    }
    if (!this.options.jwtCertificate)
      return {
        error: 'invalid_grant',
        description: 'no certificate is configured for the JWT bearer flow',
      };
    const valid = createVerify('RSA-SHA256')
      .update(`${header}.${payload}`)
      .verify(this.options.jwtCertificate, Buffer.from(signature, 'base64url'));
    if (!valid) return { error: 'invalid_grant', description: 'invalid assertion signature' };
    if (claims.iss !== (this.options.clientId ?? 'boucle-sandbox'))
      return { error: 'invalid_client_id', description: 'client identifier invalid' };
    const origin = `${req.protocol}://${req.get('host')}`;
    if (
      !['https://login.salesforce.com', 'https://test.salesforce.com', origin].includes(
        String(claims.aud),
      )
    )
      return { error: 'invalid_grant', description: 'audience is invalid' };
    const nowSeconds = Date.now() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp < nowSeconds)
      return { error: 'invalid_grant', description: 'expired authorization code' };
    if (claims.exp > nowSeconds + 5 * 60)
      return {
        error: 'invalid_grant',
        description: 'exp is too far in the future: at most 3 minutes ahead',
      };
    const user = this.org.rows('User').find((row) => row.Username === claims.sub);
    if (!user) return { error: 'invalid_grant', description: "user hasn't approved this consumer" };
    return { userId: String(user.Id) };
  }

  private async rest(req: Request, res: Response): Promise<void> {
    const version = (req.params as Record<string, string>)[0] ?? '62.0';
    const path = (req.params as Record<string, string>)[1] ?? '';
    this.calls.record(endpointKey(req.method, req.path), true);
    const fault = this.faults.pick(req.method, req.path);
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (fault?.hang) return; // The client times out; the socket closes with the server.
    const session = this.session(req);
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
    if (root === 'sobjects') return this.sobjects(method, version, a, b, c, query, body);
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
      return this.collections(method, a, b, c, query, body, fault, allOrNoneOverride);
    if (root === 'composite' && !a && method === 'POST')
      return this.composite(body, version, fault);
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

  private describe(type: string, version: string): Row {
    const object = this.org.object(type);
    return {
      name: object.name,
      label: object.label,
      keyPrefix: object.keyPrefix,
      custom: object.custom,
      createable: !object.customMetadata,
      updateable: !object.customMetadata,
      deletable: !object.customMetadata,
      queryable: true,
      urls: {
        sobject: `/services/data/v${version}/sobjects/${object.name}`,
        describe: `/services/data/v${version}/sobjects/${object.name}/describe`,
      },
      fields: [...object.fields.values()].map((f) => ({
        name: f.name,
        label: f.label,
        type: f.type,
        length: f.length ?? 0,
        precision: f.precision ?? 0,
        scale: f.scale ?? 0,
        nillable: !f.required,
        createable: f.createable,
        updateable: f.updateable,
        unique: Boolean(f.unique),
        externalId: Boolean(f.externalId),
        idLookup: Boolean(f.externalId) || f.name === 'Id',
        custom: f.custom,
        defaultValue: f.defaultValue ?? null,
        referenceTo: f.referenceTo ?? [],
        relationshipName:
          f.type === 'reference'
            ? f.custom
              ? f.name.replace(/__c$/, '__r')
              : (f.relationshipName ?? null)
            : null,
        restrictedPicklist: Boolean(f.restrictedPicklist),
        picklistValues: (f.picklistValues ?? []).map((value) => ({
          value,
          label: value,
          active: true,
          defaultValue: value === f.defaultValue,
        })),
      })),
    };
  }

  private asRestErrors(result: SaveResult, status = 400): Reply {
    if (result.success) return { status: 201, body: result };
    return {
      status,
      body: result.errors.map((e) => ({
        message: e.message,
        errorCode: e.statusCode,
        fields: e.fields,
      })),
    };
  }

  private sobjects(
    method: string,
    version: string,
    type: string | undefined,
    second: string | undefined,
    third: string | undefined,
    query: Record<string, string>,
    body: unknown,
  ): Reply {
    if (!type) {
      if (method !== 'GET')
        throw apiError(
          405,
          'METHOD_NOT_ALLOWED',
          `HTTP Method '${method}' not allowed. Allowed are GET`,
        );
      return {
        status: 200,
        body: {
          encoding: 'UTF-8',
          maxBatchSize: COLLECTION_LIMIT,
          sobjects: [...this.org.schema.keys()].map((name) => ({
            name,
            label: this.org.object(name).label,
            custom: this.org.object(name).custom,
            keyPrefix: this.org.object(name).keyPrefix,
            queryable: true,
          })),
        },
      };
    }
    const object = this.org.object(type);
    if (second === 'describe' && method === 'GET')
      return { status: 200, body: this.describe(object.name, version) };
    if (!second) {
      if (method === 'GET')
        return {
          status: 200,
          body: {
            objectDescribe: {
              name: object.name,
              label: object.label,
              keyPrefix: object.keyPrefix,
              custom: object.custom,
            },
            recentItems: [],
          },
        };
      if (method === 'POST')
        return this.asRestErrors(this.org.create(object.name, (body ?? {}) as Row));
      throw apiError(
        405,
        'METHOD_NOT_ALLOWED',
        `HTTP Method '${method}' not allowed. Allowed are GET,POST`,
      );
    }
    if (third !== undefined) {
      if (method === 'PATCH') {
        const { status, result } = this.org.upsert(
          object.name,
          second,
          third,
          (body ?? {}) as Row,
          version,
        );
        if (status === 300) return { status: 300, body: result };
        const save = result as SaveResult;
        return save.success ? { status, body: save } : this.asRestErrors(save);
      }
      if (method === 'GET') {
        const rows = this.org.rows(object.name).filter((row) => row[second] === third);
        if (rows.length === 0)
          throw apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
        if (rows.length > 1)
          return {
            status: 300,
            body: rows.map(
              (row) => `/services/data/v${version}/sobjects/${object.name}/${String(row.Id)}`,
            ),
          };
        return this.retrieve(object.name, String((rows[0] as Row).Id), query, version);
      }
      throw apiError(
        405,
        'METHOD_NOT_ALLOWED',
        `HTTP Method '${method}' not allowed. Allowed are GET,PATCH`,
      );
    }
    const id = normalizeId(second);
    if (!id) throw apiError(400, 'MALFORMED_ID', `Id in URL is not valid: ${second}`);
    if (method === 'GET') return this.retrieve(object.name, id, query, version);
    if (method === 'PATCH') {
      const result = this.org.update(object.name, id, (body ?? {}) as Row);
      if (!result.success && result.errors[0]?.statusCode === 'ENTITY_IS_DELETED')
        throw apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
      return result.success ? { status: 204 } : this.asRestErrors(result);
    }
    if (method === 'DELETE') {
      if (this.org.typeOf(id) !== object.name)
        throw apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
      const result = this.org.delete(id);
      return result.success ? { status: 204 } : this.asRestErrors(result);
    }
    throw apiError(
      405,
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${method}' not allowed. Allowed are GET,PATCH,DELETE`,
    );
  }

  private retrieve(
    type: string,
    id: string,
    query: Record<string, string>,
    version: string,
  ): Reply {
    const row = this.org.get(id);
    if (!row || this.org.typeOf(id) !== type)
      throw apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const fields = query.fields
      ? query.fields.split(',').map((f) => f.trim())
      : [...this.org.object(type).fields.keys()];
    const result = this.org.query(
      `SELECT ${fields.join(', ')} FROM ${type} WHERE Id = '${id}'`,
      version,
    );
    return { status: 200, body: result.records[0] };
  }

  /** sObject Collections: create, update, upsert, delete of up to 200 records, results in order. */
  private collections(
    method: string,
    _root: string,
    type: string | undefined,
    externalField: string | undefined,
    query: Record<string, string>,
    body: unknown,
    fault: FaultRule | undefined,
    allOrNoneOverride?: boolean,
  ): Reply {
    const request = (body ?? {}) as { allOrNone?: boolean; records?: Row[] };
    const isDelete = method === 'DELETE';
    const items: unknown[] = isDelete
      ? String(query.ids ?? '')
          .split(',')
          .filter(Boolean)
      : (request.records ?? []);
    if (!isDelete && !Array.isArray(request.records))
      throw apiError(400, 'INVALID_INPUT', 'records: a list of records is required');
    if (items.length > COLLECTION_LIMIT)
      throw apiError(
        400,
        'EXCEEDED_ID_LIMIT',
        `record limit reached. cannot submit more than ${COLLECTION_LIMIT} records into this call`,
      );
    const allOrNone =
      allOrNoneOverride ?? (isDelete ? query.allOrNone === 'true' : Boolean(request.allOrNone));
    const before = allOrNone ? this.org.snapshot() : undefined;
    const results = items.map((item): SaveResult => {
      const targeted =
        fault?.recordMatch === undefined || JSON.stringify(item).includes(fault.recordMatch);
      if (
        fault?.recordErrorCode &&
        targeted &&
        (fault.recordMatch !== undefined || this.faults.hits(fault))
      ) {
        const id = isDelete ? String(item) : String((item as Row).id ?? (item as Row).Id ?? '');
        return {
          success: false,
          errors: [
            {
              statusCode: fault.recordErrorCode,
              message:
                fault.message ??
                (fault.recordErrorCode === 'UNABLE_TO_LOCK_ROW'
                  ? `unable to obtain exclusive access to this record or 1 records: ${id}`
                  : `Injected fault ${fault.recordErrorCode}`),
              fields: [],
            },
          ],
        };
      }
      if (isDelete) return this.org.delete(item);
      const record = item as Row;
      const recordType = (record.attributes as { type?: string } | undefined)?.type;
      if (!recordType)
        return {
          success: false,
          errors: [
            {
              statusCode: 'INVALID_INPUT',
              message:
                'When the request uses sObject Collections, each record must specify the type attribute',
              fields: [],
            },
          ],
        };
      if (method === 'POST') return this.org.create(recordType, record);
      if (method === 'PATCH' && type && externalField) {
        if (recordType !== type)
          return {
            success: false,
            errors: [
              {
                statusCode: 'INVALID_INPUT',
                message: `record type ${recordType} does not match ${type}`,
                fields: [],
              },
            ],
          };
        const key = Object.keys(record).find(
          (k) => k.toLowerCase() === externalField.toLowerCase(),
        );
        const { result } = this.org.upsert(
          type,
          externalField,
          key ? record[key] : undefined,
          record,
        );
        if (Array.isArray(result))
          return {
            success: false,
            errors: [
              {
                statusCode: 'DUPLICATE_EXTERNAL_ID',
                message: `Upsert failed. ${result.length} records match ${externalField}`,
                fields: [externalField],
              },
            ],
          };
        return result;
      }
      if (method === 'PATCH') {
        const { id, Id, ...fields } = record;
        return this.org.update(recordType, id ?? Id, fields);
      }
      throw apiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed.`);
    });
    if (before && results.some((r) => !r.success)) {
      this.org.restore(before);
      return {
        status: 200,
        body: results.map((r) =>
          r.success
            ? {
                success: false,
                errors: [
                  {
                    statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
                    message:
                      'Record rolled back because not all records were valid and the request was using AllOrNone header',
                    fields: [],
                  },
                ],
              }
            : r,
        ),
      };
    }
    return { status: 200, body: results };
  }

  /** Composite: up to 25 subrequests (5 collections or queries), `@{ref.field}` references. */
  private composite(body: unknown, version: string, fault: FaultRule | undefined): Reply {
    const request = (body ?? {}) as {
      allOrNone?: boolean;
      compositeRequest?: { method: string; url: string; referenceId: string; body?: unknown }[];
    };
    const subrequests = request.compositeRequest;
    if (!Array.isArray(subrequests) || subrequests.length === 0)
      throw apiError(400, 'INVALID_INPUT', 'compositeRequest: at least one subrequest is required');
    if (subrequests.length > COMPOSITE_LIMIT)
      throw apiError(
        400,
        'LIMIT_EXCEEDED',
        `Maximum number of subrequests exceeded: ${subrequests.length}. A composite request allows ${COMPOSITE_LIMIT}.`,
      );
    const heavy = subrequests.filter((s) =>
      /\/(composite\/sobjects|query|queryAll)(\/|\?|$)/.test(s.url),
    ).length;
    if (heavy > COMPOSITE_COLLECTIONS_LIMIT)
      throw apiError(
        400,
        'LIMIT_EXCEEDED',
        `A composite request allows at most ${COMPOSITE_COLLECTIONS_LIMIT} sObject Collections or query subrequests; it has ${heavy}.`,
      );
    const ids = new Set<string>();
    for (const sub of subrequests) {
      if (!sub.referenceId || !/^[A-Za-z0-9_]+$/.test(sub.referenceId) || ids.has(sub.referenceId))
        throw apiError(
          400,
          'INVALID_INPUT',
          `referenceId must be unique and alphanumeric: ${String(sub.referenceId)}`,
        );
      ids.add(sub.referenceId);
    }
    const allOrNone = Boolean(request.allOrNone);
    const before = allOrNone ? this.org.snapshot() : undefined;
    const results = new Map<string, unknown>();
    const responses: {
      body: unknown;
      httpHeaders: Record<string, string>;
      httpStatusCode: number;
      referenceId: string;
    }[] = [];
    let failed = false;
    for (const sub of subrequests) {
      if (failed && allOrNone) {
        responses.push({
          body: [
            {
              errorCode: 'PROCESSING_HALTED',
              message:
                'The transaction was rolled back since another operation in the same transaction failed.',
            },
          ],
          httpHeaders: {},
          httpStatusCode: 400,
          referenceId: sub.referenceId,
        });
        continue;
      }
      const resolved = this.resolveReferences({ url: sub.url, body: sub.body }, results);
      if ('error' in resolved) {
        failed = true;
        responses.push({
          body: [{ errorCode: 'PROCESSING_HALTED', message: resolved.error }],
          httpHeaders: {},
          httpStatusCode: 400,
          referenceId: sub.referenceId,
        });
        continue;
      }
      const url = new URL(resolved.url, 'http://composite');
      const match = /^\/services\/data\/v(\d+\.\d+)(\/.*)?$/.exec(url.pathname);
      const reply = match
        ? this.dispatch(
            sub.method.toUpperCase(),
            match[2] ?? '',
            match[1] as string,
            Object.fromEntries(url.searchParams),
            resolved.body,
            fault,
            QUERY_BATCH,
            allOrNone ? true : undefined,
          )
        : {
            status: 400,
            body: [
              {
                errorCode: 'INVALID_INPUT',
                message: `url must start with /services/data/vXX.X/: ${sub.url}`,
              },
            ],
          };
      const subFailed =
        reply.status >= 400 ||
        (Array.isArray(reply.body) &&
          reply.body.some((r) => (r as { success?: boolean }).success === false));
      if (subFailed) failed = true;
      results.set(sub.referenceId, reply.body);
      responses.push({
        body: reply.body ?? null,
        httpHeaders:
          reply.status === 201 && reply.body && typeof reply.body === 'object' && 'id' in reply.body
            ? { Location: `/services/data/v${version}/sobjects/${String((reply.body as Row).id)}` }
            : {},
        httpStatusCode: reply.status,
        referenceId: sub.referenceId,
      });
    }
    if (before && failed) {
      this.org.restore(before);
      for (const response of responses) {
        if (
          response.httpStatusCode < 400 &&
          !(
            Array.isArray(response.body) &&
            response.body.some((r) => (r as { success?: boolean }).success === false)
          )
        ) {
          response.httpStatusCode = 400;
          response.body = [
            {
              errorCode: 'PROCESSING_HALTED',
              message:
                'The transaction was rolled back since another operation in the same transaction failed.',
            },
          ];
        }
      }
    }
    return { status: 200, body: { compositeResponse: responses } };
  }

  private resolveReferences(
    sub: { url: string; body?: unknown },
    results: Map<string, unknown>,
  ): { url: string; body?: unknown } | { error: string } {
    let missing: string | undefined;
    const lookup = (expression: string): unknown => {
      const [ref, ...path] = expression.replace(/\[(\d+)\]/g, '.$1').split('.');
      let value: unknown = results.get(ref as string);
      for (const key of path)
        value =
          value === null || value === undefined
            ? undefined
            : (value as Record<string, unknown>)[key];
      if (value === undefined || value === null) missing ??= expression;
      return value;
    };
    const replaceIn = (value: unknown): unknown => {
      if (typeof value === 'string') {
        const whole = /^@\{([^}]+)\}$/.exec(value);
        if (whole) return lookup(whole[1] as string);
        return value.replace(/@\{([^}]+)\}/g, (_, expression: string) =>
          String(lookup(expression)),
        );
      }
      if (Array.isArray(value)) return value.map(replaceIn);
      if (value && typeof value === 'object')
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceIn(v)]));
      return value;
    };
    const url = replaceIn(sub.url) as string;
    const body = replaceIn(sub.body);
    if (missing)
      return {
        error: `Invalid reference specified. No value for ${missing} found in the results of an earlier subrequest.`,
      };
    return { url, body };
  }

  /** Starts listening on loopback. */
  listen(port = 0, host = '127.0.0.1'): Promise<{ url: string; close: () => Promise<void> }> {
    return listenEmulator(this.app, this.stateFile, port, host);
  }
}
