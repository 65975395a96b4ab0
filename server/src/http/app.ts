import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  DEFAULT_TOUCHPOINTS,
  MAX_ADVISED_JOURNEY_STEPS,
  CALLBACK_STATUSES,
  nextCallbackState,
  orderJourney,
  oversizedJourneys,
  unknownTouchpoints,
  type Touchpoint,
} from '@boucle/shared';
import {
  answersBodySchema,
  callbackOutcomeSchema,
  insightsQuerySchema,
  ratingSchema,
  toFieldIssues,
  type Answer,
} from '@boucle/shared/schemas';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ApiError } from '../errors.ts';
import { isBatch, refuseDatedAhead } from './datedAhead.ts';
import { refOf, type CallbackFilter, type Crm, type Store } from '../store/store.ts';
import type { Metrics } from './metrics.ts';
import { insights } from './insights.ts';
import { openApiDocument } from './openapi.ts';
import { accountCard, callbackView } from './summary.ts';
import { syncRoutes } from './syncLog.ts';
import { themesQuerySchema, themesReport } from './themes.ts';
import { DEFAULT_VERBATIMS, type Verbatims } from '../verbatims/taxonomy.ts';
import { webhookRouter } from '../webhooks/router.ts';
import { erasureRouter } from '../erasure/routes.ts';
import type { TrustProxy, WebhooksConfig } from '../config/config.ts';

export interface AppDeps {
  readonly store: Store;
  readonly apiKey: string;
  /** A bearer token that reads `/metrics` and `/health` details without the API key. */
  readonly metricsToken?: string;
  readonly crms: readonly Crm[];
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock?: () => number;
  /** Reachability of each CRM, for /health (cached by the caller). */
  readonly crmHealth?: () => Promise<Record<string, { ok: boolean; detail: string }>>;
  /** Called after work was queued, to wake the sync loops. */
  readonly onQueued?: () => void;
  readonly webhooks?: WebhooksConfig;
  readonly onFetchQueued?: () => void;
  /** The backend of the HubSpot cards and settings page (`/hubspot/*`). */
  readonly hubspotApp?: express.Router;
  /** The sandbox's preview page (`/`) and its bridge to the emulators. */
  readonly preview?: express.Router;
  /**
   * The journey in force in a CRM (Salesforce: Touchpoint__mdt; HubSpot: the settings page), or
   * in the first CRM configured when none is named; the shipped journey without a CRM.
   */
  readonly journey?: (crm?: Crm) => Promise<readonly Touchpoint[]>;
  /** The theme taxonomy in force and its analyser (`GET /v1/themes`); default: the default one. */
  readonly verbatims?: Verbatims;
  /** Proxies whose `X-Forwarded-For` gives `req.ip` (BOUCLE_TRUST_PROXY); default: none. */
  readonly trustProxy?: TrustProxy;
  /** Erasures keep scores, anonymised (BOUCLE_ERASURE_KEEP_STATISTICS); default: delete. */
  readonly erasureKeepStatistics?: boolean;
  /** Survey pressure and survey requests (`surveys/router.ts`), mounted under `/v1`. */
  readonly surveys?: express.Router;
}

/** One rating, or `{"ratings": [...]}`: a body with a `ratings` key is read as a batch. */
const ratingsBodySchema = z.unknown().pipe(
  z.custom<unknown>().transform((body, ctx) => {
    const isBatch = typeof body === 'object' && body !== null && 'ratings' in body;
    const result = isBatch
      ? z.strictObject({ ratings: z.array(ratingSchema).min(1).max(1000) }).safeParse(body)
      : ratingSchema.safeParse(body);
    if (result.success) return 'ratings' in result.data ? result.data.ratings : [result.data];
    for (const issue of result.error.issues) ctx.issues.push({ ...issue, input: body } as never);
    return z.NEVER;
  }),
);

/** `GET /v1/callbacks?status=`: the loop still open (the default), the overdue, or one state. */
const CALLBACK_FILTERS = ['open', 'overdue', ...CALLBACK_STATUSES.filter((s) => s !== 'open')];

