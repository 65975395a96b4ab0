import type { Answer, Rating } from '@boucle/shared/schemas';
import { PostgresStore } from '../../src/store/postgres.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import type { Store, StoredCallback } from '../../src/store/store.ts';
import { freshDatabase } from './postgres.ts';

// What the store contract tests share: fixtures, and the two stores every contract runs on.

export const T0 = Date.parse('2026-11-01T12:00:00Z');
export const iso = (ms: number) => new Date(ms).toISOString();

export function answer(id: string, overrides: Partial<Answer> = {}): Answer {
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

export function rating(id: string, interactionId: string): Rating {
  return {
    id,
    source: 'api',
    interactionId,
    employeeEmail: 'paul@vendor.example',
    rating: 4,
    ratedAt: iso(T0),
  } as Rating;
}

export function callback(id: string, overrides: Partial<StoredCallback> = {}): StoredCallback {
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
export async function timeColumns(store: Store, id: string) {
  const sql = 'SELECT created_at, first_contact_at, closed_at FROM callbacks WHERE id = ';
  if (store instanceof SqliteStore) return store.db.prepare(`${sql}?`).get(id);
  return (await (store as PostgresStore).pool.query(`${sql}$1`, [id])).rows[0];
}

/** The migrations before the one that added the callbacks' time columns: a database of then. */
export const before = (migrations: readonly string[]) =>
  migrations.slice(
    0,
    migrations.findIndex((sql) => sql.includes('callbacks_created_at')),
  );

/** A callback row as a server of before the time columns wrote it: the body only. */
export const LEGACY_CALLBACK = {
  ...callback('legacy'),
  createdAt: '2026-11-01T13:00:00+02:00',
  status: 'resolved',
  firstContactAt: '2026-11-01T12:30:00Z',
  reachedAt: '2026-11-01T12:30:00Z',
  closedAt: '2026-11-01T13:00:00Z',
  // Text that looks like a time field must not be mistaken for one.
  notes: 'said "createdAt":"1999-01-01T00:00:00Z" \u0000 jokingly',
};
export const LEGACY_COLUMNS = {
  created_at: '2026-11-01T11:00:00.000Z',
  first_contact_at: '2026-11-01T12:30:00.000Z',
  closed_at: '2026-11-01T13:00:00.000Z',
};

export const stores: [string, () => Promise<Store>][] = [
  ['SQLite', async () => new SqliteStore(':memory:')],
  ['PostgreSQL', async () => PostgresStore.open(await freshDatabase())],
];
