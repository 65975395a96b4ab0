import { randomBytes } from 'node:crypto';
import { classifyScore } from '@boucle/shared';
import type { Answer } from '@boucle/shared/schemas';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Outbound } from '../outbound/index.ts';
import type { Store, StoredCallback } from '../store/store.ts';
import { accountOfEmail, type Permission, type SurveyPressure } from './pressure.ts';
import {
  dueRequests,
  getRequest,
  insertRequest,
  listRequests,
  saveRequest,
  type SurveyRequest,
  type SurveyRequestOrigin,
  type SurveyRequestStatus,
} from './records.ts';

const DAY_MS = 86_400_000;
/** The follow-up delay when no settings were saved (`followUpDelayDays`). */
export const DEFAULT_FOLLOW_UP_DAYS = 30;
/** How far back the follow-up sweep looks for resolved callbacks (it runs every minute). */
const FOLLOW_UP_LOOKBACK_MS = 7 * DAY_MS;

/** What an automation asks for (`POST /v1/survey-requests`). */
export interface SurveyRequestInput {
  readonly email: string;
  readonly touchpoint: string;
  readonly reason?: string | undefined;
  readonly account?: string | undefined;
  /** The caller's idempotency key: the same id again is the same request. */
  readonly id?: string | undefined;
}

export interface SurveyRequestsOptions {
  readonly store: Store;
  readonly pressure: SurveyPressure;
  readonly outbound: Outbound;
  readonly logger: Logger;
}

/** What the `survey.requested` delivery carries: enough for a survey tool to send the survey. */
function announcement(request: SurveyRequest): Record<string, unknown> {
  return {
    requestId: request.id,
    email: request.email,
    ...(request.accountKey && { account: request.accountKey }),
    ...(request.touchpoint && { touchpoint: request.touchpoint }),
    ...(request.reason && { reason: request.reason }),
    origin: request.origin,
    ...(request.callbackId && { callbackId: request.callbackId }),
    requestedAt: request.requestedAt,
  };
}

const newId = () => `sr_${randomBytes(12).toString('base64url')}`;

/**
 * Survey requests: from automations (`POST /v1/survey-requests`), allowed or refused by the caps
 * when asked; and the follow-ups Boucle schedules after a detractor's callback is resolved, sent
 * when due and the caps allow. Each allowed request is announced once, as a signed
 * `survey.requested` delivery to the survey target; the answer that follows links to it.
 */
export class SurveyRequests {
  constructor(private readonly options: SurveyRequestsOptions) {}

  /**
   * Applies the caps to a request and stores it: `requested` and announced when allowed,
   * `refused` with why and from when otherwise. The same idempotency key returns the request
   * stored first, unchanged.
   */
  async request(
    input: SurveyRequestInput,
    nowMs: number,
  ): Promise<{ request: SurveyRequest; duplicate: boolean; permission: Permission }> {
    const { store, pressure } = this.options;
    const email = input.email.toLowerCase();
    const accountKey = (input.account ?? accountOfEmail(email))?.toLowerCase();
    const permission = await pressure.permission(
      { email, ...(accountKey && { accountKey }) },
      nowMs,
    );
    const now = new Date(nowMs).toISOString();
    const request: SurveyRequest = {
      id: newId(),
      email,
      ...(accountKey && { accountKey }),
      touchpoint: input.touchpoint,
      ...(input.reason && { reason: input.reason }),
      origin: 'api',
      status: permission.allowed ? 'requested' : 'refused',
      dueAt: now,
      ...(permission.allowed
        ? { requestedAt: now }
        : { refusal: permission.reasons, nextAllowedAt: permission.nextAllowedAt ?? now }),
      createdAt: now,
    };
    const stored = await insertRequest(
      store.dialect,
      request,
      input.id && `api:${input.id}`,
      nowMs,
    );
    if (stored.duplicate) {
      const kept = stored.request;
      return {
        ...stored,
        permission: {
          allowed: kept.status !== 'refused',
          reason: kept.refusal?.map((r) => r.message).join('; ') ?? null,
          reasons: kept.refusal ?? [],
          nextAllowedAt: kept.nextAllowedAt ?? null,
        },
      };
    }
    if (!permission.allowed) return { ...stored, permission };
    return { request: await this.announce(request, nowMs), duplicate: false, permission };
  }

  /** Sends `survey.requested` (once per request, by key) and keeps the delivery's id. */
  private async announce(request: SurveyRequest, nowMs: number): Promise<SurveyRequest> {
    const { id } = await this.options.outbound.send(
      {
        target: 'survey',
        type: 'survey.requested',
        key: `survey.requested:${request.id}`,
        data: announcement(request),
      },
      new Date(nowMs),
    );
    const announced = { ...request, deliveryId: id };
    await saveRequest(this.options.store.dialect, announced, nowMs);
    return announced;
  }

  list(filter: {
    status?: SurveyRequestStatus;
    origin?: SurveyRequestOrigin;
    email?: string;
    cursor?: { createdAt: number; id: string };
    limit: number;
  }) {
    return listRequests(this.options.store.dialect, filter);
  }

  get(id: string) {
    return getRequest(this.options.store.dialect, id);
  }

