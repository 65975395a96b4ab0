import express, { type Request } from 'express';
import {
  DEFAULT_DISSONANCE_SETTINGS,
  DEFAULT_THRESHOLD_RULES,
  DEFAULT_TOUCHPOINTS,
  nextCallbackState,
  type Touchpoint,
} from '@boucle/shared';
import {
  callbackOutcomeSchema,
  ratingSchema,
  serverSettingsSchema,
  toFieldIssues,
  type ServerSettings,
} from '@boucle/shared/schemas';
import type { Logger } from 'pino';
import type { HubSpotAdapter } from '../crm/hubspot/adapter.ts';
import { ApiError } from '../errors.ts';
import { linkOf, type Crm, type Store, type StoredCallback } from '../store/store.ts';
import { verifyHubSpotV3 } from '../webhooks/signatures.ts';
import { accountCard, callbackView } from './summary.ts';
import { healthView } from '../health/view.ts';
import { ownersAndTeams, unknownEscalationOwners } from './hubspotOwners.ts';
import type { Verbatims } from '../verbatims/taxonomy.ts';

export interface HubSpotAppDeps {
  readonly store: Store;
  readonly crms: readonly Crm[];
  readonly hubspot?: HubSpotAdapter;
  /** The app's client secrets (two during a rotation). */
  readonly secrets?: readonly string[];
  readonly logger: Logger;
  readonly clock?: () => number;
  readonly onQueued?: () => void;
  /** The theme taxonomy in force, for the verbatims and irritants of the company card. */
  readonly verbatims?: Verbatims;
}

export const SETTINGS = 'server';
const REPLAY_SCOPE = 'hubspot-fetch';
/**
 * How long a signature is remembered: a timestamp is accepted 5 minutes either side of the clock,
 * so a signature can be valid for 10 minutes after it is first seen; a minute more for clock skew
 * between replicas.
 */
const REPLAY_KEEP_MS = 11 * 60_000;

/** The settings in force: what the settings page saved, or the shipped defaults. */
export async function currentSettings(store: Store): Promise<ServerSettings> {
  return (
    (await store.getSetting<ServerSettings>(SETTINGS)) ??
    serverSettingsSchema.parse({ rules: DEFAULT_THRESHOLD_RULES })
  );
}

/** The settings page's settings, and whether an admin saved them (else the shipped ones). */
export async function pageSettings(
  store: Store,
): Promise<{ settings: ServerSettings; saved: boolean }> {
  const saved = await store.getSetting<ServerSettings>(SETTINGS);
  return saved
    ? { settings: saved, saved: true }
    : { settings: serverSettingsSchema.parse({ rules: DEFAULT_THRESHOLD_RULES }), saved: false };
}

/** The journey of the HubSpot side: the settings page's touchpoints, or the shipped journey. */
export async function hubspotJourney(store: Store): Promise<readonly Touchpoint[]> {
  return (await currentSettings(store)).touchpoints ?? DEFAULT_TOUCHPOINTS;
}

