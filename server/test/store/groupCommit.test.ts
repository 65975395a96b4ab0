import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Answer, Rating } from '@boucle/shared/schemas';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { KyselyStore } from '../../src/store/kysely.ts';
import { PostgresStore } from '../../src/store/postgres.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { freshDatabase } from './postgres.ts';

// Concurrent requests' answers are committed together, and each request still gets exactly what
// it would have got alone: its own counts, its own error, an answer only once it is durable.

const T0 = Date.parse('2026-11-01T12:00:00Z');

function answer(id: string, overrides: Partial<Answer> = {}): Answer {
  return {
    id,
    source: 'api',
    metric: 'nps',
    score: 9,
    answeredAt: new Date(T0 - 3_600_000).toISOString(),
    respondent: { email: 'claire@acme.example' },
    account: { domain: 'acme.example' },
    ...overrides,
  } as Answer;
}

/** An answer the database refuses (a score is required): what fails its request's transaction. */
const refused = (id: string) => answer(id, { score: null as unknown as number });

interface Opened {
  store: KyselyStore;
  /** Reopens the same database (after `close`). */
  reopen: () => Promise<KyselyStore>;
  /** Whether an answer is committed, read on a connection of its own. */
  committed: (id: string) => Promise<boolean>;
  end: () => Promise<void>;
}

const dialects: [string, () => Promise<Opened>][] = [
  [
    'SQLite',
    async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'boucle-group-')), 'boucle.db');
      const store = new SqliteStore(path);
      const reader = new Database(path, { readonly: true });
      return {
        store,
        reopen: async () => new SqliteStore(path),
        committed: async (id) =>
          reader.prepare('SELECT 1 FROM answers WHERE id = ?').get(id) !== undefined,
        end: async () => void reader.close(),
      };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await freshDatabase();
      const store = await PostgresStore.open(url);
      const reader = new pg.Client({ connectionString: url });
      await reader.connect();
      return {
        store,
        reopen: () => PostgresStore.open(url),
        committed: async (id) =>
          ((await reader.query('SELECT 1 FROM answers WHERE id = $1', [id])).rowCount ?? 0) > 0,
        end: () => reader.end(),
      };
    },
  ],
];

describe.each(dialects)('group commit on %s', (_name, open) => {
  let opened: Opened | undefined;
  const stores: KyselyStore[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await opened?.end();
  });
  const start = async () => {
    opened = await open();
    stores.push(opened.store);
    return opened.store;
  };

  it('commits concurrent requests in one transaction, each with its own counts', async () => {
    const store = await start();
    await store.ingestAnswers([answer('before')], ['salesforce'], T0);
    const before = store.ingestTransactions;
    const results = await Promise.all([
      store.ingestAnswers([answer('a1'), answer('a2'), answer('a1')], ['salesforce'], T0),
      store.ingestAnswers([answer('a2'), answer('a3')], ['salesforce', 'hubspot'], T0),
      store.ingestAnswers([answer('before')], ['salesforce'], T0),
      store.ingestAnswers([answer('a4')], ['hubspot'], T0 + 1),
    ]);
    expect(store.ingestTransactions - before).toBe(1);
    // Duplicates within a request, across requests of the group and with what was stored before.
    expect(results).toEqual([
      { accepted: 2, duplicates: 1 },
      { accepted: 1, duplicates: 1 },
      { accepted: 0, duplicates: 1 },
      { accepted: 1, duplicates: 0 },
    ]);
    // Each request's answers are queued to its own CRMs.
    expect(await store.queueStats()).toEqual({ 'salesforce.ready': 4, 'hubspot.ready': 2 });
  });

  it('commits concurrent ratings in one transaction, each with its own counts', async () => {
    const store = await start();
    const rating = (id: string): Rating =>
      ({
        id,
        source: 'api',
        interactionId: `case-${id}`,
        employeeEmail: 'paul@vendor.example',
        rating: 4,
        ratedAt: new Date(T0).toISOString(),
      }) as Rating;
    const before = store.ingestTransactions;
    const results = await Promise.all([
      store.ingestRatings([rating('r1'), rating('r2')], ['salesforce'], T0),
      store.ingestRatings([rating('r2'), rating('r3')], ['salesforce'], T0),
    ]);
    expect(store.ingestTransactions - before).toBe(1);
    expect(results).toEqual([
      { accepted: 2, duplicates: 0 },
      { accepted: 1, duplicates: 1 },
    ]);
  });

  it('fails only the request the database refuses; the others of its group are stored', async () => {
    const store = await start();
    const results = await Promise.allSettled([
      store.ingestAnswers([answer('ok1')], ['salesforce'], T0),
      store.ingestAnswers([answer('bad-neighbour'), refused('bad')], ['salesforce'], T0),
      store.ingestAnswers([answer('ok2'), answer('ok1')], ['salesforce'], T0),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[0]).toEqual({ status: 'fulfilled', value: { accepted: 1, duplicates: 0 } });
    expect(results[2]).toEqual({ status: 'fulfilled', value: { accepted: 1, duplicates: 1 } });
    // The refused request is written all or nothing, as alone.
    expect([
      ...(await store.getAnswers(['api:ok1', 'api:ok2', 'api:bad-neighbour'])).keys(),
    ]).toEqual(['api:ok1', 'api:ok2']);
    expect(await store.queueStats()).toEqual({ 'salesforce.ready': 2 });
  });

  it('acknowledges a request only once its answers are committed', async () => {
    const store = await start();
    const seen: boolean[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store
          .ingestAnswers([answer(`d${i}`)], ['salesforce'], T0)
          .then(async () => seen.push(await opened!.committed(`d${i}`))),
      ),
    );
    expect(seen).toEqual(Array.from({ length: 8 }, () => true));
  });

  it('commits what it accepted before closing: nothing acknowledged is lost', async () => {
    const store = await start();
    const pending = Array.from({ length: 20 }, (_, i) =>
      store.ingestAnswers([answer(`c${i}`)], ['salesforce'], T0),
    );
    stores.splice(0);
    await store.close();
    const results = await Promise.all(pending);
    expect(results.every((r) => r.accepted === 1)).toBe(true);
    const reopened = await opened!.reopen();
    stores.push(reopened);
    const refs = Array.from({ length: 20 }, (_, i) => `api:c${i}`);
    expect((await reopened.getAnswers(refs)).size).toBe(20);
  });
});
