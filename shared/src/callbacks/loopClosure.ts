import { classifyNps, type Metric } from '../nps/metrics.ts';
import { parseInstant } from '../nps/groups.ts';
import type { Callback } from '../schemas/callback.ts';
import { slaStatus } from './sla.ts';

/** What loop-closure metrics need of a callback. */
export type LoopCallback = Pick<
  Callback,
  | 'kind'
  | 'status'
  | 'createdAt'
  | 'dueAt'
  | 'slaHours'
  | 'firstContactAt'
  | 'reachedAt'
  | 'closedAt'
  | 'respondentEmail'
>;

/** An answer given by a respondent, to find whether a detractor came back happier. */
export interface RespondentAnswer {
  readonly respondentEmail: string;
  readonly metric: Metric;
  readonly score: number;
  readonly answeredAt: string;
}

/** How well the loop is closed over a set of callbacks. */
export interface LoopClosureMetrics {
  readonly total: number;
  /** Callbacks resolved or closed without contact. */
  readonly closed: number;
  /** Callbacks whose customer was reached (or that were closed) by the due time. */
  readonly withinSla: number;
  /** Callbacks reached or closed late, or still open past their due time. */
  readonly outsideSla: number;
  /** withinSla / (withinSla + outsideSla); callbacks still running on time are not yet judged. */
  readonly withinSlaShare: number | null;
  /** Median hours from creation to the first contact attempt. */
  readonly medianHoursToFirstContact: number | null;
  /** Detractor-recovery callbacks whose respondent answered an NPS survey again afterwards. */
  readonly detractorsResurveyed: number;
  /** Of those, how many are no longer detractors in their next answer. */
  readonly detractorsRecovered: number;
  /** detractorsRecovered / detractorsResurveyed. */
  readonly recoveryShare: number | null;
}

const HOUR_MS = 3_600_000;

/**
 * The median of a list of numbers, `null` when empty.
 * @param values the numbers
 */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Loop-closure metrics of a set of callbacks at `now`.
 * @param callbacks the callbacks
 * @param answers NPS answers of the respondents, to measure whether detractors recovered: the first
 *   NPS answer a respondent gave after the callback was created is their "later answer"
 * @param now ISO 8601 instant
 */
export function loopClosureMetrics(
  callbacks: readonly LoopCallback[],
  answers: readonly RespondentAnswer[],
  now: string,
): LoopClosureMetrics {
  let closed = 0;
  let withinSla = 0;
  let outsideSla = 0;
  const firstContactHours: number[] = [];
  for (const callback of callbacks) {
    if (callback.status === 'resolved' || callback.status === 'closed_no_contact') closed++;
    const status = slaStatus(callback, now);
    if (status === 'met') withinSla++;
    else if (status === 'missed' || status === 'overdue') outsideSla++;
    if (callback.firstContactAt) {
      firstContactHours.push(
        (parseInstant(callback.firstContactAt, 'firstContactAt') -
          parseInstant(callback.createdAt, 'createdAt')) /
          HOUR_MS,
      );
    }
  }

  const npsByRespondent = new Map<string, { at: number; score: number }[]>();
  for (const answer of answers) {
    if (answer.metric !== 'nps') continue;
    const key = answer.respondentEmail.toLowerCase();
    const list = npsByRespondent.get(key) ?? [];
    list.push({ at: parseInstant(answer.answeredAt, 'answeredAt'), score: answer.score });
    npsByRespondent.set(key, list);
  }
  let detractorsResurveyed = 0;
  let detractorsRecovered = 0;
  for (const callback of callbacks) {
    if (callback.kind !== 'detractor_recovery' || !callback.respondentEmail) continue;
    const created = parseInstant(callback.createdAt, 'createdAt');
    const later = (npsByRespondent.get(callback.respondentEmail.toLowerCase()) ?? [])
      .filter((answer) => answer.at > created)
      .sort((a, b) => a.at - b.at)[0];
    if (!later) continue;
    detractorsResurveyed++;
    if (classifyNps(later.score) !== 'detractor') detractorsRecovered++;
  }

  const judged = withinSla + outsideSla;
  return {
    total: callbacks.length,
    closed,
    withinSla,
    outsideSla,
    withinSlaShare: judged === 0 ? null : withinSla / judged,
    medianHoursToFirstContact: median(firstContactHours),
    detractorsResurveyed,
    detractorsRecovered,
    recoveryShare: detractorsResurveyed === 0 ? null : detractorsRecovered / detractorsResurveyed,
  };
}
