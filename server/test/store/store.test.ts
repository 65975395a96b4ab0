import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countNps } from '@boucle/shared';
import type { Answer, Rating } from '@boucle/shared/schemas';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS as PG_MIGRATIONS, PostgresStore } from '../../src/store/postgres.ts';
import { MIGRATIONS as SQLITE_MIGRATIONS, SqliteStore } from '../../src/store/sqlite.ts';
import type { Store, StoredCallback } from '../../src/store/store.ts';
import { freshDatabase } from './postgres.ts';

// What every store promises the server, checked on SQLite (the default) and PostgreSQL alike.

const T0 = Date.parse('2026-11-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function answer(id: string, overrides: Partial<Answer> = {}): Answer {
  return {
    id,
    source: 'api',
    metric: 'nps',
    score: 9,
    answeredAt: iso(T0 - 3_600_000),
    respondent: { email: 'Claire@Acme.example' },
    account: { domain: 'acme.example' },
    comment: 'Très bien',
    ...overrides,
  } as Answer;
}

function rating(id: string, interactionId: string): Rating {
  return {
    id,
    source: 'api',
    interactionId,
    employeeEmail: 'paul@vendor.example',
    rating: 4,
    ratedAt: iso(T0),
  } as Rating;
}

function callback(id: string, overrides: Partial<StoredCallback> = {}): StoredCallback {
  return {
    id,
    crm: 'salesforce',
    answerRef: 'api:a1',
    kind: 'detractor_recovery',
    status: 'open',
    dueAt: iso(T0 + 24 * 3_600_000),
    slaHours: 24,
    createdAt: iso(T0),
    accountKey: 'acme.example',
    respondentEmail: 'claire@acme.example',
    ...overrides,
  } as StoredCallback;
}

/** The time columns of a callback's row, read with the store's own driver. */
async function timeColumns(store: Store, id: string) {
  const sql = 'SELECT created_at, first_contact_at, closed_at FROM callbacks WHERE id = ';
  if (store instanceof SqliteStore) return store.db.prepare(`${sql}?`).get(id);
  return (await (store as PostgresStore).pool.query(`${sql}$1`, [id])).rows[0];
}

/** The migrations before the one that added the callbacks' time columns: a database of then. */
const before = (migrations: readonly string[]) =>
  migrations.slice(
    0,
    migrations.findIndex((sql) => sql.includes('callbacks_created_at')),
  );

/** A callback row as a server of before the time columns wrote it: the body only. */
const LEGACY_CALLBACK = {
  ...callback('legacy'),
  createdAt: '2026-11-01T13:00:00+02:00',
  status: 'resolved',
  firstContactAt: '2026-11-01T12:30:00Z',
  reachedAt: '2026-11-01T12:30:00Z',
  closedAt: '2026-11-01T13:00:00Z',
  // Text that looks like a time field must not be mistaken for one.
  notes: 'said "createdAt":"1999-01-01T00:00:00Z" \u0000 jokingly',
};
const LEGACY_COLUMNS = {
  created_at: '2026-11-01T11:00:00.000Z',
  first_contact_at: '2026-11-01T12:30:00.000Z',
  closed_at: '2026-11-01T13:00:00.000Z',
};

const stores: [string, () => Promise<Store>][] = [
  ['SQLite', async () => new SqliteStore(':memory:')],
  ['PostgreSQL', async () => PostgresStore.open(await freshDatabase())],
];

