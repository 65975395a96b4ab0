import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { DELIVERY_KEEP_MS } from '../../src/store/jobs.ts';
import type { PostgresStore } from '../../src/store/postgres.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { stores, T0 } from './fixtures.ts';

const DAY_MS = 24 * 3_600_000;

/** The signatures remembered, read with the store's own driver. */
async function signatures(store: Store): Promise<string[]> {
  const text =
    "SELECT delivery_id FROM deliveries WHERE source LIKE 'signature:%' ORDER BY delivery_id";
  const rows: { delivery_id: string }[] =
    store instanceof SqliteStore
      ? (store.db.prepare(text).all() as { delivery_id: string }[])
      : (await (store as PostgresStore).pool.query(text)).rows;
  return rows.map((r) => r.delivery_id).sort((a, b) => a.localeCompare(b));
}

// What every store promises the server about its job queue, exclusive work, settings, cursors
// and deliveries, on SQLite (the default) and PostgreSQL alike.

describe.each(stores)("the %s store's queue and server state", (_name, open) => {
  let store: Store;
  afterEach(async () => store?.close());

  it('queues a record once while pending, and claims answers before ratings and callbacks', async () => {
    store = await open();
    await store.enqueue('salesforce', 'callback', ['c1'], T0);
    await store.enqueue('salesforce', 'rating', ['api:r1'], T0);
    await store.enqueue('salesforce', 'answer', ['api:a1', 'api:a1'], T0);
    await store.enqueue('salesforce', 'answer', ['api:a2'], T0 + 60_000); // not due yet
    expect(await store.queueStats()).toEqual({ 'salesforce.ready': 4 });
    const jobs = await store.claim('salesforce', 'w1', 10, 30_000, T0);
    expect(jobs.map((j) => `${j.kind} ${j.ref}`)).toEqual([
      'answer api:a1',
      'rating api:r1',
      'callback c1',
    ]);
    expect(await store.claim('salesforce', 'w2', 10, 30_000, T0 + 1_000)).toEqual([]);
    // A pending record is queued once; once done it can be queued again.
    await store.complete(
      jobs.map((j) => j.id),
      T0 + 2_000,
    );
    await store.enqueue('salesforce', 'answer', ['api:a1'], T0 + 3_000);
    await store.enqueue('salesforce', 'answer', ['api:a1'], T0 + 3_000);
    expect(await store.queueStats()).toEqual({ 'salesforce.done': 3, 'salesforce.ready': 2 });
  });

  it("takes over a job whose lease ran out, unless its worker's heartbeat renewed it", async () => {
    store = await open();
    await store.enqueue('hubspot', 'answer', ['api:a1', 'api:a2'], T0);
    const [first, second] = await store.claim('hubspot', 'w1', 10, 30_000, T0);
    await store.heartbeat([first!.id], 'w1', 30_000, T0 + 20_000);
    await store.heartbeat([second!.id], 'someone-else', 30_000, T0 + 20_000); // not theirs
    const taken = await store.claim('hubspot', 'w2', 10, 30_000, T0 + 31_000);
    expect(taken.map((j) => j.ref)).toEqual(['api:a2']);
  });

  it('retries with a delay, dead-letters after the last attempt, and replays', async () => {
    store = await open();
    await store.enqueue('salesforce', 'answer', ['api:a1', 'api:a2'], T0);
    await store.setSyncState('salesforce', 'answer', 'api:a1', 'dead', 'refused');
    const [job, other] = await store.claim('salesforce', 'w1', 10, 30_000, T0);
    const policy = { countAttempt: true, maxAttempts: 2 };
    expect(await store.retry(job!.id, '503', 5_000, T0, policy)).toBe('retry');
    expect(await store.claim('salesforce', 'w1', 10, 30_000, T0 + 4_000)).toEqual([]);
    const [again] = await store.claim('salesforce', 'w1', 10, 30_000, T0 + 5_000);
    expect(again).toMatchObject({ id: job!.id, attempts: 1, lastError: '503' });
    // A failure before any per-record result spends no attempt.
    expect(
      await store.retry(job!.id, 'token', 0, T0 + 6_000, { countAttempt: false, maxAttempts: 2 }),
    ).toBe('retry');
    await store.claim('salesforce', 'w1', 10, 30_000, T0 + 6_000);
    expect(await store.retry(job!.id, '503 again', 5_000, T0 + 7_000, policy)).toBe('dead');
    await store.deadLetter(other!.id, 'INVALID_FIELD', T0 + 8_000);
    expect((await store.listDead(10)).map((d) => [d.ref, d.attempts, d.lastError])).toEqual([
      ['api:a2', 1, 'INVALID_FIELD'],
      ['api:a1', 2, '503 again'],
    ]);
    // a2 is queued again meanwhile: its dead copy is redundant.
    await store.enqueue('salesforce', 'answer', ['api:a2'], T0 + 9_000);
    expect(await store.replay('all', T0 + 10_000)).toBe(2);
    expect(await store.listDead(10)).toEqual([]);
    expect(await store.queueStats()).toEqual({ 'salesforce.ready': 2, 'salesforce.done': 1 });
    expect((await store.syncStates('salesforce', 'answer', ['api:a1'])).get('api:a1')?.state).toBe(
      'pending',
    );
    const replayed = await store.claim('salesforce', 'w1', 10, 30_000, T0 + 10_000);
    // Due order: a2 was queued again before a1 was replayed.
    expect(replayed.map((j) => [j.ref, j.attempts])).toEqual([
      ['api:a2', 0],
      ['api:a1', 0],
    ]);
  });

  it('never hands one job to two workers claiming at once', async () => {
    store = await open();
    const refs = Array.from({ length: 300 }, (_, i) => `api:r${i}`);
    await store.enqueue('salesforce', 'answer', refs, T0);
    const claims = await Promise.all(
      Array.from({ length: 12 }, (_, w) => store.claim('salesforce', `w${w}`, 40, 30_000, T0)),
    );
    const ids = claims.flat().map((j) => j.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(300);
  });

  it('runs a job once more when its record is queued again while it runs', async () => {
    store = await open();
    await store.enqueue('salesforce', 'callback', ['c1'], T0);
    const [running] = await store.claim('salesforce', 'w1', 10, 30_000, T0);
    // A manager's update lands while the sync of the previous state is under way.
    await store.enqueue('salesforce', 'callback', ['c1'], T0 + 1_000);
    await store.complete([running!.id], T0 + 2_000);
    const [again] = await store.claim('salesforce', 'w1', 10, 30_000, T0 + 2_000);
    expect(again).toMatchObject({ ref: 'c1', attempts: 0 });
    await store.complete([again!.id], T0 + 3_000);
    expect(await store.claim('salesforce', 'w1', 10, 30_000, T0 + 3_000)).toEqual([]);
  });

  it('counts open jobs without the done ones, and prunes done jobs past their retention', async () => {
    store = await open();
    await store.enqueue('salesforce', 'answer', ['api:a1', 'api:a2', 'api:a3'], T0);
    const [first, second] = await store.claim('salesforce', 'w1', 2, 30_000, T0);
    await store.complete([first!.id], T0);
    await store.complete([second!.id], T0 + 10_000);
    expect(await store.openJobCounts()).toEqual({ 'salesforce.ready': 1 });
    expect(await store.pruneDoneJobs(T0 + 5_000, 100)).toBe(1);
    expect(await store.queueStats()).toEqual({ 'salesforce.done': 1, 'salesforce.ready': 1 });
    await store.ping();
  });

  it('forgets webhook deliveries received 30 days before the cutoff of done jobs it prunes', async () => {
    store = await open();
    await store.recordDelivery('typeform', 'old', T0);
    await store.recordDelivery('typeform', 'recent', T0 + DAY_MS);
    await store.pruneDoneJobs(T0 + DELIVERY_KEEP_MS + 1, 100);
    expect(await store.recordDelivery('typeform', 'old', T0 + 40 * DAY_MS)).toBe(true);
    expect(await store.recordDelivery('typeform', 'recent', T0 + 40 * DAY_MS)).toBe(false);
  });

  it('claims a signature once within its window, and again once it expired', async () => {
    store = await open();
    expect(await store.claimSignature('hubspot', 's1', T0, 30_000)).toBe(true);
    expect(await store.claimSignature('hubspot', 's1', T0 + 29_000, 30_000)).toBe(false);
    // Within a minute of the last deletion of expired rows: the expired row is claimed in place.
    expect(await store.claimSignature('hubspot', 's1', T0 + 30_001, 30_000)).toBe(true);
    expect(await store.claimSignature('hubspot', 's1', T0 + 31_000, 30_000)).toBe(false);
  });

  it('deletes expired signatures at most once a minute', async () => {
    store = await open();
    await store.claimSignature('hubspot', 'old', T0, 1_000);
    await store.claimSignature('hubspot', 'second', T0 + 59_000, 1_000);
    expect(await signatures(store)).toEqual(['old', 'second']);
    await store.claimSignature('hubspot', 'third', T0 + 60_000, 1_000);
    expect(await signatures(store)).toEqual(['second', 'third']);
  });

  it('runs exclusive work, handing back its result', async () => {
    store = await open();
    expect(await store.runExclusive('sweep', async () => 42)).toBe(42);
  });

  it('keeps settings, cursors, deliveries seen and a sync log', async () => {
    store = await open();
    expect(await store.getSetting('server')).toBeUndefined();
    await store.setSetting('server', { rules: [1] }, T0);
    await store.setSetting('server', { rules: [2] }, T0);
    expect(await store.getSetting('server')).toEqual({ rules: [2] });
    await store.setCursor('feedback', '10');
    await store.setCursor('feedback', '11');
    expect(await store.getCursor('feedback')).toBe('11');
    expect(await store.recordDelivery('typeform', 'e1', T0)).toBe(true);
    expect(await store.recordDelivery('typeform', 'e1', T0)).toBe(false);
    await store.log('salesforce', 'answer', 'api:a1', 'synced', 'ok', T0);
  });
});
