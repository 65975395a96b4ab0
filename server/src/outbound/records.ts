import type { Kysely } from 'kysely';
import type { Dialect } from '../store/dialect.ts';
import { enqueueJobs } from '../store/jobs.ts';
import type { Schema } from '../store/schema.ts';
import type { OutboundTarget } from './config.ts';

/** How an outbound event stands: queued, delivered, out of attempts, or kept unsent (no URL). */
export type OutboundStatus = 'pending' | 'delivered' | 'dead' | 'skipped';

/** The table this module keeps (migration "outbound_events"), beside the store's own. */
export type OutboundSchema = {
  outbound_events: {
    id: string;
    event_key: string;
    target: string;
    type: string;
    data: string;
    created_at: number;
    status: string;
    attempts: number;
    last_error: string | null;
    delivered_at: number | null;
    updated_at: number;
  };
};

/** An outbound event as stored, with where its delivery stands. */
export interface OutboundRecord {
  readonly id: string;
  readonly key: string;
  readonly target: OutboundTarget;
  readonly type: string;
  readonly data: Record<string, unknown>;
  /** When the event was sent to Boucle's outbound channel: the payload's `timestamp`. */
  readonly createdAt: number;
  readonly status: OutboundStatus;
  /** Failed delivery attempts so far. */
  readonly attempts: number;
  readonly lastError?: string;
  readonly deliveredAt?: number;
}

type Row = OutboundSchema['outbound_events'];

const tables = (db: Kysely<Schema>) => db.withTables<OutboundSchema>();

const toRecord = (row: Row): OutboundRecord => ({
  id: row.id,
  key: row.event_key,
  target: row.target as OutboundTarget,
  type: row.type,
  data: JSON.parse(row.data) as Record<string, unknown>,
  createdAt: Number(row.created_at),
  status: row.status as OutboundStatus,
  attempts: Number(row.attempts),
  ...(row.last_error && { lastError: row.last_error }),
  ...(row.delivered_at !== null && { deliveredAt: Number(row.delivered_at) }),
});

/**
 * Stores an event unless one with its key exists, and queues its delivery in the same transaction
 * (a crash leaves both or neither); an event without an endpoint is stored `skipped`, unqueued.
 * Returns the id stored under the key, and whether it was there already.
 */
export async function insertEvent(
  d: Dialect,
  event: {
    id: string;
    key: string;
    target: OutboundTarget;
    type: string;
    data: Record<string, unknown>;
  },
  deliver: boolean,
  now: number,
): Promise<{ id: string; duplicate: boolean }> {
  return d.db.transaction().execute(async (trx) => {
    const inserted = await tables(trx)
      .insertInto('outbound_events')
      .values({
        id: event.id,
        event_key: event.key,
        target: event.target,
        type: event.type,
        data: JSON.stringify(event.data),
        created_at: now,
        status: deliver ? 'pending' : 'skipped',
        attempts: 0,
        last_error: deliver ? null : 'no URL configured for this target',
        delivered_at: null,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('event_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      const known = await tables(trx)
        .selectFrom('outbound_events')
        .select('id')
        .where('event_key', '=', event.key)
        .executeTakeFirstOrThrow();
      return { id: known.id, duplicate: true };
    }
    if (deliver)
      await enqueueJobs(trx, d, [{ crm: 'outbound', kind: 'delivery', ref: event.id, runAt: now }]);
    return { id: event.id, duplicate: false };
  });
}

export async function getEvents(
  d: Dialect,
  ids: readonly string[],
): Promise<Map<string, OutboundRecord>> {
  if (ids.length === 0) return new Map();
  const rows = await tables(d.db)
    .selectFrom('outbound_events')
    .selectAll()
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((row) => [row.id, toRecord(row)]));
}

export async function listEvents(
  d: Dialect,
  filter: { target?: OutboundTarget; status?: OutboundStatus; limit: number },
): Promise<OutboundRecord[]> {
  let query = tables(d.db).selectFrom('outbound_events').selectAll();
  if (filter.target) query = query.where('target', '=', filter.target);
  if (filter.status) query = query.where('status', '=', filter.status);
  const rows = await query.orderBy('created_at', 'desc').limit(filter.limit).execute();
  return rows.map(toRecord);
}

/** Records how a delivery attempt went. */
export async function markEvent(
  d: Dialect,
  id: string,
  change:
    | { status: 'delivered'; now: number }
    | { status: 'pending' | 'dead'; error: string; now: number },
): Promise<void> {
  const db = tables(d.db);
  if (change.status === 'delivered')
    await db
      .updateTable('outbound_events')
      .set({ status: 'delivered', delivered_at: change.now, updated_at: change.now })
      .where('id', '=', id)
      .execute();
  else
    await db
      .updateTable('outbound_events')
      .set((eb) => ({
        status: change.status,
        attempts: eb('attempts', '+', 1),
        last_error: change.error,
        updated_at: change.now,
      }))
      .where('id', '=', id)
      .execute();
}
