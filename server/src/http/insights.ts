import {
  compareGroupsWithNorm,
  DEFAULT_TOUCHPOINTS,
  journeySteps,
  loopClosureBy,
  loopClosureMetrics,
  roundOneDecimal,
  roundSummary,
  touchpointMatcher,
  type GroupVersusNorm,
  type Touchpoint,
  type LoopClosureMetrics,
  type RespondentAnswer,
} from '@boucle/shared';
import type { Answer, InsightDimension, InsightsQuery } from '@boucle/shared/schemas';
import { refOf, type Crm, type Store, type StoredCallback } from '../store/store.ts';

const DAY_MS = 86_400_000;

/**
 * Why a breakdown gives no groups: what Boucle would have to store for it. Until then the org
 * figures still come back, so a page offering every breakdown keeps working.
 */
const NOT_STORED: Partial<Record<InsightDimension, string>> = {
  team:
    'team is not stored yet: answers and callbacks carry no team. Storing it means resolving the ' +
    "owner's team when the answer is synced (Salesforce: the owner's role or a configured user " +
    'field; HubSpot: the owner’s teams) and keeping it with the answer.',
  region:
    'region is not stored yet: answers carry no region. Storing it means reading a configured ' +
    'account field (default: the billing country) when the answer is synced and keeping it with ' +
    'the answer.',
};

/**
 * The group of an answer along a dimension. The owner is the employee the answer names
 * (`employeeEmail`: who handled the interaction, the account's rep in the demo), since the store
 * keeps no account owner of its own; a touchpoint is the key of the configured one its label meets
 * (by key or either label, case and accents aside), or the label as sent when it meets none.
 */
function keyOfAnswer(
  by: InsightDimension,
  touchpoints: readonly Touchpoint[],
): (answer: Answer) => string | undefined {
  if (by === 'owner') return (answer) => answer.employeeEmail?.toLowerCase();
  const match = touchpointMatcher(touchpoints);
  return (answer) => match(answer.touchpoint)?.key ?? answer.touchpoint;
}

/** Loop-closure figures as the API shows them: shares in percent and hours, rounded. */
function shownLoopClosure(metrics: LoopClosureMetrics & { readonly key?: string }) {
  const percent = (share: number | null) => roundOneDecimal(share === null ? null : share * 100);
  const {
    key: _key,
    withinSlaShare,
    recoveryShare,
    medianHoursToFirstContact,
    p90HoursToFirstContact,
    ...counts
  } = metrics;
  return {
    ...counts,
    withinSlaPercent: percent(withinSlaShare),
    medianHoursToFirstContact: roundOneDecimal(medianHoursToFirstContact),
    p90HoursToFirstContact: roundOneDecimal(p90HoursToFirstContact),
    recoveryPercent: percent(recoveryShare),
  };
}

/**
 * `GET /v1/insights`: NPS per group over the window with its margin, compared with the rest of the
 * org, the groups with too few answers apart as hints, and the loop-closure figures of the
 * callbacks raised in the window per group (a callback belongs to the group of the answer that
 * raised it).
 * @param store the store
 * @param query the validated query
 * @param crm the CRM whose callbacks are measured (those written to it)
 * @param nowMs the instant the window ends
 * @param touchpoints the journey in force, whose touchpoints group the answers `by=touchpoint`
 */
export async function insights(
  store: Store,
  query: InsightsQuery,
  crm: Crm | undefined,
  nowMs: number,
  touchpoints: readonly Touchpoint[] = DEFAULT_TOUCHPOINTS,
) {
  const now = new Date(nowMs).toISOString();
  const from = new Date(nowMs - query.window * DAY_MS).toISOString();
  const window = { from, to: now };
  const answers = await store.answersSince(from);
  const callbacks = (await store.callbacksCreatedSince(from)).filter(
    (callback) => !crm || callback.links.some((link) => link.crm === crm),
  );
  const respondents: RespondentAnswer[] = answers.flatMap((answer) =>
    answer.respondent?.email
      ? [
          {
            respondentEmail: answer.respondent.email,
            metric: answer.metric,
            score: answer.score,
            answeredAt: answer.answeredAt,
          },
        ]
      : [],
  );
  const orgLoop = loopClosureBy(callbacks, () => 'org', { now, window, answers: respondents })[0];
  const reason = NOT_STORED[query.by];
  const keyOf = reason ? () => 'org' : keyOfAnswer(query.by, touchpoints);
  const norm = compareGroupsWithNorm(answers, keyOf, { window, minSample: query.minSample });
  const head = {
    by: query.by,
    window: { from, to: now, days: query.window },
    minSample: query.minSample,
    comparedWith: 'rest_of_org' as const,
    crm: crm ?? null,
    org: {
      ...norm.org,
      loopClosure: shownLoopClosure(orgLoop ?? loopClosureMetrics([], [], now)),
    },
  };
  if (reason) return { ...head, groups: [], hints: [], reason };

  // A callback counts in the group of the answer that raised it, even an answer from before the
  // window.
  const keys = new Map(answers.map((answer) => [refOf(answer), keyOf(answer)]));
  const missing = [...new Set(callbacks.map((c) => c.answerRef).filter((ref) => !keys.has(ref)))];
  for (const [ref, answer] of await store.getAnswers(missing)) keys.set(ref, keyOf(answer));
  const loops = new Map(
    loopClosureBy(callbacks, (callback: StoredCallback) => keys.get(callback.answerRef), {
      now,
      window,
      answers: respondents,
    }).map((group) => [group.key, group]),
  );
  const withLoop = (group: GroupVersusNorm) => {
    const loop = loops.get(group.key);
    loops.delete(group.key);
    return { ...group, loopClosure: shownLoopClosure(loop ?? loopClosureMetrics([], [], now)) };
  };
  const groups = norm.groups.map(withLoop);
  const hints = norm.hints.map(withLoop);
  // Groups with callbacks but no answer in the window: their loop closure, no NPS.
  for (const loop of loops.values()) {
    const none = { n: 0, promoters: 0, passives: 0, detractors: 0, nps: null, margin: null };
    hints.push({
      key: loop.key,
      ...none,
      sample: 'no_answers',
      rank: null,
      rest: norm.org,
      comparison: { delta: null, combinedMargin: null, significant: false, direction: 'level' },
      loopClosure: shownLoopClosure(loop),
    });
  }
  hints.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (query.by !== 'touchpoint') return { ...head, groups, hints };
  // Touchpoints also in journey order, each against its targets, as the cards show them: groups
  // and hints rank; the journey reads in the order customers live it.
  const inWindow = answers.filter(
    (answer) => answer.answeredAt >= from && answer.answeredAt <= now,
  );
  const journey = journeySteps(inWindow, touchpoints, { minSample: query.minSample });
  return { ...head, groups, hints, journey: journey.map(roundSummary) };
}