describe.each(stores)('the %s store', (_name, open) => {
  let store: Store;
  afterEach(async () => store?.close());

  it('counts the touchpoint labels answers carry, as sent', async () => {
    store = await open();
    await store.ingestAnswers(
      [
        answer('t1', { touchpoint: 'Après-vente' }),
        answer('t2', { touchpoint: 'Après-vente' }),
        answer('t3', { touchpoint: 'onboarding' }),
        answer('t4'),
      ],
      ['salesforce'],
      T0,
    );
    expect(await store.touchpointCounts()).toEqual([
      { label: 'Après-vente', answers: 2 },
      { label: 'onboarding', answers: 1 },
    ]);
  });

  it('stores an answer once by (source, id), the first of a batch winning, and queues it per CRM', async () => {
    store = await open();
    expect(
      await store.ingestAnswers(
        [answer('a1'), answer('a2'), answer('a1', { score: 0 })],
        ['salesforce', 'hubspot'],
        T0,
      ),
    ).toEqual({ accepted: 2, duplicates: 1 });
    expect(await store.ingestAnswers([answer('a1')], ['salesforce'], T0)).toEqual({
      accepted: 0,
      duplicates: 1,
    });
    expect(
      await store.ingestAnswers([answer('a1', { source: 'typeform' })], ['salesforce'], T0),
    ).toEqual({ accepted: 1, duplicates: 0 });
    expect((await store.getAnswers(['api:a1', 'api:zz'])).get('api:a1')?.score).toBe(9);
    expect(await store.queueStats()).toEqual({ 'salesforce.ready': 3, 'hubspot.ready': 2 });
    const states = await store.syncStates('hubspot', 'answer', ['api:a1', 'typeform:a1']);
    expect([...states.entries()]).toEqual([['api:a1', { state: 'pending' }]]);
  });

  it('counts the NPS categories since an instant in the database, as computeNps counts the answers', async () => {
    store = await open();
    const answers = [
      answer('p1', { score: 10 }),
      answer('p2', { score: 9 }),
      answer('pa', { score: 7 }),
      answer('d1', { score: 6 }),
      answer('d0', { score: 0 }),
      answer('old', { score: 0, answeredAt: iso(T0 - 400 * 86_400_000) }),
      answer('csat', { metric: 'csat', score: 2 }),
    ];
    await store.ingestAnswers(answers, ['salesforce'], T0);
    const since = iso(T0 - 30 * 86_400_000);
    expect(await store.npsCountsSince(since)).toEqual(
      countNps(answers.filter((a) => a.answeredAt >= since)),
    );
    expect(await store.npsCountsSince(since)).toEqual({ promoters: 2, passives: 1, detractors: 2 });
    expect(await store.npsCountsSince(iso(T0 + 86_400_000))).toEqual({
      promoters: 0,
      passives: 0,
      detractors: 0,
    });
  });

  it('finds answers by account, time, interaction and respondent', async () => {
    store = await open();
    await store.ingestAnswers(
      [
        answer('old', { answeredAt: iso(T0 - 400 * 86_400_000) }),
        answer('new', { interactionId: 'case-1' }),
        answer('other', {
          account: { domain: 'globex.example' },
          respondent: { email: 'x@globex.example' },
        }),
      ],
      ['salesforce'],
      T0,
    );
    const since = iso(T0 - 30 * 86_400_000);
    expect((await store.answersForAccount(['ACME.example'], since)).map((a) => a.id)).toEqual([
      'new',
    ]);
    expect((await store.answersSince(since)).map((a) => a.id).sort()).toEqual(['new', 'other']);
    expect((await store.answerForInteraction('case-1'))?.id).toBe('new');
    expect(await store.answerForInteraction('nope')).toBeUndefined();
    expect((await store.answersForRespondent('claire@acme.example', 10)).map((a) => a.id)).toEqual([
      'new',
      'old',
    ]);
    await store.linkAnswerAccount('api:other', '001000000000001AAA');
    expect((await store.answersForAccount(['001000000000001aaa'], since)).map((a) => a.id)).toEqual(
      ['other'],
    );
  });

  it('keeps sync states, parks unmatched answers and lists them', async () => {
    store = await open();
    await store.ingestAnswers([answer('a1')], ['salesforce'], T0);
    await store.setSyncState('salesforce', 'answer', 'api:a1', 'synced', undefined, 'a0A1');
    await store.setSyncState('salesforce', 'answer', 'api:a1', 'synced', 'again');
    expect((await store.syncStates('salesforce', 'answer', ['api:a1'])).get('api:a1')).toEqual({
      state: 'synced',
      crmId: 'a0A1',
    });
    await store.setSyncState('salesforce', 'answer', 'api:a1', 'unmatched', 'no contact');
    expect(await store.unmatchedAnswers(10)).toEqual([
      { crm: 'salesforce', detail: 'no contact', answer: expect.objectContaining({ id: 'a1' }) },
    ]);
  });

  it('stores ratings once and finds them by interaction', async () => {
    store = await open();
    expect(
      await store.ingestRatings([rating('r1', 'case-1'), rating('r1', 'case-1')], ['hubspot'], T0),
    ).toEqual({ accepted: 1, duplicates: 1 });
    expect((await store.ratingForInteraction('case-1'))?.id).toBe('r1');
    expect((await store.ratingsForInteractions(['case-1', 'case-2'])).map((r) => r.id)).toEqual([
      'r1',
    ]);
    expect((await store.getRatings(['api:r1'])).size).toBe(1);
  });

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

  it('erases a contact: answers and callbacks lose the person, a later replay comes back redacted', async () => {
    store = await open();
    await store.ingestAnswers([answer('a1')], ['hubspot'], T0);
    // A manager's notes may hold any character, NUL included.
    await store.createCallbacks([callback('c1', { notes: 'Rappel \u0000 fait' })], T0);
    await store.linkContact('hubspot', '901', 'CLAIRE@acme.example');
    expect(await store.eraseContact('hubspot', '901', T0)).toBe(1);
    const erased = (await store.getAnswers(['api:a1'])).get('api:a1');
    expect(erased).not.toHaveProperty('respondent');
    expect(erased).not.toHaveProperty('comment');
    expect(erased?.score).toBe(9);
    expect(await store.getCallback('c1')).not.toHaveProperty('respondentEmail');
    expect((await store.getCallback('c1'))?.notes).toBe('Rappel \u0000 fait');
    expect(await store.answersForRespondent('claire@acme.example', 10)).toEqual([]);
    await store.ingestAnswers([answer('a9')], ['hubspot'], T0);
    expect((await store.getAnswers(['api:a9'])).get('api:a9')).not.toHaveProperty('respondent');
    expect(await store.eraseContact('hubspot', '901', T0)).toBe(0);
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

describe('the PostgreSQL store', () => {
  it('applies its migrations once when replicas start together', async () => {
    const url = await freshDatabase();
    const replicas = await Promise.all(Array.from({ length: 5 }, () => PostgresStore.open(url)));
    const { rows } = await replicas[0]!.pool.query(
      'SELECT version, COUNT(*)::int AS times FROM migrations GROUP BY version ORDER BY version',
    );
    expect(rows).toEqual(PG_MIGRATIONS.map((_sql, i) => ({ version: i + 1, times: 1 })));
    await Promise.all(replicas.map((r) => r.close()));
  });

  it('runs exclusive work on one replica at a time, and again once it is done', async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([PostgresStore.open(url), PostgresStore.open(url)]);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = a.runExclusive('sweep', async () => {
      await held;
      return 'a ran';
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await b.runExclusive('sweep', async () => 'b ran')).toBeUndefined();
    expect(await b.runExclusive('another job', async () => 'b ran')).toBe('b ran');
    release();
    expect(await first).toBe('a ran');
    expect(await b.runExclusive('sweep', async () => 'b ran')).toBe('b ran');
    await Promise.all([a.close(), b.close()]);
  });

  it('fills the time columns of callbacks stored before they existed', async () => {
    const url = await freshDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(
      'CREATE TABLE migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    for (const [index, sql] of before(PG_MIGRATIONS).entries()) {
      await client.query(sql);
      await client.query('INSERT INTO migrations VALUES ($1, $2)', [index + 1, iso(T0)]);
    }
    await client.query(
      `INSERT INTO callbacks (id, crm, answer_ref, kind, status, due_at, body)
       VALUES ('legacy', 'salesforce', 'api:a1', 'detractor_recovery', 'resolved', $1, $2)`,
      [LEGACY_CALLBACK.dueAt, JSON.stringify(LEGACY_CALLBACK)],
    );
    await client.end();
    const store = await PostgresStore.open(url);
    expect(await timeColumns(store, 'legacy')).toEqual(LEGACY_COLUMNS);
    expect((await store.callbacksCreatedSince(iso(T0 - 3_600_000))).map((c) => c.id)).toEqual([
      'legacy',
    ]);
    await store.close();
  });

  it('says why it cannot open a database, without the password', async () => {
    const { openStore } = await import('../../src/store/open.ts');
    const error = await openStore({
      dbPath: 'unused',
      databaseUrl: 'postgres://boucle:s3cret@127.0.0.1:1/boucle',
    }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^cannot open the PostgreSQL database at DATABASE_URL \(postgres:\/\/boucle:\*\*\*@127\.0\.0\.1:1\/boucle\): /,
    );
    expect((error as Error).message).not.toContain('s3cret');
  });
});

describe('the SQLite store', () => {
  it('fills the time columns of callbacks stored before they existed', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'boucle-store-')), 'boucle.db');
    const db = new Database(path);
    db.exec('CREATE TABLE migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    before(SQLITE_MIGRATIONS).forEach((sql, index) => {
      db.exec(sql);
      db.prepare('INSERT INTO migrations VALUES (?, ?)').run(index + 1, iso(T0));
    });
    db.prepare(
      `INSERT INTO callbacks (id, crm, answer_ref, kind, status, due_at, body)
       VALUES ('legacy', 'salesforce', 'api:a1', 'detractor_recovery', 'resolved', ?, ?)`,
    ).run(LEGACY_CALLBACK.dueAt, JSON.stringify(LEGACY_CALLBACK));
    db.close();
    const store = new SqliteStore(path);
    expect(await timeColumns(store, 'legacy')).toEqual(LEGACY_COLUMNS);
    expect((await store.callbacksCreatedSince(iso(T0 - 3_600_000))).map((c) => c.id)).toEqual([
      'legacy',
    ]);
    await store.close();
  });
});
