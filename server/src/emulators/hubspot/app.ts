import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  CallLog,
  Faults,
  type FaultRule,
  StateFile,
  endpointKey,
  faultsBodySchema,
  listenEmulator,
  sleep,
} from '../common.ts';
import {
  HubSpotError,
  HubSpotPortal,
  type HubRecord,
  type Owner,
  type PortalOptions,
  type PortalSnapshot,
} from './portal.ts';

const BATCH_LIMIT = 100;
const ASSOCIATION_READ_LIMIT = 1000;
const ASSOCIATION_CREATE_LIMIT = 2000;
const SEARCH_RESULT_CAP = 10_000;
const SEARCH_PAGE_LIMIT = 200;
const SEARCH_GROUPS = 5;
const SEARCH_FILTERS_PER_GROUP = 6;
const SEARCH_FILTERS_TOTAL = 18;
const SEARCH_QUERY_LENGTH = 3_000;

/**
 * How batch writes answer when some inputs are bad, HubSpot's documentation being partial:
 * - `documented`: multi-status (207, bad inputs one by one) only for batch create whose every
 *   input carries an objectWriteTraceId, as the error-handling page says; batch update and upsert
 *   fail as a whole on one bad input, nothing written.
 * - `multi-status`: 207 for every batch write whose inputs all carry an objectWriteTraceId (the
 *   specs list 207 as a response of update and upsert too).
 * - `all-or-nothing`: every batch write fails as a whole on one bad input.
 */
export type BatchErrorMode = 'documented' | 'multi-status' | 'all-or-nothing';
const WINDOW_MS = 10_000;

export interface HubSpotEmulatorOptions extends PortalOptions {
  /** Private-app tokens accepted; default `pat-sandbox`. */
  readonly tokens?: readonly string[];
  /** Requests per token per rolling 10 s; default 100 (private app, Free/Starter). */
  readonly burstLimit?: number;
  /** Requests per portal per day; default 250,000. */
  readonly dailyLimit?: number;
  /** Search requests per portal per second; default 5. */
  readonly searchPerSecond?: number;
  /** How batch writes answer when some inputs are bad; default `documented`. */
  readonly batchErrors?: BatchErrorMode;
  readonly dataFile?: string;
}

type Body = Record<string, unknown>;
const now = () => new Date().toISOString();

/** The body of a HubSpot batch answer: its results, and its errors when some inputs failed. */
function batchBody(results: unknown[], errors: unknown[] = [], startedAt = now()) {
  return {
    status: 'COMPLETE',
    results,
    ...(errors.length > 0 && { numErrors: errors.length, errors }),
    startedAt,
    completedAt: now(),
  };
}

/** A HubSpot portal on loopback: CRM v3 objects, v4 associations, properties, schemas, owners. */
export class HubSpotEmulator {
  readonly portal: HubSpotPortal;
  readonly faults = new Faults();
  readonly calls = new CallLog();
  readonly app = express();
  private readonly tokens: Set<string>;
  private readonly tokenIssuedAt = new Map<string, number>();
  private readonly recent = new Map<string, number[]>();
  private searches: number[] = [];
  private daily = 0;
  /** How batch writes answer when some inputs are bad (tests switch it to try each reading). */
  batchErrors: BatchErrorMode;
  /** The fault picked for each request (a per-input fault acts inside the batch). */
  private readonly picked = new WeakMap<Request, FaultRule>();
  private readonly stateFile: StateFile<PortalSnapshot & { daily: number }>;

  constructor(private readonly options: HubSpotEmulatorOptions = {}) {
    this.portal = new HubSpotPortal(options);
    this.batchErrors = options.batchErrors ?? 'documented';
    this.tokens = new Set(options.tokens ?? ['pat-sandbox']);
    this.stateFile = new StateFile(options.dataFile, () => ({
      ...this.portal.snapshot(),
      daily: this.daily,
    }));
    const saved = this.stateFile.load();
    if (saved) {
      this.portal.restore(saved);
      this.daily = saved.daily;
    }
    this.routes();
  }

  get burstLimit(): number {
    return this.options.burstLimit ?? 100;
  }

  get dailyLimit(): number {
    return this.options.dailyLimit ?? 250_000;
  }

  reset(): void {
    this.portal.reset();
    this.calls.reset();
    this.faults.set({ rules: [] });
    this.recent.clear();
    this.searches = [];
    this.daily = 0;
    this.tokenIssuedAt.clear();
    this.batchErrors = this.options.batchErrors ?? 'documented';
    this.stateFile.changed();
  }

