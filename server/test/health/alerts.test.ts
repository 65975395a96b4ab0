import { answerSchema } from '@boucle/shared/schemas';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CrmError } from '../../src/errors.ts';
import {
  alertConditions,
  SyncAlerts,
  type AlertEvent,
  type AlertSender,
} from '../../src/health/alerts.ts';
import type { SyncHealth } from '../../src/health/summary.ts';
import { Metrics } from '../../src/http/metrics.ts';
import { SyncEngine } from '../../src/loop/engine.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { FakeCrm } from '../loop/fakeCrm.ts';

// The sync alerts with the clock injected: the engine's outages recorded in the store, the alert
// said once past the threshold and once at the recovery, across a restart.

const MINUTE = 60_000;
const T0 = Date.parse('2026-12-01T09:00:00Z');
const THRESHOLDS = { afterMinutes: 30, apiBudgetPercent: 80 };

/** A sender that keeps what it was handed; `refuse` makes the next sends throw. */
class Recorder implements AlertSender {
  readonly events: AlertEvent[] = [];
  refuse = 0;
  async send(event: AlertEvent) {
    if (this.refuse > 0) {
      this.refuse -= 1;
      throw new Error('connect ECONNREFUSED 127.0.0.1:9');
    }
    this.events.push(event);
    return { id: String(this.events.length), duplicate: false };
  }
}

describe('the sync alerts', () => {
  let store: Store;
  let now: number;
  let engine: SyncEngine;
  afterEach(async () => {
    await engine?.stop();
    await store?.close();
  });

  /** The engine over a Salesforce that cannot be reached, with one answer to write. */
  async function salesforceDown(sender: AlertSender) {
    store = await openStore({ dbPath: ':memory:' });
    now = T0;
    const crm = new FakeCrm('salesforce');
    crm.resolveFails = new CrmError('network_error', 'connect ECONNREFUSED', true);
    crm.people.set('claire@acme.example', { contactId: '003C', accountId: '001A' });
    const alerts = () =>
      new SyncAlerts({
        store,
        sender,
        logger: pino({ level: 'silent' }),
        clock: () => now,
        thresholds: THRESHOLDS,
        crms: ['salesforce'],
      });
    engine = new SyncEngine({
      store,
      adapters: [crm],
      logger: pino({ level: 'silent' }),
      clock: () => now,
      random: () => 0.5,
      alerts: alerts(),
    });
    const answer = answerSchema.parse({
      id: 'a1',
      score: 3,
      answeredAt: new Date(T0 - MINUTE).toISOString(),
      respondent: { email: 'claire@acme.example' },
    });
    await store.ingestAnswers([answer], ['salesforce'], now);
    await engine.runOnce(crm);
    return { crm, alerts };
  }

  it('says once that a CRM is down past the threshold, and once that it recovered', async () => {
    const sender = new Recorder();
    const { crm } = await salesforceDown(sender);
    now += 29 * MINUTE;
    await engine.checkAlerts();
    expect(sender.events).toEqual([]);
    now += 2 * MINUTE;
    await engine.checkAlerts();
    now += MINUTE;
    await engine.checkAlerts();
    expect(sender.events).toEqual([
      {
        target: 'alerts',
        type: 'sync.alert',
        key: `sync.alert:salesforce:outage:${T0 + 31 * MINUTE}`,
        data: expect.objectContaining({
          state: 'raised',
          crm: 'salesforce',
          alert: 'outage',
          failingSince: new Date(T0).toISOString(),
          error: 'network_error: connect ECONNREFUSED',
        }),
      },
    ]);
    crm.resolveFails = undefined;
    now += 60 * MINUTE;
    await engine.runOnce(crm);
    await engine.checkAlerts();
    await engine.checkAlerts();
    expect(sender.events.map((e) => [e.type, e.data.state, e.data.alert])).toEqual([
      ['sync.alert', 'raised', 'outage'],
      ['sync.recovered', 'recovered', 'outage'],
    ]);
    expect(sender.events[1]?.data).toMatchObject({
      raisedAt: new Date(T0 + 31 * MINUTE).toISOString(),
      recoveredAt: new Date(now).toISOString(),
    });
  });

  it('does not say an alert again after a restart', async () => {
    const sender = new Recorder();
    const { alerts } = await salesforceDown(sender);
    now += 45 * MINUTE;
    await alerts().check();
    await alerts().check();
    expect(sender.events).toHaveLength(1);
  });

  it('hands a delivery the sender refused over at the next check, once, without holding the sync', async () => {
    const sender = new Recorder();
    sender.refuse = 1;
    const { crm, alerts } = await salesforceDown(sender);
    now += 45 * MINUTE;
    await alerts().check();
    expect(sender.events).toEqual([]);
    // The sync goes on meanwhile.
    crm.resolveFails = undefined;
    now += 15 * MINUTE;
    expect(await engine.runOnce(crm)).toBe(1);
    await engine.recorder.flush();
    await alerts().check();
    expect(sender.events.map((e) => [e.type, e.data.alert])).toEqual([
      ['sync.alert', 'outage'],
      ['sync.recovered', 'outage'],
    ]);
  });

  it('shows a raised alert as 1 in the boucle_sync_alert gauge, and 0 once recovered', async () => {
    const sender = new Recorder();
    const { crm, alerts } = await salesforceDown(sender);
    const metrics = new Metrics(store);
    now += 45 * MINUTE;
    await alerts().check();
    expect(await metrics.render()).toContain(
      'boucle_sync_alert{crm="salesforce",alert="outage"} 1',
    );
    crm.resolveFails = undefined;
    now += 15 * MINUTE;
    await engine.runOnce(crm);
    await engine.recorder.flush();
    await alerts().check();
    expect(await metrics.render()).toContain(
      'boucle_sync_alert{crm="salesforce",alert="outage"} 0',
    );
  });
});

describe('what the sync alerts about', () => {
  const health = (crm: Partial<SyncHealth['crms'][number]>): SyncHealth => ({
    at: new Date(T0).toISOString(),
    status: 'ok',
    crms: [
      {
        crm: 'hubspot',
        status: 'ok',
        outage: null,
        backlog: 0,
        deadLetters: 0,
        lastSyncedAt: null,
        apiBudget: null,
        objects: [],
        ...crm,
      },
    ],
  });
  const budget = (percent: number) => ({
    used: percent * 2_500,
    limit: 250_000,
    percent,
    observedAt: new Date(T0).toISOString(),
  });

  it.each([
    ['nothing wrong', {}, []],
    ['dead letters', { deadLetters: 2 }, ['dead_letters']],
    [
      'an outage under the threshold',
      { outage: { since: new Date(T0 - 29 * MINUTE).toISOString(), error: 'e' } },
      [],
    ],
    [
      'an outage at the threshold',
      { outage: { since: new Date(T0 - 30 * MINUTE).toISOString(), error: 'e' } },
      ['outage'],
    ],
    ['79.9% of the API budget', { apiBudget: budget(79.9) }, []],
    ['80% of the API budget', { apiBudget: budget(80) }, ['api_budget']],
  ] as const)('%s', (_name, crm, alerts) => {
    expect(alertConditions(health(crm as never), T0, THRESHOLDS).map((c) => c.alert)).toEqual(
      alerts,
    );
  });
});
