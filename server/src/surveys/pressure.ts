import { decideSurveyPressure, type PressureReason, type SurveyEvent } from '@boucle/shared';
import type { Answer, SurveyPressureSettings } from '@boucle/shared/schemas';
import { accountKeysOf, type Store } from '../store/store.ts';
import {
  type AnswerVerdict,
  getVerdict,
  keepVerdict,
  requestAnswered,
  type SentSurvey,
  sentSurveys,
} from './records.ts';

const DAY_MS = 86_400_000;

/**
 * How long after a request an answer from the same contact is taken as its answer: the request
 * and the answer are then one survey, not two.
 */
export const ANSWER_FOLLOWS_REQUEST_MS = 30 * DAY_MS;

/** Stands for "no contact" when a permission names an account alone: matches no e-mail. */
const NO_CONTACT = '\u0000account-only';

/** The answer of `GET /v1/survey-permission`. */
export interface Permission {
  readonly allowed: boolean;
  /** Why not (the first reason, in words); null when allowed. */
  readonly reason: string | null;
  readonly reasons: readonly PressureReason[];
  /** From when every cap allows a survey; null when allowed now. */
  readonly nextAllowedAt: string | null;
}

/** Who a permission is about: a contact (by e-mail), an account, or both. */
export interface Surveyed {
  readonly email?: string;
  readonly accountKey?: string;
}

/** The account key of an e-mail when none is given: its domain, as answers are filed. */
export const accountOfEmail = (email: string) => email.split('@')[1]?.toLowerCase();

/**
 * The days of history a decision needs: the longest window or gap among the caps in force.
 * Quiet periods need none.
 */
function lookbackDays(caps: SurveyPressureSettings): number {
  return Math.max(
    caps.contactMinDays,
    caps.contactMaxSurveys === undefined ? 0 : caps.contactWindowDays,
    caps.accountMinDays,
    caps.accountMaxSurveys === undefined ? 0 : caps.accountWindowDays,
  );
}

/**
 * The surveys as events of the shared decision, each once: a request announced and the answer
 * that followed it (same contact, within `ANSWER_FOLLOWS_REQUEST_MS`) are one survey, the answer.
 */
export function surveyEvents(sent: readonly SentSurvey[]): SurveyEvent[] {
  const answers = sent.filter((s) => s.kind === 'answer');
  return sent
    .filter(
      (s) =>
        s.kind === 'answer' ||
        !answers.some((a) => {
          const gap = Date.parse(a.at) - Date.parse(s.at);
          return a.email === s.email && gap >= 0 && gap <= ANSWER_FOLLOWS_REQUEST_MS;
        }),
    )
    .map((s) => ({ contactKey: s.email ?? NO_CONTACT, accountKey: s.accountKey, sentAt: s.at }));
}

/**
 * Survey pressure in force: whether a contact or an account may be surveyed now (asked before
 * each send), and each answer's verdict (an answer beyond the caps is kept, flagged, and raises
 * no callback). The caps are the settings saved (HubSpot settings page, Salesforce metadata);
 * none apply until they are saved with `enabled: true`, so that neither an upgrade nor saving
 * other settings starts muting callbacks unasked.
 */
export class SurveyPressure {
  constructor(
    private readonly store: Store,
    /** The caps saved and enabled, or undefined (no caps). */
    private readonly caps: () => Promise<SurveyPressureSettings | undefined>,
  ) {}

  /** The caps in force, read once per call by callers that decide many answers. */
  settings(): Promise<SurveyPressureSettings | undefined> {
    return this.caps();
  }

  async permission(who: Surveyed, nowMs: number): Promise<Permission> {
    const caps = await this.caps();
    if (!caps)
      return {
        allowed: true,
        reason: null,
        reasons: [],
        nextAllowedAt: null,
      };
    const email = who.email?.toLowerCase();
    const accountKey = (who.accountKey ?? (email && accountOfEmail(email)))?.toLowerCase();
    const now = new Date(nowMs).toISOString();
    const since = new Date(nowMs - lookbackDays(caps) * DAY_MS).toISOString();
    // A survey stamped a little ahead of this clock (another replica's) still counts.
    const until = new Date(nowMs + 1).toISOString();
    const sent = await sentSurveys(
      this.store.dialect,
      { ...(email && { email }), ...(accountKey && { accountKey }) },
      since,
      until,
    );
    const decision = decideSurveyPressure({
      contactKey: email ?? NO_CONTACT,
      accountKey,
      history: surveyEvents(sent),
      caps,
      now,
    });
    if (decision.allowed) return { allowed: true, reason: null, reasons: [], nextAllowedAt: null };
    return {
      allowed: false,
      reason: decision.reasons.map((r) => r.message).join('; '),
      reasons: decision.reasons,
      nextAllowedAt: decision.allowedFrom,
    };
  }

  /**
   * The verdict of an answer under `caps`, decided once and stored (both CRMs' syncs read the
   * same one). An answer that follows a request announced to its contact was allowed when the
   * request was: it links to it. Any other is decided at its answering time against the surveys
   * before it. Without caps (or an e-mail to count by) nothing is flagged, but an answer still
   * links to the request it follows (a follow-up's recovery is measured with or without caps).
   */
  async answerVerdict(
    answer: Answer,
    ref: string,
    caps: SurveyPressureSettings | undefined,
    nowMs: number,
    onFollowed?: (requestId: string) => Promise<void>,
  ): Promise<AnswerVerdict> {
    const { dialect } = this.store;
    const known = await getVerdict(dialect, ref);
    if (known) return known;
    const email = answer.respondent?.email?.toLowerCase();
    if (!email) return { flagged: false, reasons: [] };
    const at = Date.parse(answer.answeredAt);
    const answeredAt = new Date(at).toISOString();
    const request = await requestAnswered(
      dialect,
      email,
      new Date(at - ANSWER_FOLLOWS_REQUEST_MS).toISOString(),
      answeredAt,
    );
    if (request) {
      const verdict = await keepVerdict(
        dialect,
        ref,
        { flagged: false, reasons: [], requestId: request.id },
        nowMs,
      );
      if (verdict.requestId === request.id) await onFollowed?.(request.id);
      return verdict;
    }
    if (!caps) return { flagged: false, reasons: [] };
    const accountKey = accountKeysOf(answer)[0]?.toLowerCase();
    const sent = await sentSurveys(
      dialect,
      { email, ...(accountKey && { accountKey }) },
      new Date(at - lookbackDays(caps) * DAY_MS).toISOString(),
      answeredAt,
    );
    const decision = decideSurveyPressure({
      contactKey: email,
      accountKey,
      history: surveyEvents(sent.filter((s) => s.ref !== `a:${ref}`)),
      caps,
      now: answeredAt,
    });
    return keepVerdict(
      dialect,
      ref,
      decision.allowed
        ? { flagged: false, reasons: [] }
        : { flagged: true, reasons: decision.reasons },
      nowMs,
    );
  }
}