  private routes(): void {
    const app = this.app;
    app.disable('x-powered-by');
    app.use(express.json({ limit: '10mb' }));

    app.get('/__emulator/state', (_req, res) =>
      res.json({
        portalId: this.portal.portalId,
        customObjects: this.portal.customObjects,
        ...this.portal.state(),
        usage: { daily: this.daily, dailyLimit: this.dailyLimit },
      }),
    );
    app.get('/__emulator/calls', (_req, res) => res.json(this.calls.toJSON()));
    app.post('/__emulator/faults', (req, res) => {
      const parsed = faultsBodySchema.safeParse(req.body ?? {});
      if (!parsed.success)
        return void res.status(400).json({
          error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        });
      this.faults.set(parsed.data);
      this.tokenIssuedAt.clear();
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
    /** Loads owners and records directly: `{"owners": [...], "contacts": [{properties}], ...}`. */
    app.post('/__emulator/records', (req, res) => {
      const body = (req.body ?? {}) as Record<string, Body[]>;
      const created: Record<string, string[]> = {};
      try {
        for (const [type, items] of Object.entries(body)) {
          if (type === 'owners') {
            this.portal.owners.push(
              ...(items as unknown as Owner[]).map((o, i) => ({
                id: String(o.id ?? 100 + this.portal.owners.length + i),
                email: String(o.email),
                firstName: String(o.firstName ?? ''),
                lastName: String(o.lastName ?? ''),
                userId: Number(o.userId ?? 9000 + i),
                teams: o.teams ?? [],
                archived: false,
                createdAt: now(),
                updatedAt: now(),
              })),
            );
            continue;
          }
          created[type] = items.map(
            (item) =>
              this.portal.create(
                type,
                { properties: (item.properties ?? {}) as Body },
                item.id === undefined ? undefined : String(item.id),
              ).id,
          );
        }
      } catch (error) {
        if (error instanceof HubSpotError) return void res.status(error.status).json(error.body());
        throw error;
      }
      this.stateFile.changed();
      res.json(created);
    });

    app.use(['/crm', '/crm-object-schemas', '/account-info'], (req, res, next) => {
      this.gate(req, res).then((pass) => (pass ? next() : undefined), next);
    });

    const handle =
      (
        fn: (
          req: Request,
        ) => { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>,
      ) =>
      async (req: Request, res: Response, next: NextFunction) => {
        try {
          const reply = await fn(req);
          this.stateFile.changed();
          if (reply.body === undefined) res.status(reply.status).end();
          else res.status(reply.status).json(reply.body);
        } catch (error) {
          if (error instanceof HubSpotError)
            return void res.status(error.status).json(error.body());
          next(error);
        }
      };
    const p = (req: Request, name: string) => String((req.params as Record<string, string>)[name]);
    /**
     * A list query parameter in both forms HubSpot reads: repeated, as @hubspot/api-client sends
     * it (`properties=a&properties=b`), or comma-separated (`properties=a,b`).
     */
    const list = (req: Request, name: string): string[] => {
      const value = req.query[name];
      return (Array.isArray(value) ? value : [value])
        .filter((v): v is string => typeof v === 'string')
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean);
    };
    const props = (req: Request) => {
      const names = list(req, 'properties');
      return names.length > 0 ? names : undefined;
    };
    /** `?associations=companies`: the record's associated ids per type, as the v3 read lists them. */
    const withAssociations = (req: Request, record: HubRecord, view: Record<string, unknown>) => {
      const types = list(req, 'associations');
      if (types.length === 0) return view;
      const type = p(req, 'type');
      view.associations = Object.fromEntries(
        types.map((to) => [
          this.portal.type(to).name,
          {
            results: this.portal.associated(type, record.id, to).map((a) => ({
              id: a.toObjectId,
              type: `${this.portal.type(type).singular}_to_${this.portal.type(to).singular}`,
            })),
          },
        ]),
      );
      return view;
    };

    // Properties and groups.
    app.get(
      '/crm/v3/properties/:type/groups',
      handle((req) => ({
        status: 200,
        body: { results: [...this.portal.type(p(req, 'type')).groups.values()] },
      })),
    );
    app.post(
      '/crm/v3/properties/:type/groups',
      handle((req) => ({
        status: 201,
        body: this.portal.createGroup(p(req, 'type'), req.body ?? {}),
      })),
    );
    app.get(
      '/crm/v3/properties/:type/groups/:name',
      handle((req) => {
        const group = this.portal.type(p(req, 'type')).groups.get(p(req, 'name'));
        if (!group)
          throw new HubSpotError(
            404,
            'OBJECT_NOT_FOUND',
            `Property group ${p(req, 'name')} does not exist`,
          );
        return { status: 200, body: group };
      }),
    );
    app.post(
      '/crm/v3/properties/:type/batch/create',
      handle((req) => {
        const inputs = this.inputs(req.body, BATCH_LIMIT);
        return {
          status: 201,
          body: batchBody(inputs.map((input) => this.portal.createProperty(p(req, 'type'), input))),
        };
      }),
    );
    app.post(
      '/crm/v3/properties/:type/batch/read',
      handle((req) => {
        const type = this.portal.type(p(req, 'type'));
        const inputs = this.inputs(req.body, BATCH_LIMIT) as { name?: string }[];
        return {
          status: 200,
          body: batchBody(inputs.map((i) => type.properties.get(String(i.name))).filter(Boolean)),
        };
      }),
    );
    app.get(
      '/crm/v3/properties/:type',
      handle((req) => ({
        status: 200,
        body: { results: [...this.portal.type(p(req, 'type')).properties.values()] },
      })),
    );
    app.post(
      '/crm/v3/properties/:type',
      handle((req) => ({
        status: 201,
        body: this.portal.createProperty(p(req, 'type'), req.body ?? {}),
      })),
    );
    app.get(
      '/crm/v3/properties/:type/:name',
      handle((req) => {
        const property = this.portal.type(p(req, 'type')).properties.get(p(req, 'name'));
        if (!property)
          throw new HubSpotError(
            404,
            'OBJECT_NOT_FOUND',
            `Unable to find property ${p(req, 'name')}`,
          );
        return { status: 200, body: property };
      }),
    );

    // Custom object schemas.
    app.get(
      '/crm-object-schemas/v3/schemas',
      handle(() => ({
        status: 200,
        body: {
          results: this.portal
            .allTypes()
            .filter((t) => t.custom)
            .map((t) => this.portal.schemaView(t)),
        },
      })),
    );
    app.post(
      '/crm-object-schemas/v3/schemas',
      handle((req) => ({
        status: 201,
        body: this.portal.schemaView(this.portal.createSchema(req.body ?? {})),
      })),
    );
    app.get(
      '/crm-object-schemas/v3/schemas/:type',
      handle((req) => {
        let type;
        try {
          type = this.portal.type(p(req, 'type'));
        } catch {
          throw new HubSpotError(
            404,
            'OBJECT_NOT_FOUND',
            `Unable to find object type ${p(req, 'type')}`,
          );
        }
        if (!type.custom)
          throw new HubSpotError(
            404,
            'OBJECT_NOT_FOUND',
            `Unable to find object type ${p(req, 'type')}`,
          );
        return { status: 200, body: this.portal.schemaView(type) };
      }),
    );

    // The account (portal) the token belongs to.
    app.get(
      '/account-info/v3/details',
      handle(() => ({
        status: 200,
        body: {
          portalId: this.portal.portalId,
          accountType: this.portal.customObjects ? 'STANDARD' : 'STANDARD',
          timeZone: 'Europe/Paris',
          companyCurrency: 'EUR',
          utcOffset: '+01:00',
          dataHostingLocation: 'eu1',
        },
      })),
    );

    // Owners.
    app.get(
      '/crm/v3/owners',
      handle((req) => this.owners(req)),
    );
    app.get(
      '/crm/v3/owners/:id',
      handle((req) => {
        const owner = this.portal.owners.find((o) => o.id === p(req, 'id'));
        if (!owner)
          throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `Owner ${p(req, 'id')} not found`);
        return { status: 200, body: { type: 'PERSON', ...owner } };
      }),
    );

    // Associations v4.
    app.get(
      '/crm/v4/associations/:from/:to/labels',
      handle((req) => ({
        status: 200,
        body: { results: this.portal.labelsBetween(p(req, 'from'), p(req, 'to')) },
      })),
    );
    app.post(
      '/crm/v4/associations/:from/:to/labels',
      handle((req) => ({
        status: 200,
        body: {
          results: [
            this.portal.createLabel(
              p(req, 'from'),
              p(req, 'to'),
              String((req.body as Body)?.label ?? ''),
            ),
          ],
        },
      })),
    );
    app.post(
      '/crm/v4/associations/:from/:to/batch/create',
      handle((req) => this.associationsCreate(req, p(req, 'from'), p(req, 'to'))),
    );
    app.post(
      '/crm/v4/associations/:from/:to/batch/associate/default',
      handle((req) => this.associationsDefault(req, p(req, 'from'), p(req, 'to'))),
    );
    app.post(
      '/crm/v4/associations/:from/:to/batch/read',
      handle((req) => this.associationsRead(req, p(req, 'from'), p(req, 'to'))),
    );
    app.post(
      '/crm/v4/associations/:from/:to/batch/archive',
      handle((req) => {
        for (const input of this.inputs(req.body, ASSOCIATION_CREATE_LIMIT) as {
          from?: { id?: string };
          to?: { id?: string }[];
        }[]) {
          for (const to of input.to ?? [])
            this.portal.unlink(p(req, 'from'), String(input.from?.id), p(req, 'to'), String(to.id));
        }
        return { status: 204 };
      }),
    );
    app.put(
      '/crm/v4/objects/:from/:id/associations/default/:to/:toId',
      handle((req) => {
        const label = this.portal.link(p(req, 'from'), p(req, 'id'), p(req, 'to'), p(req, 'toId'));
        return {
          status: 200,
          body: batchBody([
            {
              from: { id: p(req, 'id') },
              to: { id: p(req, 'toId') },
              associationSpec: {
                associationCategory: label.category,
                associationTypeId: label.typeId,
              },
            },
          ]),
        };
      }),
    );

    // CRM objects.
    app.post(
      '/crm/v3/objects/:type/batch/create',
      handle((req) => this.batchWrite(req, 'create')),
    );
    app.post(
      '/crm/v3/objects/:type/batch/update',
      handle((req) => this.batchWrite(req, 'update')),
    );
    app.post(
      '/crm/v3/objects/:type/batch/upsert',
      handle((req) => this.batchWrite(req, 'upsert')),
    );
    app.post(
      '/crm/v3/objects/:type/batch/read',
      handle((req) => this.batchRead(req)),
    );
    app.post(
      '/crm/v3/objects/:type/batch/archive',
      handle((req) => {
        for (const input of this.inputs(req.body, BATCH_LIMIT) as { id?: string }[])
          this.portal.archive(p(req, 'type'), String(input.id));
        return { status: 204 };
      }),
    );
    app.post(
      '/crm/v3/objects/:type/search',
      handle((req) => this.search(req)),
    );
    app.get(
      '/crm/v3/objects/:type',
      handle((req) => {
        const limit = Math.min(Number(req.query.limit ?? 10), 100);
        const after = Number(req.query.after ?? 0);
        const records = this.portal.list(p(req, 'type'));
        const page = records.slice(after, after + limit);
        return {
          status: 200,
          body: {
            results: page.map((r) =>
              withAssociations(req, r, this.portal.view(p(req, 'type'), r, props(req))),
            ),
            ...(after + limit < records.length && {
              paging: { next: { after: String(after + limit), link: '' } },
            }),
          },
        };
      }),
    );
    app.post(
      '/crm/v3/objects/:type',
      handle((req) => ({
        status: 201,
        body: this.portal.view(
          p(req, 'type'),
          this.portal.create(p(req, 'type'), (req.body ?? {}) as Body),
          Object.keys(((req.body ?? {}) as Body).properties ?? {}),
        ),
      })),
    );
    app.get(
      '/crm/v3/objects/:type/:id',
      handle((req) => {
        const record = this.portal.get(
          p(req, 'type'),
          p(req, 'id'),
          req.query.idProperty as string | undefined,
        );
        return {
          status: 200,
          body: withAssociations(req, record, this.portal.view(p(req, 'type'), record, props(req))),
        };
      }),
    );
    app.patch(
      '/crm/v3/objects/:type/:id',
      handle((req) => {
        const record = this.portal.update(
          p(req, 'type'),
          p(req, 'id'),
          ((req.body ?? {}) as Body).properties as Body,
          req.query.idProperty as string | undefined,
        );
        return {
          status: 200,
          body: this.portal.view(
            p(req, 'type'),
            record,
            Object.keys((((req.body ?? {}) as Body).properties ?? {}) as Body),
          ),
        };
      }),
    );
    app.delete(
      '/crm/v3/objects/:type/:id',
      handle((req) => {
        this.portal.archive(p(req, 'type'), p(req, 'id'));
        return { status: 204 };
      }),
    );

    app.use((req, res) => {
      res
        .status(404)
        .json(
          new HubSpotError(
            404,
            'OBJECT_NOT_FOUND',
            `No route for ${req.method} ${req.path}`,
          ).body(),
        );
    });
    app.use(
      (error: Error & { type?: string }, _req: Request, res: Response, _next: NextFunction) => {
        if (error.type === 'entity.parse.failed')
          return void res
            .status(400)
            .json(
              new HubSpotError(
                400,
                'VALIDATION_ERROR',
                `Invalid input JSON: ${error.message}`,
              ).body(),
            );
        if (error.type === 'entity.too.large')
          return void res
            .status(413)
            .json(new HubSpotError(413, 'VALIDATION_ERROR', 'Request body too large').body());
        res.status(500).json(new HubSpotError(500, 'INTERNAL_ERROR', error.message).body());
      },
    );
  }

  /** Authentication, faults and rate limits, before any CRM route. */
  private async gate(req: Request, res: Response): Promise<boolean> {
    const path = req.baseUrl + req.path;
    const isSearch = req.method === 'POST' && /\/search$/.test(path);
    this.calls.record(endpointKey(req.method, path), true);
    const fault = this.faults.pick(req.method, path);
    if (fault) this.picked.set(req, fault);
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (fault?.hang) return false;
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!token || !this.tokens.has(token)) {
      res
        .status(401)
        .json(
          new HubSpotError(
            401,
            'INVALID_AUTHENTICATION',
            'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
          ).body(),
        );
      return false;
    }
    const ttl = this.faults.tokenTtlMs;
    if (ttl !== undefined) {
      const issued = this.tokenIssuedAt.get(token) ?? Date.now();
      this.tokenIssuedAt.set(token, issued);
      if (Date.now() - issued >= ttl) {
        const minutes = Math.max(0, Math.floor((Date.now() - issued - ttl) / 60_000));
        res
          .status(401)
          .json(
            new HubSpotError(
              401,
              'EXPIRED_AUTHENTICATION',
              `The OAuth token used to make this call expired ${minutes} minute(s) ago.`,
            ).body(),
          );
        return false;
      }
    }
    const at = Date.now();
    this.daily++;
    if (this.daily > this.dailyLimit) {
      res.status(429).json({
        status: 'error',
        message: 'You have reached your daily limit.',
        errorType: 'RATE_LIMIT',
        correlationId: randomUUID(),
        policyName: 'DAILY',
        requestId: randomUUID(),
      });
      return false;
    }
    if (isSearch) {
      // Search has its own limit, is exempt from the ten-secondly one, and sends no limit headers.
      this.searches = this.searches.filter((t) => at - t < 1000);
      if (this.searches.length >= (this.options.searchPerSecond ?? 5)) {
        res.status(429).json({
          status: 'error',
          message: 'You have reached your secondly limit.',
          errorType: 'RATE_LIMIT',
          correlationId: randomUUID(),
          policyName: 'SECONDLY',
        });
        return false;
      }
      this.searches.push(at);
    } else {
      const window = (this.recent.get(token) ?? []).filter((t) => at - t < WINDOW_MS);
      const remaining = this.burstLimit - window.length;
      res.set({
        'X-HubSpot-RateLimit-Daily': String(this.dailyLimit),
        'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, this.dailyLimit - this.daily)),
        'X-HubSpot-RateLimit-Interval-Milliseconds': String(WINDOW_MS),
        'X-HubSpot-RateLimit-Max': String(this.burstLimit),
        'X-HubSpot-RateLimit-Remaining': String(Math.max(0, remaining - 1)),
      });
      if (remaining <= 0) {
        this.recent.set(token, window);
        res.set(
          'Retry-After',
          String(Math.max(1, Math.ceil((WINDOW_MS - (at - (window[0] as number))) / 1000))),
        );
        res.status(429).json({
          status: 'error',
          message: 'You have reached your ten_secondly_rolling limit.',
          errorType: 'RATE_LIMIT',
          correlationId: randomUUID(),
          policyName: 'TEN_SECONDLY_ROLLING',
          groupName: `publicapi:private_app-api-calls-ten-secondly:${this.portal.portalId}`,
        });
        return false;
      }
      window.push(at);
      this.recent.set(token, window);
    }
    if (fault?.status) {
      if (fault.retryAfterSeconds !== undefined)
        res.set('Retry-After', String(fault.retryAfterSeconds));
      const body =
        fault.status === 429
          ? {
              status: 'error',
              message: 'You have reached your ten_secondly_rolling limit.',
              errorType: 'RATE_LIMIT',
              correlationId: randomUUID(),
              policyName: 'TEN_SECONDLY_ROLLING',
            }
          : new HubSpotError(
              fault.status,
              fault.errorCode ??
                (fault.status === 423
                  ? 'LOCKED'
                  : fault.status >= 500
                    ? 'INTERNAL_ERROR'
                    : 'VALIDATION_ERROR'),
              fault.message ??
                (fault.status === 423
                  ? 'The record is locked by another update; retry after 2 seconds.'
                  : `Injected fault ${fault.status}`),
            ).body();
      res.status(fault.status).json(body);
      return false;
    }
    return true;
  }

