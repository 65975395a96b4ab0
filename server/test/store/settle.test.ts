import type { Answer } from '@boucle/shared/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import type { Job, Store } from '../../src/store/store.ts';
import { freshDatabase } from './postgres.ts';

// The sync's batch forms: a batch of jobs settled in one transaction does what one call per job
// did, on both stores.

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

/** The sync log, read with the store's own driver. */
async function syncLog(store: Store) {
  const text = 'SELECT crm, kind, ref, outcome, detail, at, crm_id FROM sync_log ORDER BY id';
  if (store instanceof SqliteStore) return store.db.prepare(text).all();
  return (await (store as PostgresStore).pool.query(text)).rows;
}

/** A line of the sync log about a Salesforce answer, as read by `syncLog`. */
const line = (ref: string, outcome: string, detail: string, at: number) => ({
  crm: 'salesforce',
  kind: 'answer',
  ref,
  outcome,
  detail,
  at,
  crm_id: null as string | null,
});

const stores: [string, () => Promise<Store>][] = [
  ['SQLite', async () => new SqliteStore(':memory:')],
  ['PostgreSQL', async () => PostgresStore.open(await freshDatabase())],
];

describe.each(stores)('the %s store settling a batch', (_name, open) => {
  let store: Store;
  afterEach(async () => store?.close());

  /** Five answers queued to Salesforce and claimed, in order a1…a5. */
  async function claimed(): Promise<Job[]> {
    store = await open();
    await store.ingestAnswers(['a1', 'a2', 'a3', 'a4', 'a5'].map(answer), ['salesforce'], T0);
    return store.claim('salesforce', 'w1', 10, 60_000, T0);
  }

  it('marks written records synced with their CRM id and completes their jobs', async () => {
    const [a1, a2] = await claimed();
    const result = await store.settleJobs(
      'salesforce',
      {
        synced: [
          { job: a1!, crmId: 'a0A1' },
          { job: a2!, crmId: 'a0A2' },
        ],
      },
      T0 + 1,
      { maxAttempts: 3 },
    );
    expect(result).toEqual({ dead: [] });
    expect([
      ...(await store.syncStates('salesforce', 'answer', ['api:a1', 'api:a2', 'api:a3'])),
    ]).toEqual([
      ['api:a1', { state: 'synced', crmId: 'a0A1' }],
      ['api:a2', { state: 'synced', crmId: 'a0A2' }],
      ['api:a3', { state: 'pending' }],
    ]);
    expect(await store.queueStats()).toEqual({ 'salesforce.done': 2, 'salesforce.running': 3 });
    // Each record's line, with the CRM id it was written under.
    expect(await syncLog(store)).toEqual([
      { ...line('api:a1', 'synced', '', T0 + 1), crm_id: 'a0A1' },
      { ...line('api:a2', 'synced', '', T0 + 1), crm_id: 'a0A2' },
    ]);
    expect((await store.syncFacts()).lastSynced).toEqual({ 'salesforce.answer': T0 + 1 });
  });

  it('retries, dead-letters and records other states in the same transaction, as one call each did', async () => {
    const [a1, a2, a3, a4] = await claimed();
    // a2 has used up its attempts but one: its next counted failure kills it.
    await store.retry(a2!.id, 'first', 0, T0, { countAttempt: true, maxAttempts: 2 });
    const [again] = await store.claim('salesforce', 'w1', 1, 60_000, T0 + 1);
    expect(again?.ref).toBe('api:a2');
    const result = await store.settleJobs(
      'salesforce',
      {
        retry: [
          { job: a1!, error: 'UNABLE_TO_LOCK_ROW: busy', delayMs: 5_000, countAttempt: true },
          { job: again!, error: 'SERVER_ERROR: 500', delayMs: 5_000, countAttempt: true },
          { job: a4!, error: 'waits for its answer', delayMs: 2_000, countAttempt: false },
        ],
        dead: [{ job: a3!, error: 'INVALID_FIELD: Score__c' }],
        states: [
          {
            crm: 'salesforce',
            kind: 'answer',
            ref: 'api:a4',
            state: 'unmatched',
            detail: 'not found',
          },
        ],
      },
      T0 + 2,
      { maxAttempts: 2 },
    );
    expect(result.dead.sort()).toEqual([a2!.id, a3!.id].sort());
    const dead = await store.listDead(10);
    expect(dead.map((j) => [j.ref, j.lastError]).sort()).toEqual([
      ['api:a2', 'SERVER_ERROR: 500'],
      ['api:a3', 'INVALID_FIELD: Score__c'],
    ]);
    const states = await store.syncStates('salesforce', 'answer', [
      'api:a1',
      'api:a2',
      'api:a3',
      'api:a4',
    ]);
    expect(states.get('api:a1')).toEqual({ state: 'pending' });
    expect(states.get('api:a2')).toEqual({ state: 'dead' });
    expect(states.get('api:a3')).toEqual({ state: 'dead' });
    expect(states.get('api:a4')).toEqual({ state: 'unmatched' });
    // What was retried says why and when it runs again; what died says why.
    expect(await syncLog(store)).toEqual([
      line('api:a1', 'retried', 'attempt 1: UNABLE_TO_LOCK_ROW: busy; again in 5 s', T0 + 2),
      line('api:a2', 'dead', 'after 2 attempts: SERVER_ERROR: 500', T0 + 2),
      line(
        'api:a4',
        'retried',
        'not sent: waits for its answer; again in 2 s, no attempt spent',
        T0 + 2,
      ),
      line('api:a3', 'dead', 'INVALID_FIELD: Score__c', T0 + 2),
    ]);
    // The retried ones are due again after their delay, the uncounted one without an attempt spent.
    expect(
      (await store.claim('salesforce', 'w2', 10, 60_000, T0 + 2_002)).map((j) => [
        j.ref,
        j.attempts,
      ]),
    ).toEqual([['api:a4', 0]]);
    expect(
      (await store.claim('salesforce', 'w2', 10, 60_000, T0 + 5_002)).map((j) => [
        j.ref,
        j.attempts,
      ]),
    ).toEqual([['api:a1', 1]]);
  });

  it('sets many sync states and log lines at once, a state without a CRM id keeping the known one', async () => {
    store = await open();
    await store.setSyncState('hubspot', 'answer', 'api:a1', 'synced', undefined, '901');
    await store.setSyncStates([
      { crm: 'hubspot', kind: 'answer', ref: 'api:a1', state: 'synced', detail: 'again' },
      { crm: 'hubspot', kind: 'answer', ref: 'api:a2', state: 'unmatched', detail: 'not found' },
      { crm: 'salesforce', kind: 'rating', ref: 'api:r1', state: 'synced', crmId: 'a1B1' },
    ]);
    expect([...(await store.syncStates('hubspot', 'answer', ['api:a1', 'api:a2']))]).toEqual([
      ['api:a1', { state: 'synced', crmId: '901' }],
      ['api:a2', { state: 'unmatched' }],
    ]);
    expect((await store.syncStates('salesforce', 'rating', ['api:r1'])).get('api:r1')).toEqual({
      state: 'synced',
      crmId: 'a1B1',
    });
    const lines = Array.from({ length: 700 }, (_, i) => ({
      crm: 'hubspot' as const,
      kind: 'answer' as const,
      ref: `api:a${i}`,
      outcome: 'synced',
      detail: '',
      at: T0 + i,
    }));
    await store.logMany(lines);
    expect(await syncLog(store)).toEqual(lines.map((l) => ({ ...l, crm_id: null })));
  });
});
