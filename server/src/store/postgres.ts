import type pg from 'pg';
import { type Dialect, openPostgres } from './dialect.ts';
import { KyselyStore } from './kysely.ts';

export { POSTGRES_MIGRATIONS as MIGRATIONS } from './migrations.ts';

/**
 * The PostgreSQL store (`DATABASE_URL`): the same tables and semantics as the SQLite store, for
 * several server replicas sharing one database. Jobs are claimed with `FOR UPDATE SKIP LOCKED`, so
 * concurrent workers never claim one job twice; leases and heartbeats work as in SQLite.
 */
export class PostgresStore extends KyselyStore {
  private constructor(
    dialect: Dialect,
    /** The connection pool, for tools and tests that query it directly. */
    readonly pool: pg.Pool,
  ) {
    super(dialect);
  }

  /** Connects, checks the database answers, and applies the migrations it lacks. */
  static async open(connectionString: string): Promise<PostgresStore> {
    const { pool, dialect } = await openPostgres(connectionString);
    return new PostgresStore(dialect, pool);
  }
}
