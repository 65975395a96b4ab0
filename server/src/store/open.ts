import type { Config } from '../config/config.ts';
import { PostgresStore } from './postgres.ts';
import { SqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';

/** Where the store is: PostgreSQL at `DATABASE_URL` when set, else the SQLite file `BOUCLE_DB`. */
export type StoreLocation = Pick<Config, 'dbPath' | 'databaseUrl'>;

/** The store cannot be opened (PostgreSQL unreachable, refused credentials…): say which and why. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** Opens the store the configuration names, applying its migrations. */
export async function openStore(location: StoreLocation): Promise<Store> {
  if (!location.databaseUrl) return new SqliteStore(location.dbPath);
  try {
    return await PostgresStore.open(location.databaseUrl);
  } catch (error) {
    throw new StoreUnavailableError(
      `cannot open the PostgreSQL database at DATABASE_URL (${describeUrl(location.databaseUrl)}): ${(error as Error).message}`,
    );
  }
}

/** The URL without its password, for messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'not a URL';
  }
}

/** Where the store is, for people: the file, or the database without its password. */
export function describeStore(location: StoreLocation): string {
  return location.databaseUrl ? `PostgreSQL ${describeUrl(location.databaseUrl)}` : location.dbPath;
}
