import {
  computeNps,
  hoursLeft,
  roundSummary,
  slaStatus,
  summarizeAccount,
  type Touchpoint,
} from '@boucle/shared';
import type { Store, StoredCallback } from '../store/store.ts';

const DAY_MS = 86_400_000;

/** A callback as the API shows it: with where it stands against its SLA. */
export function callbackView(callback: StoredCallback, now: string) {
  const { crm, answerRef: _answerRef, escalateTo: _escalateTo, ...rest } = callback;
  return {
    ...rest,
    crm,
    slaStatus: slaStatus(callback, now),
    hoursLeft: Math.round(hoursLeft(callback, now) * 10) / 10,
  };
}

/**
 * An account's card (the v1 summary and the HubSpot company card): figures over `windowDays`,
 * rounded as every card shows them, the monthly trend, touchpoints, verbatims, open callbacks and
 * the org-wide NPS as the norm, and the journey: the configured touchpoints in journey order, each
 * against its targets, then the unknown ones. `undefined` when nothing is known of the account.
 */
export async function accountCard(
  store: Store,
  keys: readonly string[],
  windowDays: number,
  nowMs: number,
  touchpoints?: readonly Touchpoint[],
) {
  const now = new Date(nowMs).toISOString();
  const answers = await store.answersForAccount(
    keys,
    new Date(nowMs - Math.max(windowDays, 366) * DAY_MS).toISOString(),
  );
  const callbacks = (
    await Promise.all(keys.map((accountKey) => store.listCallbacks({ accountKey, now })))
  ).flat();
  const open = [...new Map(callbacks.map((c) => [c.id, c])).values()];
  if (answers.length === 0 && open.length === 0) return undefined;
  const norm = computeNps(
    await store.answersSince(new Date(nowMs - windowDays * DAY_MS).toISOString()),
  );
  const summary = summarizeAccount(answers, {
    now,
    windowDays,
    ...(norm.nps !== null && { norm: { nps: norm.nps, margin: norm.margin } }),
    ...(touchpoints && { touchpoints }),
  });
  return {
    ...summary,
    overall: roundSummary(summary.overall),
    trend: summary.trend.map(roundSummary),
    touchpoints: summary.touchpoints.map(roundSummary),
    journey: summary.journey.map(roundSummary),
    openCallbacks: open.map((c) => callbackView(c, now)),
  };
}