  private inputs(body: unknown, limit: number): Body[] {
    const inputs = (body as { inputs?: unknown })?.inputs;
    if (!Array.isArray(inputs))
      throw new HubSpotError(400, 'VALIDATION_ERROR', 'Invalid input JSON: inputs must be a list');
    if (inputs.length > limit)
      throw new HubSpotError(
        400,
        'VALIDATION_ERROR',
        `Batch input limit exceeded: ${inputs.length} inputs given, the limit is ${limit}.`,
        { context: { inputs: [String(inputs.length)] } },
      );
    return inputs as Body[];
  }

  /**
   * batch/create, update, upsert: all or nothing, or failures per input in a 207 multi-status when
   * every input carries an objectWriteTraceId and the {@link BatchErrorMode} allows it for this
   * write. A per-input fault (`recordErrorCode`, with `recordMatch` naming the inputs) fails the
   * inputs whose JSON contains the text, as a validation rule would.
   */
  private batchWrite(
    req: Request,
    mode: 'create' | 'update' | 'upsert',
  ): { status: number; body: unknown } {
    const type = String(req.params.type);
    this.refuseReadOnly(type);
    const inputs = this.inputs(req.body, BATCH_LIMIT);
    const traced =
      inputs.length > 0 && inputs.every((i) => typeof i.objectWriteTraceId === 'string');
    const multiStatus =
      traced &&
      (this.batchErrors === 'multi-status' ||
        (this.batchErrors === 'documented' && mode === 'create'));
    const fault = this.picked.get(req);
    const before = multiStatus ? undefined : this.portal.snapshot();
    const startedAt = now();
    const results: Body[] = [];
    const errors: Body[] = [];
    for (const input of inputs) {
      try {
        if (
          fault?.recordErrorCode &&
          (fault.recordMatch === undefined
            ? this.faults.hits(fault)
            : JSON.stringify(input).includes(fault.recordMatch))
        )
          throw new HubSpotError(
            400,
            fault.recordErrorCode,
            fault.message ?? `Injected fault ${fault.recordErrorCode}`,
          );
        const properties = (input.properties ?? {}) as Body;
        let record: HubRecord;
        let created: boolean | undefined;
        if (mode === 'create')
          record = this.portal.create(type, input as Parameters<HubSpotPortal['create']>[1]);
        else if (mode === 'update')
          record = this.portal.update(
            type,
            String(input.id),
            properties,
            input.idProperty as string | undefined,
          );
        else {
          if (typeof input.idProperty !== 'string')
            throw new HubSpotError(
              400,
              'VALIDATION_ERROR',
              'idProperty is required for batch upsert',
            );
          ({ record, created } = this.portal.upsert(
            type,
            input.idProperty,
            String(input.id),
            properties,
          ));
        }
        const view = this.portal.view(type, record, [
          ...Object.keys(properties),
          ...(typeof input.idProperty === 'string' ? [input.idProperty] : []),
        ]);
        results.push({
          ...view,
          ...(created !== undefined && { new: created }),
          ...(input.objectWriteTraceId !== undefined && {
            objectWriteTraceId: input.objectWriteTraceId,
          }),
        });
      } catch (error) {
        if (!(error instanceof HubSpotError)) throw error;
        if (!multiStatus) {
          if (before) this.portal.restore(before);
          throw error;
        }
        const body = error.body();
        errors.push({
          status: 'error',
          category: body.category,
          message: body.message,
          context: {
            ...(body.context as Body),
            objectWriteTraceId: [String(input.objectWriteTraceId)],
          },
          errors: body.errors ?? [],
          links: {},
        });
      }
    }
    const body = batchBody(results, errors, startedAt);
    if (errors.length > 0) return { status: 207, body };
    return { status: mode === 'create' ? 201 : 200, body };
  }

