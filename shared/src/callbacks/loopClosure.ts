import { classifyNps, type Metric } from '../nps/metrics.ts';
import { parseInstant, UNSPECIFIED_KEY } from '../nps/groups.ts';
import type { Callback } from '../schemas/callback.ts';
import { slaStoppedAt } from './sla.ts';

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
  | 'escalatedAt'
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
  /** Callbacks first contacted (an attempt or a reach, whichever came first) by their due time. */
  readonly contactedWithinSla: number;
  /** Callbacks first contacted after their due time, or not contacted and past it. */
  readonly contactedLate: number;
  /**
   * contactedWithinSla / (contactedWithinSla + contactedLate): callbacks not contacted yet and
   * not due yet are not judged.
   */
  readonly withinSlaShare: number | null;
  /** Median hours from creation to the first contact, over the callbacks contacted. */
  readonly medianHoursToFirstContact: number | null;
  /** 90th percentile of the same hours: the slow tail a median hides. */
  readonly p90HoursToFirstContact: number | null;
  /** Callbacks neither reached nor closed, past their due time. */
  readonly overdue: number;
  /** Callbacks escalated (now or earlier) because nobody reached the customer in time. */
  readonly escalated: number;
  /** Detractor-recovery callbacks whose respondent answered an NPS survey again afterwards. */
  readonly detractorsResurveyed: number;
  /** Of those, how many are no longer detractors in their next answer. */
  readonly detractorsRecovered: number;
  /** detractorsRecovered / detractorsResurveyed. */
  readonly recoveryShare: number | null;
}

/** The loop-closure metrics of one group of callbacks (a kind, an owner, a touchpoint...). */
export interface LoopClosureGroup extends LoopClosureMetrics {
  readonly key: string;
}

/** Options of {@link loopClosureBy}. */
export interface LoopClosureOptions {
  /** ISO 8601 instant the metrics are taken at (what is overdue). */
  readonly now: string;
  /** Keep only the callbacks created in (from, to], ISO 8601 instants. */
  readonly window?: { readonly from: string; readonly to: string };
  /** NPS answers of the respondents, to measure recovery (see {@link loopClosureMetrics}). */
  readonly answers?: readonly RespondentAnswer[];
}

const HOUR_MS = 3_600_000;

/**
 * The q-quantile of a list of numbers by linear interpolation between closest ranks (the method
 * of spreadsheets' PERCENTILE.INC and numpy's default), `null` when empty.
 * @param values the numbers
 * @param q the quantile, 0…1
 */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * q;
  const below = Math.floor(rank);
  const lower = sorted[below] as number;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return lower + (upper - lower) * (rank - below);
}

/**
 * The median of a list of numbers, `null` when empty.
 * @param values the numbers
 */
export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}

/** NPS answers of the respondents of detractor callbacks, by e-mail: [at, score, at, score...]. */
type RecoveryIndex = Map<string, number[]>;

/**
 * The NPS answers of the respondents whose detractor callbacks are measured, and only theirs: the
 * answers may be a whole org's, most of them from people nobody called back.
 */
function recoveryIndex(
  answers: readonly RespondentAnswer[],
  callbacks: readonly LoopCallback[],
): RecoveryIndex {
  const index: RecoveryIndex = new Map();
  for (const callback of callbacks) {
    if (callback.kind === 'detractor_recovery' && callback.respondentEmail)
      index.set(callback.respondentEmail.toLowerCase(), []);
  }
  if (index.size === 0) return index;
  for (const answer of answers) {
    if (answer.metric !== 'nps') continue;
    // Most addresses are stored lowercase already: try as given before lowercasing.
    const list =
      index.get(answer.respondentEmail) ?? index.get(answer.respondentEmail.toLowerCase());
    if (list) list.push(parseInstant(answer.answeredAt, 'answeredAt'), answer.score);
  }
  return index;
}

/** The score of a respondent's first NPS answer after `after`, if any. */
function nextScore(answers: readonly number[], after: number): number | undefined {
  let nextAt = Infinity;
  let score: number | undefined;
  for (let i = 0; i < answers.length; i += 2) {
    const at = answers[i] as number;
    if (at > after && at < nextAt) {
      nextAt = at;
      score = answers[i + 1] as number;
    }
  }
  return score;
}

