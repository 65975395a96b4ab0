import { answerSchema } from '@boucle/shared/schemas';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
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
import { Outbound, OutboundDeliveries } from '../../src/outbound/index.ts';
import { SyncEngine } from '../../src/loop/engine.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { FakeCrm } from '../loop/fakeCrm.ts';
import { startReceiver, TEST_SECRET } from '../outbound/receiver.ts';

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
  async function salesforceDown(senderFor: AlertSender | ((store: Store) => AlertSender)) {
    store = await openStore({ dbPath: ':memory:' });
    const sender = typeof senderFor === 'function' ? senderFor(store) : senderFor;
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

  it('logs the records a failed step leaves waiting as retried, no attempt spent', async () => {
    await salesforceDown(new Recorder());
    const [line] = await store.readSyncLog({ order: 'newest', limit: 10, outcome: 'retried' });
    expect(line).toMatchObject({
      crm: 'salesforce',
      kind: 'answer',
      ref: 'api:a1',
      at: T0,
      detail: expect.stringMatching(
        /^not sent: network_error: connect ECONNREFUSED; again in \d+ s, no attempt spent$/,
      ),
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

describe('the sync alerts through the outbound webhooks', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0)) await close();
  });

  it('delivers the alert and its recovery signed per Standard Webhooks, a refusing URL retried aside from the sync', async () => {
    let replies = 0;
    // The alerting service refuses the first delivery.
    const receiver = await startReceiver(() => (replies++ === 0 ? 503 : 200));
    cleanup.push(receiver.close);
    const config = { alerts: { url: receiver.url, secret: TEST_SECRET } };
    const logger = pino({ level: 'silent' });
    // The deliveries' clock stays near the real one: the reference library checks the signed
    // timestamp against it. The sync's clock is the test's.
    const delivery = { now: Date.now() };
    const store = await openStore({ dbPath: ':memory:' });
    cleanup.push(() => store.close());
    const outbound = new Outbound({ store, config, logger, clock: () => delivery.now });
    const deliveries = new OutboundDeliveries({
      store,
      config,
      logger,
      clock: () => delivery.now,
      random: () => 0.5,
      backoffBaseMs: 1_000,
    });
    let now = T0;
    const crm = new FakeCrm('salesforce');
    crm.resolveFails = new CrmError('network_error', 'connect ECONNREFUSED', true);
    const engine = new SyncEngine({
      store,
      adapters: [crm],
      logger,
      clock: () => now,
      random: () => 0.5,
      alerts: new SyncAlerts({
        store,
        sender: outbound,
        logger,
        clock: () => now,
        thresholds: THRESHOLDS,
        crms: ['salesforce'],
      }),
    });
    cleanup.push(() => engine.stop());
    await store.ingestAnswers(
      [
        answerSchema.parse({
          id: 'a1',
          score: 9,
          answeredAt: new Date(T0 - MINUTE).toISOString(),
          respondent: { email: 'claire@acme.example' },
        }),
      ],
      ['salesforce'],
      now,
    );
    await engine.runOnce(crm);
    now += 31 * MINUTE;
    await engine.checkAlerts();
    await deliveries.runOnce();
    expect(receiver.received).toHaveLength(1);
    // The refusal waits for its backoff; the sync goes on and recovers meanwhile.
    crm.resolveFails = undefined;
    now += 60 * MINUTE;
    expect(await engine.runOnce(crm)).toBe(1);
    await engine.checkAlerts();
    delivery.now += 60_000;
    await deliveries.runOnce();
    await deliveries.runOnce();
    const verified = receiver.received.map((r) =>
      new Webhook(TEST_SECRET).verify(r.body, r.headers as Record<string, string>),
    ) as { type: string; data: Record<string, unknown> }[];
    // The retried alert may arrive after the recovery (documented): each says its state and times.
    expect(verified.map((p) => [p.type, p.data.state, p.data.alert]).sort()).toEqual([
      ['sync.alert', 'raised', 'outage'],
      ['sync.alert', 'raised', 'outage'],
      ['sync.recovered', 'recovered', 'outage'],
    ]);
    // The retry is the same message (one webhook-id), not a second alert.
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(2);
    expect(ids[0]).toBe(ids.at(-1));
    expect(verified[0]!.data).toMatchObject({
      crm: 'salesforce',
      failingSince: new Date(T0).toISOString(),
      error: 'network_error: connect ECONNREFUSED',
    });
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
