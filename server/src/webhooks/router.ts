import express, { type Request, type Response } from 'express';
import {
  answerSchema,
  answersBodySchema,
  toFieldIssues,
  type Answer,
  type FieldIssue,
} from '@boucle/shared/schemas';
import type { Logger } from 'pino';
import type { WebhooksConfig } from '../config/config.ts';
import { ConfigError } from '../config/config.ts';
import { eraseCrmContact } from '../erasure/requests.ts';
import { ApiError } from '../errors.ts';
import { isBatch, refuseDatedAhead } from '../http/datedAhead.ts';
import type { Crm, Store } from '../store/store.ts';
import {
  verifyHubSpotV3,
  verifyStandardWebhook,
  verifySurveyMonkey,
  verifyToken,
  verifyTypeform,
  type Verdict,
} from './signatures.ts';
import { VENDOR_ID } from './fetcher.ts';
import { hubspotEventSchema } from './hubspotEvents.ts';
import {
  typeformAnswer,
  typeformMappingSchema,
  typeformPayloadSchema,
  type TypeformMapping,
} from './typeform.ts';

export const WEBHOOK_SOURCES = [
  'typeform',
  'surveymonkey',
  'qualtrics',
  'hubspot',
  'generic',
] as const;

export interface WebhookDeps {
  readonly store: Store;
  readonly crms: readonly Crm[];
  readonly config: WebhooksConfig;
  readonly logger: Logger;
  readonly clock?: () => number;
  readonly onQueued?: () => void;
  /** Called after a response was queued for fetching from its survey tool. */
  readonly onFetchQueued?: () => void;
  /**
   * Whether the app trusts a proxy's `X-Forwarded-For` (BOUCLE_TRUST_PROXY), so `req.ip` is the
   * real client; otherwise it may be a proxy's address that every sender shares.
   */
  readonly proxyTrusted?: boolean;
  /** Erasures (a HubSpot privacy deletion is one): `BOUCLE_ERASURE_KEEP_STATISTICS`; default off. */
  readonly erasureKeepStatistics?: boolean;
}