function metricsOf(
  callbacks: readonly LoopCallback[],
  recovery: RecoveryIndex,
  now: string,
): LoopClosureMetrics {
  const nowMs = parseInstant(now, 'now');
  let closed = 0;
  let contactedWithinSla = 0;
  let contactedLate = 0;
  let overdue = 0;
  let escalated = 0;
  let detractorsResurveyed = 0;
  let detractorsRecovered = 0;
  const firstContactHours: number[] = [];
  for (const callback of callbacks) {
    if (callback.status === 'resolved' || callback.status === 'closed_no_contact') closed++;
    if (callback.status === 'escalated' || callback.escalatedAt) escalated++;
    const created = parseInstant(callback.createdAt, 'createdAt');
    const due = parseInstant(callback.dueAt, 'dueAt');
    // As slaStatus says overdue: the clock stops once the customer is reached or it is closed.
    if (slaStoppedAt(callback) === undefined && nowMs > due) overdue++;
    if (callback.firstContactAt) {
      const contacted = parseInstant(callback.firstContactAt, 'firstContactAt');
      firstContactHours.push((contacted - created) / HOUR_MS);
      if (contacted <= due) contactedWithinSla++;
      else contactedLate++;
    } else if (nowMs > due) {
      contactedLate++;
    }
    if (callback.kind !== 'detractor_recovery' || !callback.respondentEmail) continue;
    const later = nextScore(
      recovery.get(callback.respondentEmail.toLowerCase()) as number[],
      created,
    );
    if (later === undefined) continue;
    detractorsResurveyed++;
    if (classifyNps(later) !== 'detractor') detractorsRecovered++;
  }
  const judged = contactedWithinSla + contactedLate;
  return {
    total: callbacks.length,
    closed,
    contactedWithinSla,
    contactedLate,
    withinSlaShare: judged === 0 ? null : contactedWithinSla / judged,
    medianHoursToFirstContact: median(firstContactHours),
    p90HoursToFirstContact: percentile(firstContactHours, 0.9),
    overdue,
    escalated,
    detractorsResurveyed,
    detractorsRecovered,
    recoveryShare: detractorsResurveyed === 0 ? null : detractorsRecovered / detractorsResurveyed,
  };
}

/**
 * Loop-closure metrics of a set of callbacks at `now`: whether the first contact (an attempt or a
 * reach) came within the SLA, how long it took, what is overdue or escalated, and whether
 * detractors came back happier.
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
  return metricsOf(callbacks, recoveryIndex(answers, callbacks), now);
}

/**
 * Loop-closure metrics per group of callbacks (by kind, owner, team, touchpoint: the caller's key),
 * over the callbacks created in a window.
 * @param callbacks the callbacks
 * @param keyOf the group of a callback; `undefined` or an empty string puts it under
 *   {@link UNSPECIFIED_KEY}
 * @param options `now`, the window and the respondents' answers
 * @returns one entry per group, sorted by key
 */
export function loopClosureBy<C extends LoopCallback>(
  callbacks: Iterable<C>,
  keyOf: (callback: C) => string | undefined,
  options: LoopClosureOptions,
): LoopClosureGroup[] {
  const from = options.window && parseInstant(options.window.from, 'window.from');
  const to = options.window && parseInstant(options.window.to, 'window.to');
  const groups = new Map<string, C[]>();
  for (const callback of callbacks) {
    if (from !== undefined && to !== undefined) {
      const created = parseInstant(callback.createdAt, 'createdAt');
      if (created <= from || created > to) continue;
    }
    const key = keyOf(callback) || UNSPECIFIED_KEY;
    const list = groups.get(key) ?? [];
    list.push(callback);
    groups.set(key, list);
  }
  const recovery = recoveryIndex(options.answers ?? [], [...groups.values()].flat());
  return [...groups.keys()]
    .sort()
    .map((key) => ({ key, ...metricsOf(groups.get(key) as C[], recovery, options.now) }));
}