  /**
   * An answer followed this request: it is `answered`, and a follow-up measures the recovery
   * (a detractor who now answers as a passive or a promoter). Idempotent: both CRMs' syncs
   * may report the same answer.
   */
  async followed(requestId: string, answer: Answer, ref: string, nowMs: number): Promise<void> {
    const { dialect } = this.options.store;
    const request = await getRequest(dialect, requestId);
    if (!request || request.status === 'answered') return;
    const to = classifyScore(answer.metric, answer.score);
    await saveRequest(
      dialect,
      {
        ...request,
        status: 'answered',
        answerRef: ref,
        ...(request.fromCategory && {
          recovery: {
            from: request.fromCategory,
            to,
            score: answer.score,
            recovered: request.fromCategory === 'detractor' && to !== 'detractor',
          },
        }),
      },
      nowMs,
    );
  }

  /**
   * Schedules the follow-ups of detractor callbacks resolved in the last `FOLLOW_UP_LOOKBACK_MS`
   * that have none yet, each due `followUpDays` after it closed; one per answer, whichever CRM's
   * callback was resolved (its idempotency key is the answer's). A window rather than a cursor: a
   * callback read back from a CRM may carry a closing time earlier than one seen before it.
   * Returns how many it scheduled.
   */
  async scheduleFollowUps(nowMs: number, followUpDays: number, limit = 500): Promise<number> {
    if (followUpDays <= 0) return 0;
    const resolved = await resolvedWithoutFollowUp(
      this.options.store,
      new Date(nowMs - FOLLOW_UP_LOOKBACK_MS).toISOString(),
      limit,
    );
    let scheduled = 0;
    for (const callback of resolved)
      if (callback.respondentEmail && callback.closedAt)
        if (await this.scheduleFollowUp(callback, followUpDays, nowMs)) scheduled++;
    return scheduled;
  }

  private async scheduleFollowUp(
    callback: StoredCallback,
    followUpDays: number,
    nowMs: number,
  ): Promise<boolean> {
    const email = String(callback.respondentEmail).toLowerCase();
    const answer = (await this.options.store.getAnswers([callback.answerRef])).get(
      callback.answerRef,
    );
    const accountKey = (callback.accountKey ?? accountOfEmail(email))?.toLowerCase();
    const request: SurveyRequest = {
      id: newId(),
      email,
      ...(accountKey && { accountKey }),
      touchpoint: answer?.touchpoint ?? 'follow-up',
      reason: `follow-up after the resolved callback ${callback.id}`,
      origin: 'follow-up',
      status: 'scheduled',
      dueAt: new Date(Date.parse(String(callback.closedAt)) + followUpDays * DAY_MS).toISOString(),
      callbackId: callback.id,
      // Who handled it: the assignee of the CRM that raised it first (one callback, a side per CRM).
      ...(ownerOf(callback) && { owner: ownerOf(callback) }),
      ...(answer && { fromCategory: classifyScore(answer.metric, answer.score) }),
      createdAt: new Date(nowMs).toISOString(),
    };
    const { duplicate } = await insertRequest(
      this.options.store.dialect,
      request,
      `follow-up:${callback.answerRef}`,
      nowMs,
    );
    return !duplicate;
  }

  /**
   * Sends the follow-ups now due that the caps allow; one the caps hold back waits until they
   * allow it (its due time moves there, with why). Returns how many were announced.
   */
  async sendDueFollowUps(nowMs: number, limit = 200): Promise<number> {
    const { store, pressure } = this.options;
    const due = await dueRequests(store.dialect, new Date(nowMs).toISOString(), limit);
    let sent = 0;
    for (const request of due) {
      const permission = await pressure.permission(
        { email: request.email, ...(request.accountKey && { accountKey: request.accountKey }) },
        nowMs,
      );
      if (!permission.allowed) {
        await saveRequest(
          store.dialect,
          {
            ...request,
            refusal: permission.reasons,
            nextAllowedAt: permission.nextAllowedAt ?? request.dueAt,
            dueAt: permission.nextAllowedAt ?? request.dueAt,
          },
          nowMs,
        );
        continue;
      }
      const { refusal: _refusal, nextAllowedAt: _next, ...rest } = request;
      await this.announce(
        { ...rest, status: 'requested', requestedAt: new Date(nowMs).toISOString() },
        nowMs,
      );
      sent++;
    }
    if (sent > 0) this.options.logger.info({ sent }, 'follow-up surveys requested');
    return sent;
  }
}

/** Detractor callbacks resolved since `sinceIso` without a follow-up yet, oldest first. */
async function resolvedWithoutFollowUp(
  store: Store,
  sinceIso: string,
  limit: number,
): Promise<StoredCallback[]> {
  const db = store.dialect.db.withTables<{ survey_requests: { request_key: string | null } }>();
  const rows = await db
    .selectFrom('callbacks')
    .select('id')
    .where('status', '=', 'resolved')
    .where('kind', '=', 'detractor_recovery')
    .where('closed_at', '>=', sinceIso)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('survey_requests')
            .select('request_key')
            .where('request_key', '=', sql<string>`'follow-up:' || callbacks.answer_ref`),
        ),
      ),
    )
    .orderBy('closed_at')
    .limit(limit)
    .execute();
  // Read through the store: a callback comes with its sides (each CRM's assignee).
  const callbacks = await Promise.all(rows.map((row) => store.getCallback(row.id)));
  return callbacks.filter((callback) => callback !== undefined);
}

/** The callback's owner: its assignee, else that of its first side holding one. */
function ownerOf(callback: StoredCallback): string | undefined {
  return callback.assignee ?? callback.links.find((link) => link.assignee)?.assignee;
}