const header = (req: Request, name: string) => {
  const value = req.get(name);
  return value === undefined || value === '' ? undefined : value;
};

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new ApiError(
      400,
      'invalid_json',
      `The body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/** Requests counted over a one-minute window, per key (a source, or a client address). */
class MinuteWindows {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly limit: number) {}

  /** Seconds until the key may send again once over its limit; undefined while within it. */
  blocked(key: string, now: number): number | undefined {
    const window = this.windows.get(key);
    if (!window || now - window.start >= 60_000 || window.count < this.limit) return undefined;
    return Math.ceil((window.start + 60_000 - now) / 1000);
  }

  /** Whether the key sent a request within its current window. */
  seen(key: string, now: number): boolean {
    const window = this.windows.get(key);
    return window !== undefined && now - window.start < 60_000;
  }

  /** Counts one request; returns the seconds to wait when it is over the limit. */
  spend(key: string, now: number): number | undefined {
    const window = this.windows.get(key);
    if (!window || now - window.start >= 60_000) {
      if (this.windows.size >= 10_000)
        for (const [other, w] of this.windows)
          if (now - w.start >= 60_000) this.windows.delete(other);
      this.windows.set(key, { start: now, count: 1 });
      return undefined;
    }
    window.count++;
    return window.count > this.limit ? Math.ceil((window.start + 60_000 - now) / 1000) : undefined;
  }
}

const rateLimited = (message: string, retryAfter: number) =>
  new ApiError(429, 'rate_limited', `${message}; retry after ${retryAfter} s`, [], {
    'Retry-After': String(retryAfter),
  });

/**
 * `POST /webhooks/{source}`: survey tools' deliveries. Each has its signature checked on the raw
 * bytes before anything parses it (verified deliveries count against their source's rate, refused
 * ones against their client address's), is turned into answers, stored and queued (the CRM sync
 * happens later), and answered within a second. A delivery seen before
 * answers 200 with `duplicate: true`.
 */
export function webhookRouter(deps: WebhookDeps): express.Router {
  const clock = deps.clock ?? Date.now;
  const mappings = new Map<string, TypeformMapping>();
  for (const [form, mapping] of Object.entries(deps.config.typeform?.mappings ?? {})) {
    const parsed = typeformMappingSchema.safeParse(mapping);
    if (!parsed.success)
      throw new ConfigError(
        `TYPEFORM_FORM_MAPPINGS: form ${form}: ${toFieldIssues(parsed.error)
          .map((i) => `${i.path} ${i.message}`)
          .join('; ')}`,
      );
    mappings.set(form, parsed.data);
  }
  // A source's budget is spent by verified deliveries only, so that unsigned traffic cannot use
  // up a genuine sender's; refused requests are counted per client address, and a client over
  // its budget is turned away before its body is read.
  const verified = new MinuteWindows(deps.config.ratePerMinute);
  const refused = new MinuteWindows(deps.config.ratePerMinute);
  // With no trusted proxy, `req.ip` may be a proxy's address that every sender shares, genuine
  // ones included: an address that delivered a verified request within the minute is then never
  // turned away at the door, so a forger behind the same proxy cannot lock a genuine sender out.
  // With a trusted proxy `req.ip` is the real client and refusals count per client, no exemption.
  const deliveredFrom = new MinuteWindows(Number.MAX_SAFE_INTEGER);
  const exempt = (req: Request, now: number) =>
    !deps.proxyTrusted && deliveredFrom.seen(client(req), now);
  const client = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';
  const denied = (req: Request, verdict: Verdict): void => {
    const source = String(req.params.source);
    const now = clock();
    if (!verdict.ok) {
      refused.spend(client(req), now);
      throw new ApiError(401, 'invalid_signature', verdict.reason);
    }
    deliveredFrom.spend(client(req), now);
    const wait = verified.spend(source, now);
    if (wait !== undefined)
      throw rateLimited(
        `More than ${deps.config.ratePerMinute} deliveries a minute from ${source}`,
        wait,
      );
  };
  const router = express.Router();

  // SurveyMonkey checks the URL with a HEAD request when the webhook is registered.
  router.head('/surveymonkey', (_req, res) => void res.status(200).end());

  router.post('/:source', (req, res, next) => {
    const source = String(req.params.source);
    if (!(WEBHOOK_SOURCES as readonly string[]).includes(source))
      return next(
        new ApiError(
          404,
          'unknown_source',
          `Unknown webhook source "${source}": one of ${WEBHOOK_SOURCES.join(', ')}`,
        ),
      );
    const wait = refused.blocked(client(req), clock());
    if (wait !== undefined && !exempt(req, clock()))
      return next(
        rateLimited(
          `More than ${deps.config.ratePerMinute} refused requests a minute from ${client(req)}`,
          wait,
        ),
      );
    next();
  });
  router.post('/:source', express.raw({ type: () => true, limit: '1mb' }));

  /** A provider's id as stored: single-line text (PostgreSQL refuses NUL; logs want no newline). */
  const plainId = (value: string, path: string): string => {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value))
      throw new ApiError(400, 'validation_failed', `${path} must not contain control characters`, [
        { path, message: 'must not contain control characters' },
      ]);
    return value;
  };

  const ingest = async (res: Response, source: string, deliveryId: string, answers: Answer[]) => {
    plainId(deliveryId, 'delivery id');
    // Store first (idempotent by answer id), then remember the delivery: a crash between the two
    // leaves a retry that stores nothing twice, never a retry wrongly skipped.
    const result = await deps.store.ingestAnswers(answers, deps.crms, clock());
    const firstDelivery = await deps.store.recordDelivery(source, deliveryId, clock());
    // A delivery seen before that brought nothing new is a replay: 200, as the contract says.
    if (!firstDelivery && result.accepted === 0)
      return void res.status(200).json({ duplicate: true });
    deps.onQueued?.();
    deps.logger.info(
      { source, accepted: result.accepted, duplicates: result.duplicates },
      'webhook delivery stored',
    );
    res.status(202).json(result);
  };

  router.post('/:source', async (req, res) => {
    const source = String(req.params.source);
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (source === 'generic') {
      const secrets = deps.config.generic?.secrets;
      if (!secrets)
        throw new ApiError(
          404,
          'not_configured',
          'The generic webhook is off: set BOUCLE_WEBHOOK_SECRET',
        );
      denied(
        req,
        verifyStandardWebhook(
          {
            raw,
            id: header(req, 'webhook-id'),
            timestamp: header(req, 'webhook-timestamp'),
            signature: header(req, 'webhook-signature'),
          },
          secrets,
          clock(),
        ),
      );
      const body = parseJson(raw);
      const withSource = (item: unknown) =>
        item && typeof item === 'object' && !Array.isArray(item) && !('source' in item)
          ? { ...item, source: 'generic' }
          : item;
      const normalized =
        body &&
        typeof body === 'object' &&
        'answers' in body &&
        Array.isArray((body as { answers: unknown }).answers)
          ? { ...body, answers: (body as { answers: unknown[] }).answers.map(withSource) }
          : withSource(body);
      const parsed = answersBodySchema.safeParse(normalized);
      if (!parsed.success)
        throw new ApiError(
          400,
          'validation_failed',
          'The delivery is not an answer of the API',
          toFieldIssues(parsed.error),
        );
      refuseDatedAhead(
        parsed.data,
        'answeredAt',
        clock(),
        isBatch(normalized, 'answers') ? 'answers' : undefined,
      );
      return ingest(res, source, String(header(req, 'webhook-id')), parsed.data);
    }
    if (source === 'typeform') {
      const secrets = deps.config.typeform?.secrets;
      if (!secrets)
        throw new ApiError(
          404,
          'not_configured',
          'The Typeform webhook is off: set TYPEFORM_SECRET',
        );
      denied(req, verifyTypeform(raw, header(req, 'typeform-signature'), secrets));
      const payload = typeformPayloadSchema.safeParse(parseJson(raw));
      if (!payload.success)
        throw new ApiError(
          400,
          'validation_failed',
          'The delivery is not a Typeform form_response',
          toFieldIssues(payload.error),
        );
      const answer = answerSchema.safeParse(
        typeformAnswer(payload.data, mappings.get(payload.data.form_response.form_id)),
      );
      if (!answer.success) {
        throw new ApiError(
          422,
          'unmappable',
          `Form ${payload.data.form_response.form_id}: the response does not map to an answer; set TYPEFORM_FORM_MAPPINGS`,
          toFieldIssues(answer.error),
        );
      }
      return ingest(res, source, payload.data.event_id, [answer.data]);
    }
    if (source === 'hubspot') {
      const secrets = deps.config.hubspot?.secrets;
      if (!secrets)
        throw new ApiError(
          404,
          'not_configured',
          'The HubSpot webhook is off: set HUBSPOT_CLIENT_SECRET',
        );
      // HubSpot signs the URL it called: behind a proxy, the forwarded scheme and host.
      const url = `${header(req, 'x-forwarded-proto') ?? req.protocol}://${header(req, 'x-forwarded-host') ?? req.get('host')}${req.originalUrl}`;
      denied(
        req,
        verifyHubSpotV3(
          {
            method: req.method,
            url,
            raw,
            timestamp: header(req, 'x-hubspot-request-timestamp'),
            signature: header(req, 'x-hubspot-signature-v3'),
          },
          secrets,
          clock(),
        ),
      );
      const events = parseJson(raw);
      if (!Array.isArray(events) || events.length > 100) {
        throw new ApiError(
          400,
          'validation_failed',
          'The delivery is not an array of at most 100 HubSpot events',
          [{ path: '(root)', message: 'must be an array of at most 100 events' }],
        );
      }
      // Each event stands alone: a malformed one is refused with its reason (HubSpot retrying the
      // delivery could not mend it), the others are handled.
      let erased = 0;
      let received = 0;
      const erasures = new Set<string>();
      const rejected: { index: number; issues: FieldIssue[] }[] = [];
      for (const [index, item] of events.entries()) {
        const parsed = hubspotEventSchema.safeParse(item);
        if (!parsed.success) {
          rejected.push({
            index,
            issues: toFieldIssues(parsed.error).map((issue) => ({
              ...issue,
              path: `${index}.${issue.path}`,
            })),
          });
          continue;
        }
        const event = parsed.data;
        // Erase before remembering the event, as `ingest` stores before it remembers: an erasure
        // that fails is then done on HubSpot's retry, not skipped as already seen. Erasing again
        // on a replay is harmless: the same person is the same erasure. It goes the way of every
        // erasure (`erasure/requests.ts`): the store at once, both CRMs through the queue.
        const { ids, answers } =
          event.subscriptionType === 'contact.privacyDeletion' && event.objectId !== undefined
            ? await eraseCrmContact(
                {
                  store: deps.store,
                  crms: deps.crms,
                  keepStatistics: deps.erasureKeepStatistics ?? false,
                  clock,
                  ...(deps.onQueued && { onQueued: deps.onQueued }),
                },
                'hubspot',
                String(event.objectId),
              )
            : { ids: [], answers: 0 };
        for (const id of ids) erasures.add(id);
        const erasedNow = answers;
        if (!(await deps.store.recordDelivery('hubspot', String(event.eventId), clock()))) continue;
        received++;
        erased += erasedNow;
      }
      if (rejected.length > 0)
        deps.logger.warn(
          { source, rejected: rejected.map((r) => r.issues.map((i) => i.path).join(', ')) },
          'HubSpot events refused: not the documented shape',
        );
      // No personal data in the log line: counts only.
      deps.logger.info({ source, received, erased }, 'HubSpot events handled');
      return void res.status(200).json({
        received,
        erased,
        ...(erasures.size > 0 && { erasures: [...erasures] }),
        ...(rejected.length > 0 && { rejected }),
      });
    }
    if (source === 'surveymonkey' || source === 'qualtrics') {
      let deliveryId: string;
      let ref: string;
      if (source === 'surveymonkey') {
        const credentials = deps.config.surveymonkey?.credentials;
        if (!credentials)
          throw new ApiError(
            404,
            'not_configured',
            'The SurveyMonkey webhook is off: set SURVEYMONKEY_CLIENT_ID and SURVEYMONKEY_CLIENT_SECRET',
          );
        denied(
          req,
          verifySurveyMonkey(
            raw,
            header(req, 'sm-signature'),
            header(req, 'sm-apikey'),
            credentials,
          ),
        );
        const event = parseJson(raw) as {
          event_id?: unknown;
          event_type?: unknown;
          object_id?: unknown;
          resources?: { survey_id?: unknown };
        };
        const issues = [
          ...(typeof event?.event_id === 'string'
            ? []
            : [{ path: 'event_id', message: 'must be a string' }]),
          // Both ids go into SurveyMonkey API paths: plain id characters only.
          ...(typeof event?.object_id === 'string' && VENDOR_ID.test(event.object_id)
            ? []
            : [
                {
                  path: 'object_id',
                  message: 'must be a SurveyMonkey id (letters, digits, - or _)',
                },
              ]),
          ...(typeof event?.resources?.survey_id === 'string' &&
          VENDOR_ID.test(event.resources.survey_id)
            ? []
            : [
                {
                  path: 'resources.survey_id',
                  message: 'must be a SurveyMonkey id (letters, digits, - or _)',
                },
              ]),
        ];
        if (issues.length > 0)
          throw new ApiError(
            400,
            'validation_failed',
            'The delivery is not a SurveyMonkey event',
            issues,
          );
        if (event.event_type !== 'response_completed')
          return void res.status(200).json({ ignored: `event ${String(event.event_type)}` });
        deliveryId = plainId(event.event_id as string, 'event_id');
        ref = `surveymonkey:${plainId(String(event.resources?.survey_id), 'resources.survey_id')}:${plainId(String(event.object_id), 'object_id')}`;
      } else {
        const tokens = deps.config.qualtrics?.tokens;
        if (!tokens)
          throw new ApiError(
            404,
            'not_configured',
            'The Qualtrics webhook is off: set QUALTRICS_WEBHOOK_TOKEN',
          );
        denied(
          req,
          verifyToken(typeof req.query.token === 'string' ? req.query.token : undefined, tokens),
        );
        const form = new URLSearchParams(raw.toString('utf8'));
        const surveyId = form.get('SurveyID');
        const responseId = form.get('ResponseID');
        const issues = [
          ...(surveyId && /^SV_\w+$/.test(surveyId)
            ? []
            : [{ path: 'SurveyID', message: 'must be a survey id such as SV_0Ab1Cd2Ef3Gh4Ij' }]),
          ...(responseId && /^R_\w+$/.test(responseId)
            ? []
            : [{ path: 'ResponseID', message: 'must be a response id such as R_1a2B3c4D5e6F7g8' }]),
        ];
        if (issues.length > 0)
          throw new ApiError(
            400,
            'validation_failed',
            'The delivery is not a Qualtrics completedResponse notification',
            issues,
          );
        deliveryId = responseId as string;
        ref = `qualtrics:${surveyId}:${responseId}`;
      }
      if (!(await deps.store.recordDelivery(source, deliveryId, clock())))
        return void res.status(200).json({ duplicate: true });
      await deps.store.enqueue('fetch', 'answer', [ref], clock());
      deps.onFetchQueued?.();
      return void res.status(202).json({ queued: 1 });
    }
    throw new ApiError(404, 'not_supported_yet', `Deliveries from ${source} are not supported yet`);
  });
  return router;
}
