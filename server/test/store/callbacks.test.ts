import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { callback, iso, stores, T0, timeColumns } from './fixtures.ts';

// What every store promises the server about callbacks, on SQLite (the default) and PostgreSQL alike.

describe.each(stores)("the %s store's callbacks", (_name, open) => {
  let store: Store;
  afterEach(async () => store?.close());

  it('creates a callback once and lists the open, overdue and per-account ones', async () => {
    store = await open();
    expect(await store.createCallbacks([callback('c1')], T0)).toEqual(['c1']);
    expect(await store.createCallbacks([callback('c1')], T0)).toEqual([]);
    await store.createCallbacks(
      [
        callback('c2', {
          answerRef: 'api:a2',
          dueAt: iso(T0 - 3_600_000),
          accountKey: 'globex.example',
        }),
        callback('c3', { answerRef: 'api:a3', status: 'resolved' }),
      ],
      T0,
    );
    const now = iso(T0);
    expect((await store.listCallbacks({ now })).map((c) => c.id)).toEqual(['c2', 'c1']);
    expect((await store.listCallbacks({ now, status: 'overdue' })).map((c) => c.id)).toEqual([
      'c2',
    ]);
    expect(
      (await store.listCallbacks({ now, accountKey: 'ACME.EXAMPLE' })).map((c) => c.id),
    ).toEqual(['c1']);
    await store.updateCallback('c1', (c) => ({ ...c, status: 'resolved', outcome: 'done' }));
    expect((await store.getCallback('c1'))?.status).toBe('resolved');
    expect([...(await store.getCallbacks(['c1', 'c2', 'nope'])).keys()].sort()).toEqual([
      'c1',
      'c2',
    ]);
  });

  it('keeps when each callback was raised, first contacted and closed, and lists those raised since an instant', async () => {
    store = await open();
    // 11:30 at UTC−1 is 12:30 UTC, after T0 (though its text sorts before); 13:00 at UTC+2 is
    // 11:00 UTC, before it.
    await store.createCallbacks(
      [
        callback('late-offset', { answerRef: 'api:a1', createdAt: '2026-11-01T11:30:00-01:00' }),
        callback('early-offset', { answerRef: 'api:a2', createdAt: '2026-11-01T13:00:00+02:00' }),
        callback('at-t0', { answerRef: 'api:a3' }),
      ],
      T0,
    );
    await store.updateCallback('at-t0', (current) => ({
      ...current,
      status: 'resolved',
      firstContactAt: '2026-11-01T15:00:00+01:00',
      reachedAt: '2026-11-01T15:00:00+01:00',
      closedAt: iso(T0 + 7_200_000),
      outcome: 'solved',
    }));
    const since = await store.callbacksCreatedSince(iso(T0));
    expect(since.map((c) => [c.id, c.status])).toEqual([
      ['at-t0', 'resolved'],
      ['late-offset', 'open'],
    ]);
    expect(await timeColumns(store, 'at-t0')).toEqual({
      created_at: iso(T0),
      first_contact_at: iso(T0 + 7_200_000),
      closed_at: iso(T0 + 7_200_000),
    });
    expect(await timeColumns(store, 'late-offset')).toEqual({
      created_at: '2026-11-01T12:30:00.000Z',
      first_contact_at: null,
      closed_at: null,
    });
    // An update that moves createdAt (the demo backdates its late callbacks) moves the column.
    await store.updateCallback('late-offset', (current) => ({
      ...current,
      createdAt: iso(T0 - 86_400_000),
    }));
    expect((await store.callbacksCreatedSince(iso(T0))).map((c) => c.id)).toEqual(['at-t0']);
  });

  it('queues the sync of each callback it creates, in the same transaction', async () => {
    store = await open();
    await store.createCallbacks([callback('c1'), callback('c2', { answerRef: 'api:a2' })], T0);
    const jobs = await store.claim('salesforce', 'w1', 10, 30_000, T0);
    expect(jobs.map((j) => `${j.kind} ${j.ref}`)).toEqual(['callback c1', 'callback c2']);
  });

  it('queues again the callbacks never written that have no job, and only those', async () => {
    store = await open();
    await store.createCallbacks(
      ['c1', 'c2', 'c3'].map((id) => callback(id, { answerRef: `api:${id}` })),
      T0,
    );
    // c1 was written; c2's job is gone (a crash of an older version); c3's job still waits.
    const jobs = await store.claim('salesforce', 'w1', 2, 30_000, T0);
    await store.setSyncState('salesforce', 'callback', 'c1', 'synced', undefined, 'a0B1');
    await store.complete(
      jobs.map((j) => j.id),
      T0,
    );
    expect(await store.queueUnsyncedCallbacks(T0 + 1_000)).toBe(1);
    expect(await store.queueUnsyncedCallbacks(T0 + 2_000)).toBe(0);
    const queued = await store.claim('salesforce', 'w1', 10, 30_000, T0 + 2_000);
    expect(queued.map((j) => j.ref).sort()).toEqual(['c2', 'c3']);
  });

  it('updates a callback from its state at the moment of the write, and queues its sync with it', async () => {
    store = await open();
    await store.createCallbacks([callback('c1')], T0);
    await store.complete(
      (await store.claim('salesforce', 'w1', 10, 30_000, T0)).map((j) => j.id),
      T0,
    );
    const stale = await store.getCallback('c1');
    await store.updateCallback('c1', (c) => ({ ...c, status: 'reached', notes: 'Joint' }));
    // A writer that decided on the stale read compares it with the current state, and loses.
    const read = JSON.stringify(stale);
    expect(
      await store.updateCallback('c1', (c) =>
        JSON.stringify(c) === read ? { ...c, status: 'escalated' } : undefined,
      ),
    ).toBeUndefined();
    expect(await store.getCallback('c1')).toMatchObject({ status: 'reached', notes: 'Joint' });
    // A change that throws leaves the callback and the queue as they were.
    await expect(
      store.updateCallback(
        'c1',
        () => {
          throw new Error('refused');
        },
        { enqueueAt: T0 },
      ),
    ).rejects.toThrow('refused');
    expect(await store.claim('salesforce', 'w1', 10, 30_000, T0)).toEqual([]);
    const saved = await store.updateCallback(
      'c1',
      (c) => ({ ...c, status: 'resolved', outcome: 'Avoir' }),
      { enqueueAt: T0 },
    );
    expect(saved).toMatchObject({ status: 'resolved', outcome: 'Avoir' });
    expect((await store.claim('salesforce', 'w1', 10, 30_000, T0)).map((j) => j.ref)).toEqual([
      'c1',
    ]);
    expect(await store.updateCallback('nope', (c) => c)).toBeUndefined();
  });
});
