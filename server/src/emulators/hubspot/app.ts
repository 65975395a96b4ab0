import express, { type NextFunction, type Request, type Response } from 'express';
import { CallLog, Faults, StateFile, faultsBodySchema, listenEmulator } from '../common.ts';
import { associationRoutes } from './associations.ts';
import { ApiGate, type GateOptions } from './gate.ts';
import { type BatchErrorMode, objectRoutes } from './objects.ts';
import { accountRoutes } from './owners.ts';
import {
  HubSpotError,
  HubSpotPortal,
  type Owner,
  type PortalOptions,
  type PortalSnapshot,
} from './portal.ts';
import { propertyRoutes } from './properties.ts';
import { type Body, type RouteContext, handler, now } from './routing.ts';
import { searchRoutes } from './search.ts';

export type { BatchErrorMode } from './objects.ts';

export interface HubSpotEmulatorOptions extends PortalOptions, GateOptions {
  /** How batch writes answer when some inputs are bad; default `documented`. */
  readonly batchErrors?: BatchErrorMode;
  readonly dataFile?: string;
}

/**
 * The API's route families, in the order they match (the more specific paths first). A new family
 * (one module under hubspot/) registers here, one line.
 */
const ROUTE_FAMILIES: readonly ((ctx: RouteContext) => express.Router)[] = [
  propertyRoutes,
  accountRoutes,
  associationRoutes,
  searchRoutes,
  objectRoutes,
];

/** A HubSpot portal on loopback: CRM v3 objects, v4 associations, properties, schemas, owners. */
export class HubSpotEmulator {
  readonly portal: HubSpotPortal;
  readonly faults = new Faults();
  readonly calls = new CallLog();
  readonly app = express();
  /** Authentication, faults and rate limits, before any CRM route. */
  private readonly gate: ApiGate;
  /** How batch writes answer when some inputs are bad (tests switch it to try each reading). */
  batchErrors: BatchErrorMode;
  private readonly stateFile: StateFile<PortalSnapshot & { daily: number }>;

  constructor(private readonly options: HubSpotEmulatorOptions = {}) {
    this.portal = new HubSpotPortal(options);
    this.gate = new ApiGate(options, this.faults, this.calls, this.portal);
    this.batchErrors = options.batchErrors ?? 'documented';
    this.stateFile = new StateFile(options.dataFile, () => ({
      ...this.portal.snapshot(),
      daily: this.gate.daily,
    }));
    const saved = this.stateFile.load();
    if (saved) {
      this.portal.restore(saved);
      this.gate.daily = saved.daily;
    }
    this.routes();
  }

  get burstLimit(): number {
    return this.gate.burstLimit;
  }

  get dailyLimit(): number {
    return this.gate.dailyLimit;
  }

  reset(): void {
    this.portal.reset();
    this.calls.reset();
    this.faults.set({ rules: [] });
    this.gate.reset();
    this.batchErrors = this.options.batchErrors ?? 'documented';
    this.stateFile.changed();
  }

  private routes(): void {
    const app = this.app;
    app.disable('x-powered-by');
    app.use(express.json({ limit: '10mb' }));
    this.controlRoutes();

    app.use(['/crm', '/crm-object-schemas', '/account-info'], (req, res, next) => {
      this.gate.pass(req, res).then((pass) => (pass ? next() : undefined), next);
    });
    const ctx: RouteContext = {
      portal: this.portal,
      handle: handler(() => this.stateFile.changed()),
      faults: this.faults,
      batchErrors: () => this.batchErrors,
      picked: (req) => this.gate.pickedFault(req),
    };
    for (const family of ROUTE_FAMILIES) app.use(family(ctx));

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

  /** `/__emulator/*`: what tests and the sandbox read and set, outside HubSpot's API. */
  private controlRoutes(): void {
    const app = this.app;
    app.get('/__emulator/state', (_req, res) =>
      res.json({
        portalId: this.portal.portalId,
        customObjects: this.portal.customObjects,
        ...this.portal.state(),
        usage: { daily: this.gate.daily, dailyLimit: this.gate.dailyLimit },
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
      this.gate.forgetTokens();
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
  }

  listen(port = 0, host = '127.0.0.1'): Promise<{ url: string; close: () => Promise<void> }> {
    return listenEmulator(this.app, this.stateFile, port, host);
  }
}