function body(req: Request): unknown {
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new ApiError(
      400,
      'invalid_json',
      `The body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/**
 * `/hubspot/*`: the backend of the HubSpot cards and settings page, called through
 * `hubspot.fetch`. Every request carries HubSpot's v3 signature (method, full URL, raw body,
 * timestamp within 5 minutes) and the portal in its signed query; the portal must be the one
 * Boucle is connected to, and every object id must exist in it. A signature is accepted once (a
 * replay within its window is refused), except after a 5xx: HubSpot retries once then, perhaps
 * signed alike. Retried requests change nothing twice.
 */
export function hubspotApp(deps: HubSpotAppDeps): express.Router {
  const clock = deps.clock ?? Date.now;
  const router = express.Router();
  router.use(express.raw({ type: () => true, limit: '1mb' }));
  router.use(async (req, res, next) => {
    if (!deps.secrets || !deps.hubspot)
      return next(
        new ApiError(
          404,
          'not_configured',
          'The HubSpot app backend is off: set HUBSPOT_ACCESS_TOKEN and HUBSPOT_CLIENT_SECRET',
        ),
      );
    const url = `${req.get('x-forwarded-proto') ?? req.protocol}://${req.get('x-forwarded-host') ?? req.get('host')}${req.originalUrl}`;
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = verifyHubSpotV3(
      {
        method: req.method,
        url,
        raw,
        timestamp: req.get('x-hubspot-request-timestamp'),
        signature: req.get('x-hubspot-signature-v3'),
      },
      deps.secrets,
      clock(),
    );
    if (!verdict.ok) return next(new ApiError(401, 'invalid_signature', verdict.reason));
    // A signed request is good for its 5-minute window: one seen in it is a replay (a replayed
    // PUT /settings would undo a later change). Kept in the store, so every replica sees it.
    const signature = String(req.get('x-hubspot-signature-v3'));
    if (!(await deps.store.claimSignature(REPLAY_SCOPE, signature, clock(), REPLAY_KEEP_MS)))
      return next(
        new ApiError(
          401,
          'replayed_request',
          'This signed request was already received: HubSpot signs each call anew, so a second copy is a replay',
        ),
      );
    // HubSpot retries a call once after a 5xx, signed alike: that retry is not a replay.
    res.on('finish', () => {
      if (res.statusCode >= 500)
        deps.store.releaseSignature(REPLAY_SCOPE, signature).catch(() => undefined);
    });
    const portal = typeof req.query.portalId === 'string' ? req.query.portalId : undefined;
    try {
      if (!portal || Number(portal) !== (await deps.hubspot.portalId()))
        return next(
          new ApiError(
            403,
            'wrong_portal',
            `This Boucle server is connected to another HubSpot portal than ${portal ?? '(none given)'}`,
          ),
        );
    } catch (error) {
      return next(
        new ApiError(
          503,
          'hubspot_unavailable',
          `Cannot reach HubSpot to check the portal: ${(error as Error).message}`,
        ),
      );
    }
    next();
  });
  const hubspot = () => deps.hubspot as HubSpotAdapter;

  router.get('/companies/:id/summary', async (req, res) => {
    const company = await hubspot().record('companies', String(req.params.id), ['domain', 'name']);
    if (!company)
      throw new ApiError(404, 'not_found', `No company ${String(req.params.id)} in this portal`);
    const keys = [String(req.params.id), ...(company.domain ? [company.domain.toLowerCase()] : [])];
    const card = await accountCard(
      deps.store,
      keys,
      90,
      clock(),
      await hubspotJourney(deps.store),
      deps.verbatims,
    );
    res.json(
      card
        ? { company: { id: String(req.params.id), name: company.name }, ...card }
        : { company: { id: String(req.params.id), name: company.name }, empty: true },
    );
  });

  router.get('/contacts/:id', async (req, res) => {
    const contact = await hubspot().record('contacts', String(req.params.id), ['email']);
    if (!contact)
      throw new ApiError(404, 'not_found', `No contact ${String(req.params.id)} in this portal`);
    const email = contact.email?.toLowerCase();
    const now = new Date(clock()).toISOString();
    const answers = email ? await deps.store.answersForRespondent(email, 20) : [];
    const ratings = await deps.store.ratingsForInteractions(
      answers.map((a) => a.interactionId).filter((id): id is string => Boolean(id)),
    );
    const callbacks = email
      ? (await deps.store.listCallbacks({ now, limit: 1000 })).filter(
          (c) => c.respondentEmail === email && linkOf(c, 'hubspot') !== undefined,
        )
      : [];
    res.json({
      contact: { id: String(req.params.id), email: email ?? null },
      answers: answers.map(({ employeeEmail: _employee, ...answer }) => answer),
      ratings: ratings.map((r) => ({
        interactionId: r.interactionId,
        rating: r.rating,
        ratedAt: r.ratedAt,
      })),
      openCallbacks: callbacks.map((c) => callbackView(c, now)),
    });
  });

  router.post('/callbacks/:id', async (req, res) => {
    const parsed = callbackOutcomeSchema.safeParse(body(req));
    if (!parsed.success)
      throw new ApiError(
        400,
        'validation_failed',
        'The outcome is not valid',
        toFieldIssues(parsed.error),
      );
    const now = new Date(clock()).toISOString();
    const outcome = parsed.data;
    // Who logged it, from the signed query (`hubspot.fetch` adds the user): the other CRM is told.
    const by = typeof req.query.userEmail === 'string' ? req.query.userEmail : undefined;
    const seen: { callback?: StoredCallback } = {};
    // Decided and saved on the callback as stored at the moment of the write (compare-and-set).
    const updated = await deps.store.updateCallback(
      String(req.params.id),
      (callback) => {
        if (!linkOf(callback, 'hubspot')) return undefined;
        seen.callback = callback;
        const already =
          callback.status === outcome.status &&
          (['outcome', 'rootCause', 'notes', 'followUpAction'] as const).every(
            (f) => outcome[f] === undefined || outcome[f] === callback[f],
          );
        if (already) return undefined; // HubSpot's retry of a request that went through
        const result = nextCallbackState(callback, outcome, now);
        if (!result.ok)
          throw new ApiError(409, 'invalid_transition', result.reason, [
            { path: 'status', message: result.reason },
          ]);
        return {
          ...callback,
          ...result.callback,
          loggedIn: { via: 'hubspot' as const, ...(by && { by }), at: now },
        };
      },
      { enqueueAt: clock() },
    );
    if (!seen.callback)
      throw new ApiError(404, 'not_found', `No HubSpot callback ${String(req.params.id)}`);
    if (updated) deps.onQueued?.();
    res.json(callbackView(updated ?? seen.callback, now));
  });

  router.post('/ratings', async (req, res) => {
    const parsed = ratingSchema.safeParse(body(req));
    if (!parsed.success)
      throw new ApiError(
        400,
        'validation_failed',
        'The rating is not valid',
        toFieldIssues(parsed.error),
      );
    const result = await deps.store.ingestRatings(
      [{ ...parsed.data, source: parsed.data.source === 'api' ? 'hubspot' : parsed.data.source }],
      deps.crms,
      clock(),
    );
    deps.onQueued?.();
    res.status(202).json(result);
  });

  router.get('/settings', async (_req, res) => {
    const settings = await currentSettings(deps.store);
    // The page edits what is in force: the shipped journey and bands until an admin saves theirs.
    res.json({
      ...settings,
      touchpoints: settings.touchpoints ?? DEFAULT_TOUCHPOINTS,
      dissonance: settings.dissonance ?? DEFAULT_DISSONANCE_SETTINGS,
      escalation: settings.escalation ?? { teams: [] },
    });
  });

  // The owners and teams the page names escalation owners among (HubSpot has no manager hierarchy).
  router.get('/owners', async (_req, res) => {
    res.json(ownersAndTeams(await hubspot().settings.ownersWithTeams()));
  });

  router.get('/settings/health', async (_req, res) => {
    res.json(await healthView(deps.store, deps.crms, clock()));
  });

  router.put('/settings', async (req, res) => {
    const parsed = serverSettingsSchema.safeParse(body(req));
    if (!parsed.success)
      throw new ApiError(
        400,
        'validation_failed',
        'The settings are not valid',
        toFieldIssues(parsed.error),
      );
    const escalation = parsed.data.escalation;
    const unknown =
      escalation && (escalation.defaultOwnerId || escalation.teams.length > 0)
        ? unknownEscalationOwners(parsed.data, await hubspot().settings.ownersWithTeams())
        : [];
    if (unknown.length > 0)
      throw new ApiError(400, 'validation_failed', 'The settings are not valid', unknown);
    await deps.store.setSetting(SETTINGS, parsed.data, clock());
    deps.logger.info(
      {
        rules: parsed.data.rules.length,
        businessHours: Boolean(parsed.data.businessHours),
        touchpoints: parsed.data.touchpoints?.length,
        escalationTeams: parsed.data.escalation?.teams.length,
      },
      'settings saved from the HubSpot settings page',
    );
    res.json(parsed.data);
  });
  return router;
}
