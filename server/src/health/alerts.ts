import type { Logger } from 'pino';
import type { Crm, Store } from '../store/store.ts';
import { syncHealth, type SyncHealth } from './summary.ts';

// The sync alerts: a CRM failing for longer than BOUCLE_ALERT_AFTER_MINUTES, dead letters, the
// daily API budget past BOUCLE_ALERT_API_BUDGET_PERCENT. Each is said once when it begins (a warn
// log, the boucle_sync_alert gauge, a signed `sync.alert` delivery) and once when it ends
// (`sync.recovered`). Which alerts are raised, and the deliveries not handed over yet, are kept in
// the store, so that a restart neither says an alert again nor forgets to.

export const ALERT_KINDS = ['outage', 'dead_letters', 'api_budget'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** The settings row holding the alerts' state. */
export const ALERTS_SETTING = 'health.alerts';

export interface AlertThresholds {
  /** A CRM whose calls fail as a whole for this long is alerted about. */
  readonly afterMinutes: number;
  /** The share of the daily API allocation used that raises an alert. */
  readonly apiBudgetPercent: number;
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = { afterMinutes: 30, apiBudgetPercent: 80 };

/** A delivery for the outbound channel (`outbound/`): the shape `Outbound.send` takes. */
export interface AlertEvent {
  readonly target: 'alerts';
  readonly type: 'sync.alert' | 'sync.recovered';
  /** The idempotency key: the same alert handed over twice is delivered once. */
  readonly key: string;
  readonly data: Record<string, unknown>;
}

/** Where alert deliveries go: the signed outbound webhooks (`Outbound`), or a test's recorder. */
export interface AlertSender {
  send(event: AlertEvent): Promise<unknown>;
}

/** An alert's condition as seen now. */
export interface AlertCondition {
  readonly crm: Crm;
  readonly alert: AlertKind;
  readonly message: string;
  readonly details: Record<string, unknown>;
}

export interface RaisedAlert extends AlertCondition {
  readonly raisedAt: number;
}

export interface AlertState {
  /** The alerts raised and not recovered yet, by `crm.alert`. */
  readonly raised: Record<string, RaisedAlert>;
  /** Deliveries decided but not handed to the sender yet (it failed, or the process stopped). */
  readonly unsent: AlertEvent[];
}

const keyOf = (c: { crm: Crm; alert: AlertKind }) => `${c.crm}.${c.alert}`;

/** What should be alerted about in this health summary. */
export function alertConditions(
  health: SyncHealth,
  now: number,
  thresholds: AlertThresholds,
): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  for (const crm of health.crms) {
    if (crm.outage && now - Date.parse(crm.outage.since) >= thresholds.afterMinutes * 60_000)
      conditions.push({
        crm: crm.crm,
        alert: 'outage',
        message: `${crm.crm} has been failing since ${crm.outage.since}: ${crm.outage.error}`,
        details: { failingSince: crm.outage.since, error: crm.outage.error, backlog: crm.backlog },
      });
    if (crm.deadLetters > 0)
      conditions.push({
        crm: crm.crm,
        alert: 'dead_letters',
        message: `${crm.deadLetters} record${crm.deadLetters > 1 ? 's' : ''} refused for good by ${crm.crm} (npx boucle sync-log --status dead)`,
        details: { deadLetters: crm.deadLetters },
      });
    if (crm.apiBudget && crm.apiBudget.percent >= thresholds.apiBudgetPercent)
      conditions.push({
        crm: crm.crm,
        alert: 'api_budget',
        message: `${crm.crm} daily API budget ${crm.apiBudget.percent}% used (${crm.apiBudget.used} of ${crm.apiBudget.limit}), over ${thresholds.apiBudgetPercent}%`,
        details: { ...crm.apiBudget, thresholdPercent: thresholds.apiBudgetPercent },
      });
  }
  return conditions;
}

/**
 * The next state and what to say: a condition not raised yet is raised (a `sync.alert`), a raised
 * alert whose condition is gone recovers (a `sync.recovered`). Pure: `now` is given.
 */
export function nextAlertState(
  state: AlertState,
  conditions: readonly AlertCondition[],
  now: number,
): { state: AlertState; raised: RaisedAlert[]; recovered: RaisedAlert[] } {
  const raised: Record<string, RaisedAlert> = {};
  const newlyRaised: RaisedAlert[] = [];
  const unsent = [...state.unsent];
  for (const condition of conditions) {
    const key = keyOf(condition);
    const known = state.raised[key];
    if (known) {
      raised[key] = known;
      continue;
    }
    const alert = { ...condition, raisedAt: now };
    raised[key] = alert;
    newlyRaised.push(alert);
    unsent.push(event('sync.alert', alert, now));
  }
  const recovered = Object.entries(state.raised)
    .filter(([key]) => !raised[key])
    .map(([, alert]) => alert);
  for (const alert of recovered) unsent.push(event('sync.recovered', alert, now));
  return { state: { raised, unsent }, raised: newlyRaised, recovered };
}

function event(type: AlertEvent['type'], alert: RaisedAlert, now: number): AlertEvent {
  const state = type === 'sync.alert' ? 'raised' : 'recovered';
  return {
    target: 'alerts',
    type,
    key: `${type}:${alert.crm}:${alert.alert}:${alert.raisedAt}`,
    data: {
      state,
      crm: alert.crm,
      alert: alert.alert,
      message:
        state === 'raised'
          ? alert.message
          : `${alert.crm} recovered: ${alert.alert.replace('_', ' ')}`,
      raisedAt: new Date(alert.raisedAt).toISOString(),
      ...(state === 'recovered' && { recoveredAt: new Date(now).toISOString() }),
      ...alert.details,
    },
  };
}

export interface SyncAlertsOptions {
  readonly store: Store;
  readonly sender: AlertSender;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly thresholds: AlertThresholds;
  /** The CRMs configured. */
  readonly crms: readonly Crm[];
}

/**
 * Checks the sync's health against the thresholds (`check`, from the engine's sweep, one replica
 * at a time) and says what changed. The state is saved before anything is handed to the sender,
 * and each delivery keeps its key until the sender took it: a sender that fails (or a crash) leaves
 * it to the next check, and the outbound channel delivers a key once.
 */
export class SyncAlerts {
  constructor(private readonly options: SyncAlertsOptions) {}

  async check(): Promise<{ raised: RaisedAlert[]; recovered: RaisedAlert[] }> {
    const { store, logger, clock, thresholds, crms } = this.options;
    const now = clock();
    const health = await syncHealth(store, now, { crms });
    const before = (await store.getSetting<AlertState>(ALERTS_SETTING)) ?? {
      raised: {},
      unsent: [],
    };
    const next = nextAlertState(before, alertConditions(health, now, thresholds), now);
    for (const alert of next.raised)
      logger.warn({ crm: alert.crm, alert: alert.alert }, `sync alert: ${alert.message}`);
    for (const alert of next.recovered)
      logger.warn(
        { crm: alert.crm, alert: alert.alert },
        `sync recovered: ${alert.crm} ${alert.alert}`,
      );
    if (next.raised.length > 0 || next.recovered.length > 0)
      await store.setSetting(ALERTS_SETTING, next.state, now);
    await this.deliver(next.state, now);
    return { raised: next.raised, recovered: next.recovered };
  }

  /** Hands the waiting deliveries to the sender, in order; stops at the first it refuses. */
  private async deliver(state: AlertState, now: number): Promise<void> {
    if (state.unsent.length === 0) return;
    const unsent = [...state.unsent];
    while (unsent.length > 0) {
      try {
        await this.options.sender.send(unsent[0]!);
      } catch (error) {
        this.options.logger.warn(
          { err: (error as Error).message, key: unsent[0]!.key },
          'sync alert not handed over; tried again at the next check',
        );
        break;
      }
      unsent.shift();
    }
    await this.options.store.setSetting(ALERTS_SETTING, { ...state, unsent }, now);
  }
}
