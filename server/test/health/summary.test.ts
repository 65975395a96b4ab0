import type { Answer } from '@boucle/shared/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { syncHealth, syncHealthSchema } from '../../src/health/summary.ts';
import { HealthRecorder } from '../../src/health/recorder.ts';
import { CrmError } from '../../src/errors.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { pino } from 'pino';

const T0 = Date.parse('2026-11-01T12:00:00Z');
const answer = (id: string) =>
  ({
    id,
    source: 'api',
    metric: 'nps',
    score: 9,
    answeredAt: new Date(T0 - 3_600_000).toISOString(),
    account: { domain: 'acme.example' },
  }) as Answer;

describe('the sync health summary', () => {
  let store: SqliteStore;
  afterEach(async () => store?.close());

  /** Three answers queued to Salesforce: one written, one refused for good, one waiting. */
  async function oneOfEach() {
    store = new SqliteStore(':memory:');
    await store.ingestAnswers(['a1', 'a2', 'a3'].map(answer), ['salesforce'], T0);
    const [a1, a2] = await store.claim('salesforce', 'w1', 2, 60_000, T0);
    await store.settleJobs(
      'salesforce',
      { synced: [{ job: a1!, crmId: 'a0A1' }], dead: [{ job: a2!, error: 'INVALID_FIELD: x' }] },
      T0 + 1_000,
      { maxAttempts: 3 },
    );
  }

  it('gives each kind of record its last sync, backlog and dead letters', async () => {
    await oneOfEach();
    const health = await syncHealth(store, T0 + 5_000);
    expect(syncHealthSchema.parse(health)).toEqual(health);
    expect(health.status).toBe('degraded');
    expect(health.crms).toHaveLength(1);
    const [salesforce] = health.crms;
    expect(salesforce).toMatchObject({
      crm: 'salesforce',
      status: 'degraded',
      outage: null,
      backlog: 1,
      deadLetters: 1,
      lastSyncedAt: new Date(T0 + 1_000).toISOString(),
      apiBudget: null,
    });
    expect(salesforce!.objects.find((o) => o.kind === 'answer')).toEqual({
      kind: 'answer',
      lastSyncedAt: new Date(T0 + 1_000).toISOString(),
      backlog: 1,
      deadLetters: 1,
    });
    expect(salesforce!.objects.find((o) => o.kind === 'callback')).toEqual({
      kind: 'callback',
      lastSyncedAt: null,
      backlog: 0,
      deadLetters: 0,
    });
  });

  it('shows an outage from its beginning until it ends, and the API budget reported', async () => {
    await oneOfEach();
    let now = T0 + 10_000;
    const recorder = new HealthRecorder(store, () => now, pino({ level: 'silent' }));
    recorder.began('salesforce', new CrmError('network_error', 'ECONNREFUSED', true));
    recorder.observeBudget({
      crm: 'salesforce',
      apiBudget: () => ({ used: 12_000, limit: 15_000 }),
    } as never);
    await recorder.flush();
    const failing = await syncHealth(store, now);
    expect(failing.status).toBe('failing');
    expect(failing.crms[0]).toMatchObject({
      status: 'failing',
      outage: { since: new Date(T0 + 10_000).toISOString(), error: 'network_error: ECONNREFUSED' },
      apiBudget: {
        used: 12_000,
        limit: 15_000,
        percent: 80,
        observedAt: new Date(T0 + 10_000).toISOString(),
      },
    });
    now += 60_000;
    recorder.ended('salesforce');
    await recorder.flush();
    expect((await syncHealth(store, now)).crms[0]).toMatchObject({
      status: 'degraded',
      outage: null,
    });
  });

  it('lists the CRMs asked for, even before any sync', async () => {
    store = new SqliteStore(':memory:');
    const health = await syncHealth(store, T0, { crms: ['hubspot'] });
    expect(health).toMatchObject({
      status: 'ok',
      crms: [{ crm: 'hubspot', status: 'ok', backlog: 0, deadLetters: 0, lastSyncedAt: null }],
    });
  });
});
