import type Database from 'better-sqlite3';
import { openSqlite } from './dialect.ts';
import { KyselyStore } from './kysely.ts';

export { SQLITE_MIGRATIONS as MIGRATIONS } from './migrations.ts';

/** The SQLite store (the default): one file, WAL journal, safe for one server process. */
export class SqliteStore extends KyselyStore {
  /** The file's own connection, for tools and tests that read it directly. */
  readonly db: Database.Database;

  constructor(path: string) {
    const { raw, dialect } = openSqlite(path);
    super(dialect);
    this.db = raw;
  }
}