/** JSON with sorted keys: two answers with the same content compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function validation(error: z.ZodError, input?: unknown): ApiError {
  const issues = toFieldIssues(error, input);
  return new ApiError(
    400,
    'validation_failed',
    `${issues.length} problem${issues.length > 1 ? 's' : ''} in the request: ${issues
      .slice(0, 3)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ')}${issues.length > 3 ? '; …' : ''}`,
    issues,
  );
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The HTTP application. Handlers verify, validate, store, enqueue and answer: no CRM call happens
 * inside a request.
 */
export function createApp(deps: AppDeps): express.Express {
  const { store, logger, metrics } = deps;
  const clock = deps.clock ?? Date.now;
  const journey = deps.journey ?? (async () => DEFAULT_TOUCHPOINTS);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Only a trusted proxy's X-Forwarded-For names the client: any other peer could write one.
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () =>
      metrics.observeRequest(
        req.method,
        req.route?.path ?? 'unmatched',
        res.statusCode,
        Number(process.hrtime.bigint() - started) / 1e9,
      ),
    );
    next();
  });

  // Details (CRM quotas, queue depths, the runtime) only for the API key or the metrics token;
  // anyone may learn whether the server is up.
  const mayReadDetails = (req: Request) => {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    return Boolean(
      token &&
      (sameSecret(token, deps.apiKey) ||
        (deps.metricsToken !== undefined && sameSecret(token, deps.metricsToken))),
    );
  };
  app.get('/health', async (req, res) => {
    let storeOk = true;
    try {
      await store.ping();
    } catch {
      storeOk = false;
    }
    if (!mayReadDetails(req))
      return void res.status(storeOk ? 200 : 503).json({ status: storeOk ? 'up' : 'down' });
    const crms = deps.crmHealth ? await deps.crmHealth() : {};
    const ready = storeOk && Object.values(crms).every((c) => c.ok);
    res
      .status(storeOk ? 200 : 503)
      .json({ status: ready ? 'ok' : 'degraded', store: storeOk ? 'ok' : 'unavailable', crms });
  });
  app.get('/metrics', async (req, res) => {
    if (!mayReadDetails(req))
      throw new ApiError(
        401,
        'unauthorized',
        'Send BOUCLE_METRICS_TOKEN (or the API key) as "Authorization: Bearer <token>"',
        [],
        { 'WWW-Authenticate': 'Bearer' },
      );
    res.set('Content-Type', metrics.contentType).send(await metrics.render());
  });
  app.get('/openapi.json', (_req, res) => res.json(openApiDocument()));

  const verbatims = deps.verbatims ?? DEFAULT_VERBATIMS;
  const v1 = express.Router();
  v1.use((req, _res, next) => {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!token || !sameSecret(token, deps.apiKey)) {
      return next(
        new ApiError(
          401,
          'unauthorized',
          token
            ? 'This API key is not valid: use the BOUCLE_API_KEY the server runs with (in sandbox mode, the key it printed)'
            : 'No API key: send it as "Authorization: Bearer <BOUCLE_API_KEY>"',
          [],
          { 'WWW-Authenticate': token ? 'Bearer error="invalid_token"' : 'Bearer' },
        ),
      );
    }
    next();
  });
  v1.use((req, _res, next) => {
    // A body in anything but JSON is refused rather than guessed at.
    if (req.is(['application/json', 'application/*+json']) === false)
      return next(
        new ApiError(
          415,
          'unsupported_media_type',
          `The body must be JSON, sent with "Content-Type: application/json" (not ${req.get('content-type') ?? 'no Content-Type'})`,
        ),
      );
    next();
  });
  v1.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  if (deps.surveys) v1.use(deps.surveys);

  v1.post('/answers', async (req, res) => {
    const parsed = answersBodySchema.safeParse(req.body);
    if (!parsed.success) throw validation(parsed.error, req.body);
    refuseDatedAhead(
      parsed.data,
      'answeredAt',
      clock(),
      isBatch(req.body, 'answers') ? 'answers' : undefined,
    );
    const known = await store.getAnswers(parsed.data.map(refOf));
    const result = await store.ingestAnswers(parsed.data, deps.crms, clock());
    metrics.answersAccepted.inc(result.accepted);
    metrics.duplicates.inc(result.duplicates);
    deps.onQueued?.();
    // First wins: a duplicate (an id stored before, or repeated in this request) changes nothing;
    // the client learns which ones were, and whether it sent other content under the same id.
    const first = new Map<string, Answer>(known);
    const duplicateAnswers: { id: string; source: string; sameContent: boolean }[] = [];
    for (const answer of parsed.data) {
      const kept = first.get(refOf(answer));
      if (!kept) first.set(refOf(answer), answer);
      else
        duplicateAnswers.push({
          id: answer.id,
          source: answer.source,
          sameContent: canonical(kept) === canonical(answer),
        });
    }
    res.status(202).json({ ...result, ...(duplicateAnswers.length > 0 && { duplicateAnswers }) });
  });

  v1.post('/ratings', async (req, res) => {
    const parsed = ratingsBodySchema.safeParse(req.body);
    if (!parsed.success) throw validation(parsed.error, req.body);
    const ratings = parsed.data;
    refuseDatedAhead(
      ratings,
      'ratedAt',
      clock(),
      isBatch(req.body, 'ratings') ? 'ratings' : undefined,
    );
    const result = await store.ingestRatings(ratings, deps.crms, clock());
    deps.onQueued?.();
    res.status(202).json(result);
  });

  v1.get('/accounts/:key/summary', async (req, res) => {
    const key = String(req.params.key).trim();
    const window = typeof req.query.window === 'string' ? req.query.window : '90d';
    const match = /^(\d{1,4})d$/.exec(window);
    if (!match || Number(match[1]) < 1)
      throw new ApiError(400, 'validation_failed', 'window must be a number of days such as 90d', [
        { path: 'window', message: 'must be a number of days from 1d to 9999d, such as 90d' },
      ]);
    const windowDays = Number(match[1]);
    const card = await accountCard(store, [key], windowDays, clock(), await journey(), verbatims);
    if (!card)
      throw new ApiError(
        404,
        'not_found',
        `No answers for account ${key}: use a Salesforce Account id, a HubSpot company id or a domain that answers carry`,
      );
    res.json({ account: key, ...card });
  });

  v1.get('/touchpoints', async (req, res) => {
    const { unknown, crm } = req.query;
    if (unknown !== undefined && unknown !== 'true' && unknown !== 'false')
      throw new ApiError(400, 'validation_failed', 'unknown must be true or false', [
        { path: 'unknown', message: 'must be true or false' },
      ]);
    if (crm !== undefined && !deps.crms.includes(crm as Crm))
      throw new ApiError(400, 'validation_failed', `crm must be one of ${deps.crms.join(', ')}`, [
        {
          path: 'crm',
          message: `must be a configured CRM: ${deps.crms.join(', ') || '(none configured)'}`,
        },
      ]);
    const touchpoints = await journey(crm as Crm | undefined);
    const source = (crm as Crm | undefined) ?? deps.crms[0] ?? null;
    if (unknown === 'true') {
      res.json({
        crm: source,
        unknown: unknownTouchpoints(await store.touchpointCounts(), touchpoints),
      });
      return;
    }
    res.json({
      crm: source,
      touchpoints: orderJourney(touchpoints),
      advice: oversizedJourneys(touchpoints).map(
        ({ journey: name, steps }) =>
          `journey "${name}" has ${steps} touchpoints: the seeds advise ${MAX_ADVISED_JOURNEY_STEPS} at most`,
      ),
    });
  });

  v1.get('/themes', async (req, res) => {
    const parsed = themesQuerySchema.safeParse(req.query);
    if (!parsed.success) throw validation(parsed.error);
    res.json(await themesReport(store, verbatims, parsed.data, clock()));
  });

  v1.get('/answers', async (req, res) => {
    if (req.query.status !== 'unmatched')
      throw new ApiError(400, 'validation_failed', 'status must be unmatched', [
        {
          path: 'status',
          message: 'must be unmatched (the answers whose respondent is not in the CRM yet)',
        },
      ]);
    const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new ApiError(400, 'validation_failed', 'limit must be a whole number from 1 to 1000', [
        { path: 'limit', message: 'must be a whole number from 1 to 1000' },
      ]);
    const parked = await store.unmatchedAnswers(limit);
    res.json({ answers: parked.map((p) => ({ crm: p.crm, reason: p.detail, answer: p.answer })) });
  });

  v1.get('/callbacks', async (req, res) => {
    const status = req.query.status ?? 'open';
    if (typeof status !== 'string' || !CALLBACK_FILTERS.includes(status))
      throw new ApiError(
        400,
        'validation_failed',
        `status must be one of ${CALLBACK_FILTERS.join(', ')}`,
        [{ path: 'status', message: `must be one of ${CALLBACK_FILTERS.join(', ')}` }],
      );
    const now = new Date(clock()).toISOString();
    const callbacks = await store.listCallbacks({
      status: status as CallbackFilter['status'],
      now,
      ...(typeof req.query.account === 'string' && { accountKey: req.query.account }),
    });
    res.json({ callbacks: callbacks.map((c) => callbackView(c, now)) });
  });

  v1.patch('/callbacks/:id', async (req, res) => {
    const parsed = callbackOutcomeSchema.safeParse(req.body);
    if (!parsed.success) throw validation(parsed.error, req.body);
    const now = new Date(clock()).toISOString();
    // The move is decided on the callback as stored at the moment of the write, and its sync
    // queued in the same transaction.
    const updated = await store.updateCallback(
      String(req.params.id),
      (callback) => {
        const result = nextCallbackState(callback, parsed.data, now);
        if (!result.ok)
          throw new ApiError(409, 'invalid_transition', result.reason, [
            { path: 'status', message: result.reason },
          ]);
        // One callback, written to every CRM: each is told it was logged through the API.
        return { ...callback, ...result.callback, loggedIn: { via: 'api' as const, at: now } };
      },
      { enqueueAt: clock() },
    );
    if (!updated) throw new ApiError(404, 'not_found', `No callback ${String(req.params.id)}`);
    deps.onQueued?.();
    res.json(callbackView(updated, now));
  });

  v1.get('/insights', async (req, res) => {
    const parsed = insightsQuerySchema.safeParse(req.query);
    if (!parsed.success) throw validation(parsed.error);
    const crm = parsed.data.crm ?? deps.crms[0];
    res.json(await insights(store, parsed.data, crm, clock(), await journey(crm)));
  });

  v1.use(syncRoutes({ store, crms: deps.crms, clock }));
  v1.use(
    erasureRouter({
      store,
      crms: deps.crms,
      keepStatistics: deps.erasureKeepStatistics ?? false,
      clock,
      ...(deps.onQueued && { onQueued: deps.onQueued }),
    }),
  );
  app.use('/v1', v1);
  if (deps.hubspotApp) app.use('/hubspot', deps.hubspotApp);
  app.use(
    '/webhooks',
    webhookRouter({
      store,
      crms: deps.crms,
      config: deps.webhooks ?? { ratePerMinute: 600 },
      logger,
      clock,
      proxyTrusted: Boolean(deps.trustProxy),
      erasureKeepStatistics: deps.erasureKeepStatistics ?? false,
      ...(deps.onQueued && { onQueued: deps.onQueued }),
      ...(deps.onFetchQueued && { onFetchQueued: deps.onFetchQueued }),
    }),
  );
  if (deps.preview) app.use(deps.preview);
  app.use((req, _res, next) =>
    next(new ApiError(404, 'not_found', `No route for ${req.method} ${req.path}`)),
  );
  app.use(
    (
      error: Error & { type?: string; status?: number },
      req: Request,
      res: Response,
      _next: NextFunction,
    ) => {
      let apiError: ApiError;
      if (error instanceof ApiError) apiError = error;
      else if (error.type === 'entity.too.large')
        apiError = new ApiError(
          413,
          'payload_too_large',
          'The body is larger than 1 MB: send at most 1,000 answers per request',
        );
      else if (error.type === 'entity.parse.failed')
        apiError = new ApiError(
          400,
          'invalid_json',
          `The body is not valid JSON: ${error.message}`,
        );
      else if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported')
        apiError = new ApiError(415, 'unsupported_encoding', error.message);
      else if (error.status && error.status >= 400 && error.status < 500)
        apiError = new ApiError(error.status, 'bad_request', error.message);
      else {
        logger.error({ err: error.message, path: req.path }, 'unexpected error');
        apiError = new ApiError(
          503,
          'unavailable',
          'The server could not handle the request; nothing was stored. Try again.',
        );
      }
      res.set(apiError.headers).status(apiError.status).json(apiError.body());
    },
  );
  return app;
}