  /** Feedback submissions are written by HubSpot's surveys, never through the API. */
  private refuseReadOnly(type: string): void {
    if (this.portal.type(type).name === 'feedback_submissions') {
      throw new HubSpotError(
        405,
        'VALIDATION_ERROR',
        'feedback_submissions are read-only through the API',
      );
    }
  }

  private batchRead(req: Request): { status: number; body: unknown } {
    const type = String(req.params.type);
    const body = (req.body ?? {}) as { properties?: string[]; idProperty?: string };
    const inputs = this.inputs(req.body, BATCH_LIMIT) as { id?: string }[];
    this.portal.checkIdProperty(type, body.idProperty);
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const input of inputs) {
      try {
        results.push(
          this.portal.view(
            type,
            this.portal.get(type, String(input.id), body.idProperty),
            body.properties,
          ),
        );
      } catch (error) {
        if (!(error instanceof HubSpotError)) throw error;
        missing.push(String(input.id));
      }
    }
    const base = batchBody(results);
    if (missing.length === 0) return { status: 200, body: base };
    return {
      status: 207,
      body: {
        ...base,
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message: `Could not get some ${this.portal.type(type).name} objects, they may be deleted or not exist. Check that ids are valid.`,
            context: { ids: missing },
            errors: [],
            links: {},
          },
        ],
      },
    };
  }

  private search(req: Request): { status: number; body: unknown } {
    const type = this.portal.type(String(req.params.type));
    const body = (req.body ?? {}) as {
      filterGroups?: {
        filters?: {
          propertyName: string;
          operator: string;
          value?: unknown;
          values?: unknown[];
          highValue?: unknown;
        }[];
      }[];
      sorts?: (string | { propertyName: string; direction?: string })[];
      query?: string;
      properties?: string[];
      limit?: number;
      after?: string | number;
    };
    const groups = body.filterGroups ?? [];
    if (groups.length > SEARCH_GROUPS)
      throw new HubSpotError(
        400,
        'VALIDATION_ERROR',
        `Too many filter groups: ${groups.length}; at most ${SEARCH_GROUPS} are allowed.`,
      );
    for (const group of groups)
      if ((group.filters ?? []).length > SEARCH_FILTERS_PER_GROUP)
        throw new HubSpotError(
          400,
          'VALIDATION_ERROR',
          `Too many filters in a group: ${(group.filters ?? []).length}; at most ${SEARCH_FILTERS_PER_GROUP} are allowed.`,
        );
    const filters = groups.flatMap((g) => g.filters ?? []);
    if (filters.length > SEARCH_FILTERS_TOTAL)
      throw new HubSpotError(
        400,
        'VALIDATION_ERROR',
        `Too many filters: ${filters.length}; at most ${SEARCH_FILTERS_TOTAL} are allowed in all groups together.`,
      );
    for (const filter of filters)
      if (
        (filter.operator === 'IN' || filter.operator === 'NOT_IN') &&
        (!Array.isArray(filter.values) || filter.values.length === 0)
      )
        throw new HubSpotError(
          400,
          'VALIDATION_ERROR',
          `The ${filter.operator} operator on ${filter.propertyName} needs a non-empty "values" list.`,
        );
    if ((body.query ?? '').length > SEARCH_QUERY_LENGTH)
      throw new HubSpotError(
        400,
        'VALIDATION_ERROR',
        `query must be at most ${SEARCH_QUERY_LENGTH} characters`,
      );
    const limit = body.limit ?? 10;
    if (limit > SEARCH_PAGE_LIMIT)
      throw new HubSpotError(400, 'VALIDATION_ERROR', `limit must be at most ${SEARCH_PAGE_LIMIT}`);
    const after = Number(body.after ?? 0);
    if (after + limit > SEARCH_RESULT_CAP)
      throw new HubSpotError(
        400,
        'VALIDATION_ERROR',
        `Search results are limited to ${SEARCH_RESULT_CAP} total results; after=${after} goes past them.`,
      );
    const value = (record: HubRecord, name: string) => record.properties[name] ?? null;
    const compare = (a: string | null, b: unknown) => {
      const x = Number(a);
      const y = Number(b);
      if (a !== null && Number.isFinite(x) && Number.isFinite(y) && String(b).trim() !== '')
        return x - y;
      const da = Date.parse(String(a));
      const db = /^\d+$/.test(String(b)) ? Number(b) : Date.parse(String(b));
      if (!Number.isNaN(da) && !Number.isNaN(db)) return da - db;
      return String(a ?? '')
        .toLowerCase()
        .localeCompare(String(b ?? '').toLowerCase());
    };
    const matches = (
      record: HubRecord,
      filter: {
        propertyName: string;
        operator: string;
        value?: unknown;
        values?: unknown[];
        highValue?: unknown;
      },
    ) => {
      if (!type.properties.has(filter.propertyName))
        throw new HubSpotError(
          400,
          'VALIDATION_ERROR',
          `Property "${filter.propertyName}" does not exist on ${type.name}`,
        );
      const v = value(record, filter.propertyName);
      switch (filter.operator) {
        case 'EQ':
          return v !== null && compare(v, filter.value) === 0;
        case 'NEQ':
          return v === null || compare(v, filter.value) !== 0;
        case 'LT':
          return v !== null && compare(v, filter.value) < 0;
        case 'LTE':
          return v !== null && compare(v, filter.value) <= 0;
        case 'GT':
          return v !== null && compare(v, filter.value) > 0;
        case 'GTE':
          return v !== null && compare(v, filter.value) >= 0;
        case 'BETWEEN':
          return v !== null && compare(v, filter.value) >= 0 && compare(v, filter.highValue) <= 0;
        case 'IN':
          return v !== null && (filter.values ?? []).some((x) => compare(v, x) === 0);
        case 'NOT_IN':
          return v === null || !(filter.values ?? []).some((x) => compare(v, x) === 0);
        case 'HAS_PROPERTY':
          return v !== null && v !== '';
        case 'NOT_HAS_PROPERTY':
          return v === null || v === '';
        case 'CONTAINS_TOKEN':
          return (
            v !== null &&
            v
              .toLowerCase()
              .split(/\W+/)
              .includes(String(filter.value).toLowerCase().replace(/\*/g, ''))
          );
        case 'NOT_CONTAINS_TOKEN':
          return (
            v === null || !v.toLowerCase().split(/\W+/).includes(String(filter.value).toLowerCase())
          );
        default:
          throw new HubSpotError(
            400,
            'VALIDATION_ERROR',
            `Unknown filter operator ${filter.operator}`,
          );
      }
    };
    let records = this.portal
      .list(type.name)
      .filter(
        (record) =>
          groups.length === 0 ||
          groups.some((g) => (g.filters ?? []).every((f) => matches(record, f))),
      );
    if (body.query) {
      const q = body.query.toLowerCase();
      records = records.filter((r) =>
        Object.values(r.properties).some((v) => v !== null && v.toLowerCase().includes(q)),
      );
    }
    for (const sort of [...(body.sorts ?? [])].reverse()) {
      const name = typeof sort === 'string' ? sort : sort.propertyName;
      const descending = typeof sort !== 'string' && sort.direction === 'DESCENDING';
      records = [...records].sort(
        (a, b) => (descending ? -1 : 1) * compare(value(a, name), value(b, name)),
      );
    }
    const total = records.length;
    const page = records.slice(after, after + limit);
    return {
      status: 200,
      body: {
        total,
        results: page.map((r) => this.portal.view(type.name, r, body.properties)),
        ...(after + limit < Math.min(total, SEARCH_RESULT_CAP) && {
          paging: { next: { after: String(after + limit) } },
        }),
      },
    };
  }

  private owners(req: Request): { status: number; body: unknown } {
    const email = typeof req.query.email === 'string' ? req.query.email.toLowerCase() : undefined;
    const limit = Math.min(Number(req.query.limit ?? 100), 500);
    const after = Number(req.query.after ?? 0);
    const owners = this.portal.owners.filter(
      (o) => !o.archived && (!email || o.email.toLowerCase() === email),
    );
    return {
      status: 200,
      body: {
        results: owners.slice(after, after + limit).map((o) => ({ type: 'PERSON', ...o })),
        ...(after + limit < owners.length && {
          paging: { next: { after: String(after + limit) } },
        }),
      },
    };
  }

  private associationsCreate(
    req: Request,
    from: string,
    to: string,
  ): { status: number; body: unknown } {
    const inputs = this.inputs(req.body, ASSOCIATION_CREATE_LIMIT) as {
      from?: { id?: string };
      to?: { id?: string };
      types?: { associationCategory?: string; associationTypeId?: number }[];
    }[];
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      try {
        const labels = (input.types ?? []).map((spec) => {
          const label = this.portal
            .labelsBetween(from, to)
            .find(
              (l) => l.typeId === spec.associationTypeId && l.category === spec.associationCategory,
            );
          if (!label)
            throw new HubSpotError(
              400,
              'VALIDATION_ERROR',
              `association type ${spec.associationCategory}/${spec.associationTypeId} is not defined from ${from} to ${to}`,
            );
          return this.portal.link(from, String(input.from?.id), to, String(input.to?.id), label);
        });
        results.push({
          fromObjectTypeId: this.portal.type(from).objectTypeId,
          fromObjectId: Number(input.from?.id),
          toObjectTypeId: this.portal.type(to).objectTypeId,
          toObjectId: Number(input.to?.id),
          labels: labels.map((l) => l.label).filter(Boolean),
        });
      } catch (error) {
        if (!(error instanceof HubSpotError)) throw error;
        errors.push({
          status: 'error',
          category: error.category,
          message: error.message,
          context: { fromId: [String(input.from?.id)], toId: [String(input.to?.id)] },
          errors: [],
          links: {},
        });
      }
    }
    const body = batchBody(results, errors);
    return { status: errors.length > 0 ? 207 : 201, body };
  }

  private associationsDefault(
    req: Request,
    from: string,
    to: string,
  ): { status: number; body: unknown } {
    const inputs = this.inputs(req.body, ASSOCIATION_CREATE_LIMIT) as {
      from?: { id?: string };
      to?: { id?: string };
    }[];
    const results = inputs.map((input) => {
      const label = this.portal.link(from, String(input.from?.id), to, String(input.to?.id));
      return {
        from: { id: String(input.from?.id) },
        to: { id: String(input.to?.id) },
        associationSpec: { associationCategory: label.category, associationTypeId: label.typeId },
      };
    });
    return {
      status: 200,
      body: batchBody(results),
    };
  }

  private associationsRead(
    req: Request,
    from: string,
    to: string,
  ): { status: number; body: unknown } {
    const inputs = this.inputs(req.body, ASSOCIATION_READ_LIMIT) as { id?: string }[];
    const results = inputs
      .map((input) => ({
        from: { id: String(input.id) },
        to: this.portal
          .associated(from, String(input.id), to)
          .map((a) => ({ toObjectId: Number(a.toObjectId), associationTypes: a.associationTypes })),
      }))
      .filter((r) => r.to.length > 0);
    return {
      status: 200,
      body: batchBody(results),
    };
  }

  listen(port = 0, host = '127.0.0.1'): Promise<{ url: string; close: () => Promise<void> }> {
    return listenEmulator(this.app, this.stateFile, port, host);
  }
}
