import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  type RawBuilder,
  type SelectQueryBuilder,
  SqliteDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from './migrations.ts';
import type { Schema } from './schema.ts';

/**
 * What differs between SQLite and PostgreSQL, and nothing else: the store's one code path asks
 * these few hooks where the two databases part ways.
 */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  readonly db: Kysely<Schema>;
  /**
   * Row locks for a read-then-write: `FOR UPDATE` (with `SKIP LOCKED` for queue claims, so that
   * concurrent workers never claim one job twice) in PostgreSQL; SQLite has one writer, whose
   * transaction already excludes every other.
   */
  lockRows<O>(
    query: SelectQueryBuilder<Schema, keyof Schema, O>,
    skipLocked?: boolean,
  ): SelectQueryBuilder<Schema, keyof Schema, O>;
  /** A boolean column's value: SQLite binds 0/1, PostgreSQL a BOOLEAN. */
  flag(value: boolean): number | boolean;
  /** A text field of a JSON body column. */
  jsonText(column: string, field: string): RawBuilder<string | null>;
  /**
   * Runs `work` unless another process sharing the database runs work of that name: a session
   * advisory lock in PostgreSQL; SQLite has one server process per file, so it always runs.
   */
  runExclusive<T>(name: string, work: () => Promise<T>): Promise<T | undefined>;
}

const sqliteDialect = (db: Kysely<Schema>): Dialect => ({
  name: 'sqlite',
  db,
  lockRows: (query) => query,
  flag: (value) => (value ? 1 : 0),
  jsonText: (column, field) =>
    sql<string | null>`json_extract(${sql.ref(column)}, ${sql.lit(`$.${field}`)})`,
  runExclusive: (_name, work) => work(),
});

const postgresDialect = (db: Kysely<Schema>): Dialect => ({
  name: 'postgres',
  db,
  lockRows: (query, skipLocked) =>
    skipLocked ? query.forUpdate().skipLocked() : query.forUpdate(),
  flag: (value) => value,
  jsonText: (column, field) => sql<string | null>`${sql.ref(column)}::jsonb->>${sql.lit(field)}`,
  async runExclusive(name, work) {
    // A session lock on one connection held for the work; the others return without waiting.
    return db.connection().execute(async (connection) => {
      const key = `boucle:${name}`;
      const { rows } = await sql<{
        locked: boolean;
      }>`SELECT pg_try_advisory_lock(hashtext(${key})) AS locked`.execute(connection);
      if (!rows[0]?.locked) return undefined;
      try {
        return await work();
      } finally {
        await sql`SELECT pg_advisory_unlock(hashtext(${key}))`.execute(connection);
      }
    });
  },
});

/** Statements prepared once per distinct SQL text: the builder emits few, reused on every call. */
function withStatementCache(database: Database.Database) {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (!statement) {
        // Texts with many placeholders (batches) vary in length: bound the cache.
        if (statements.size >= 500) statements.clear();
        statement = database.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

/**
 * Opens a SQLite file (WAL journal, safe for one server process) and applies its migrations,
 * synchronously so that a store is usable as soon as it is constructed.
 */
export function openSqlite(path: string): { raw: Database.Database; dialect: Dialect } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  raw.exec(
    'CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  const applied = new Set(
    (raw.prepare('SELECT version FROM migrations').all() as { version: number }[]).map(
      (row) => row.version,
    ),
  );
  SQLITE_MIGRATIONS.forEach((text, index) => {
    if (applied.has(index + 1)) return;
    raw.transaction(() => {
      raw.exec(text);
      raw
        .prepare('INSERT INTO migrations (version, applied_at) VALUES (?, ?)')
        .run(index + 1, new Date().toISOString());
    })();
  });
  const db = new Kysely<Schema>({
    dialect: new SqliteDialect({ database: withStatementCache(raw) }),
  });
  return { raw, dialect: sqliteDialect(db) };
}

/** Connects to PostgreSQL, checks the database answers, and applies the migrations it lacks. */
export async function openPostgres(
  connectionString: string,
): Promise<{ pool: pg.Pool; dialect: Dialect }> {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    // BIGINT columns hold epoch milliseconds and counts: numbers, not strings.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A broken idle connection is replaced by the pool; it must not crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  try {
    await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext('boucle-migrations'))`.execute(trx);
      await sql`CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`.execute(
        trx,
      );
      const applied = new Set(
        (await trx.selectFrom('migrations').select('version').execute()).map((r) => r.version),
      );
      for (const [index, text] of POSTGRES_MIGRATIONS.entries()) {
        if (applied.has(index + 1)) continue;
        // No parameters: the simple protocol runs a migration's several statements at once.
        await sql.raw(text).execute(trx);
        await trx
          .insertInto('migrations')
          .values({ version: index + 1, applied_at: new Date().toISOString() })
          .execute();
      }
    });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { pool, dialect: postgresDialect(db) };
}
