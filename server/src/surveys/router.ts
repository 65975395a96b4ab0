import { toFieldIssues } from '@boucle/shared/schemas';
import express from 'express';
import { z } from 'zod';
import { ApiError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { Surveys } from './index.ts';
import {
  flaggedAnswers,
  recoveryCounts,
  SURVEY_REQUEST_ORIGINS,
  SURVEY_REQUEST_STATUSES,
  type SurveyRequest,
} from './records.ts';

export interface SurveyRouterDeps {
  readonly store: Store;
  readonly surveys: Surveys;
  readonly clock?: () => number;
}

const email = z.email({ error: 'must be an email address' }).max(320);
const accountKey = z
  .string({ error: 'must be a text' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(200, { error: 'must be at most 200 characters' });
const touchpoint = z
  .string({ error: 'must be a text' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(200, { error: 'must be at most 200 characters' });

export const surveyPermissionQuerySchema = z
  .object({
    email: email.optional(),
    account: accountKey.optional(),
    touchpoint: touchpoint.optional(),
  })
  .superRefine((query, ctx) => {
    // Only when both are absent: a bad one is named by its own issue.
    if (query.email === undefined && query.account === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['email'],
        message:
          'give email or account (the contact or the account to be surveyed): neither was given',
      });
  });

/**
 * `POST /v1/survey-requests`. Keys other than these are ignored rather than refused: a HubSpot
 * workflow or a Flow may send more than Boucle reads.
 */
export const surveyRequestBodySchema = z.object({
  email,
  touchpoint,
  reason: z
    .string({ error: 'must be a text' })
    .trim()
    .max(1000, { error: 'must be at most 1,000 characters' })
    .optional(),
  account: accountKey.optional(),
  id: z
    .string({ error: 'must be a text' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(200, { error: 'must be at most 200 characters' })
    .optional(),
});

export const surveyRequestsQuerySchema = z.object({
  status: z
    .enum(SURVEY_REQUEST_STATUSES, {
      error: `must be one of ${SURVEY_REQUEST_STATUSES.join(', ')}`,
    })
    .optional(),
  origin: z
    .enum(SURVEY_REQUEST_ORIGINS, { error: `must be one of ${SURVEY_REQUEST_ORIGINS.join(', ')}` })
    .optional(),
  email: email.optional(),
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 500' })
    .int({ error: 'must be a whole number from 1 to 500' })
    .min(1, { error: 'must be a whole number from 1 to 500' })
    .max(500, { error: 'must be a whole number from 1 to 500' })
    .default(100),
  cursor: z
    .string()
    .transform((text, ctx) => {
      const [at, ...id] = Buffer.from(text, 'base64url').toString('utf8').split('.');
      if (!/^\d+$/.test(at ?? '') || id.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'must be the next cursor of a previous page' });
        return z.NEVER;
      }
      return { createdAt: Number(at), id: id.join('.') };
    })
    .optional(),
});

/**
 * The body, with `touchpoint`, `reason` and `account` taken from the query string where it has
 * none: a HubSpot workflow's webhook sends contact properties in its body, and fixed values most
 * simply as query parameters of its URL (`…/v1/survey-requests?touchpoint=after-sale`).
 */
function withQueryDefaults(body: unknown, query: Record<string, unknown>): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const defaults = Object.fromEntries(
    (['touchpoint', 'reason', 'account'] as const).flatMap((key) =>
      typeof query[key] === 'string' ? [[key, query[key]]] : [],
    ),
  );
  return { ...defaults, ...body };
}

const cursorOf = (next: { createdAt: number; id: string }) =>
  Buffer.from(`${next.createdAt}.${next.id}`).toString('base64url');

function validation(error: z.ZodError, input?: unknown): ApiError {
  const issues = toFieldIssues(error, input);
  return new ApiError(
    400,
    'validation_failed',
    issues.map((i) => `${i.path}: ${i.message}`).join('; '),
    issues,
  );
}

/** The request as the API shows it. */
const view = (request: SurveyRequest) => request;

/**
 * The survey-pressure routes under `/v1` (mounted after its API key check and JSON parser):
 * the permission a survey tool asks before each send, survey requests from automations and the
 * follow-ups Boucle schedules, and the answers flagged beyond the caps.
 */
export function surveyRouter(deps: SurveyRouterDeps): express.Router {
  const clock = deps.clock ?? Date.now;
  const { surveys } = deps;
  const router = express.Router();

  router.get('/survey-permission', async (req, res) => {
    const parsed = surveyPermissionQuerySchema.safeParse(req.query);
    if (!parsed.success) throw validation(parsed.error);
    const { email: who, account } = parsed.data;
    const permission = await surveys.pressure.permission(
      { ...(who && { email: who }), ...(account && { accountKey: account }) },
      clock(),
    );
    res.json(permission);
  });

  // 201 when allowed (stored and announced); 200 with allowed false when the caps refuse it (a
  // decision, not an error: a Flow or a workflow branches on `allowed` instead of failing); 200
  // with the request stored first when its `id` was sent before.
  router.post('/survey-requests', async (req, res) => {
    const body = withQueryDefaults(req.body, req.query);
    const parsed = surveyRequestBodySchema.safeParse(body);
    if (!parsed.success) throw validation(parsed.error, body);
    const { request, duplicate, permission } = await surveys.requests.request(parsed.data, clock());
    res.status(permission.allowed && !duplicate ? 201 : 200).json({
      ...permission,
      duplicate,
      request: view(request),
    });
  });

  router.get('/survey-requests', async (req, res) => {
    const parsed = surveyRequestsQuerySchema.safeParse(req.query);
    if (!parsed.success) throw validation(parsed.error);
    const { status, origin, email: who, limit, cursor } = parsed.data;
    const page = await surveys.requests.list({
      ...(status && { status }),
      ...(origin && { origin }),
      ...(who && { email: who.toLowerCase() }),
      ...(cursor && { cursor }),
      limit,
    });
    res.json({
      requests: page.requests.map(view),
      next: page.next ? cursorOf(page.next) : null,
      // The follow-ups' outcome over all of them, not the page: detractors recovered.
      ...(origin === 'follow-up' && { recovery: await recoveryCounts(deps.store.dialect) }),
    });
  });

  router.get('/survey-requests/:id', async (req, res) => {
    const request = await surveys.requests.get(String(req.params.id));
    if (!request)
      throw new ApiError(404, 'not_found', `No survey request ${String(req.params.id)}`);
    res.json(view(request));
  });

  // The answers kept beyond the caps; any other status is the main router's.
  router.get('/answers', async (req, res, next) => {
    if (req.query.status !== 'flagged') return next();
    const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new ApiError(400, 'validation_failed', 'limit must be a whole number from 1 to 1000', [
        { path: 'limit', message: 'must be a whole number from 1 to 1000' },
      ]);
    const flagged = await flaggedAnswers(deps.store.dialect, limit);
    const answers = await deps.store.getAnswers(flagged.map((f) => f.ref));
    res.json({
      answers: flagged.flatMap((f) => {
        const answer = answers.get(f.ref);
        return answer ? [{ answer, pressure: { flagged: true, reasons: f.reasons } }] : [];
      }),
    });
  });

  return router;
}
