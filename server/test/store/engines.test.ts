import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS as PG_MIGRATIONS, PostgresStore } from '../../src/store/postgres.ts';
import { MIGRATIONS as SQLITE_MIGRATIONS, SqliteStore } from '../../src/store/sqlite.ts';
import { before, iso, LEGACY_CALLBACK, LEGACY_COLUMNS, T0, timeColumns } from './fixtures.ts';
import { freshDatabase } from './postgres.ts';

// What each engine does on its own: migrations under concurrent replicas, advisory locks, upgrades
// of databases written before a migration, and the errors it opens with.

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
