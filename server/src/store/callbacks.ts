import type { Answer, Rating } from '@boucle/shared/schemas';
import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from './dialect.ts';
import { CHUNK, enqueueJobs } from './jobs.ts';
import type { Schema } from './schema.ts';
import type { CallbackFilter, Crm, StoredCallback } from './store.ts';

/** An optional instant as the callbacks' time columns keep it: UTC ISO text, or NULL. */
/** Expired signatures are deleted at most this often (per scope and process). */
const SIGNATURE_PRUNE_EVERY_MS = 60_000;

const utc = (instant: string | undefined) => (instant ? new Date(instant).toISOString() : null);

/** A callback's columns besides its id (the body is the callback as the contract has it). */
const columnsOf = (callback: StoredCallback) => ({
  status: callback.status,
  due_at: callback.dueAt,
  account_key: callback.accountKey ?? null,
  respondent_email: callback.respondentEmail?.toLowerCase() ?? null,
  body: JSON.stringify(callback),
  created_at: utc(callback.createdAt),
  first_contact_at: utc(callback.firstContactAt),
  closed_at: utc(callback.closedAt),
});

const bodies = <T>(rows: readonly { body: string }[]) => rows.map((r) => JSON.parse(r.body) as T);

/**
 * The store's callbacks, contacts and privacy erasures, settings, cursors and webhook deliveries:
 * the part of `KyselyStore` outside answers and the queue.
 */
export class CallbackRecords {
  constructor(protected readonly d: Dialect) {}

  protected transaction<T>(work: (trx: Transaction<Schema>) => Promise<T>): Promise<T> {
    return this.d.db.transaction().execute(work);
  }

  /** All or nothing: one statement is already; more (over `CHUNK` rows) take a transaction. */
  protected atomically<T>(rows: number, work: (db: Kysely<Schema>) => Promise<T>): Promise<T> {
    return rows > CHUNK ? this.transaction(work) : work(this.kdb);
  }

  protected get kdb(): Kysely<Schema> {
    return this.d.db;
  }

  async createCallbacks(callbacks: readonly StoredCallback[], now: number) {
    if (callbacks.length === 0) return [];
    return this.transaction(async (trx) => {
      const created: string[] = [];
      for (const callback of callbacks) {
        const row = await trx
          .insertInto('callbacks')
          .values({
            id: callback.id,
            crm: callback.crm,
            answer_ref: callback.answerRef,
            kind: callback.kind,
            ...columnsOf(callback),
          })
          .onConflict((oc) => oc.doNothing())
          .returning('id')
          .executeTakeFirst();
        if (row) created.push(callback.id);
      }
      await enqueueJobs(
        trx,
        this.d,
        callbacks
          .filter((c) => created.includes(c.id))
          .map((c) => ({ crm: c.crm, kind: 'callback' as const, ref: c.id, runAt: now })),
      );
      return created;
    });
  }

  async getCallback(id: string) {
    return (await this.getCallbacks([id])).get(id);
  }

  async getCallbacks(ids: readonly string[]) {
    const result = new Map<string, StoredCallback>();
    if (ids.length === 0) return result;
    const rows = await this.kdb
      .selectFrom('callbacks')
      .select(['id', 'body'])
      .where('id', 'in', [...new Set(ids)])
      .execute();
    for (const row of rows) result.set(row.id, JSON.parse(row.body) as StoredCallback);
    return result;
  }

  async updateCallback(
    id: string,
    change: (current: StoredCallback) => StoredCallback | undefined,
    options: { enqueueAt?: number } = {},
  ) {
    // The row stays locked from the read to the write (SQLite: its one writer; PostgreSQL: a row
    // lock), so that writers changing it wait their turn.
    return this.transaction(async (trx) => {
      const row = await this.d
        .lockRows(trx.selectFrom('callbacks').select('body').where('id', '=', id))
        .executeTakeFirst();
      if (!row) return undefined;
      const next = change(JSON.parse(row.body) as StoredCallback);
      if (!next) return undefined;
      await trx.updateTable('callbacks').set(columnsOf(next)).where('id', '=', id).execute();
      if (options.enqueueAt !== undefined)
        await enqueueJobs(trx, this.d, [
          { crm: next.crm, kind: 'callback', ref: id, runAt: options.enqueueAt },
        ]);
      return next;
    });
  }

  async queueUnsyncedCallbacks(now: number) {
    const result = await this.kdb
      .insertInto('jobs')
      .columns(['crm', 'kind', 'ref', 'state', 'run_at', 'created_at', 'updated_at'])
      .expression((eb) =>
        eb
          .selectFrom('callbacks as c')
          .select([
            'c.crm',
            eb.val('callback').as('kind'),
            'c.id',
            eb.val('ready').as('state'),
            eb.val(now).as('run_at'),
            eb.val(now).as('created_at'),
            eb.val(now).as('updated_at'),
          ])
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('sync_state as s')
                  .select('s.ref')
                  .whereRef('s.crm', '=', 'c.crm')
                  .where('s.kind', '=', 'callback')
                  .whereRef('s.ref', '=', 'c.id')
                  .where('s.state', 'in', ['synced', 'dead']),
              ),
            ),
          )
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('jobs as j')
                  .select('j.id')
                  .whereRef('j.crm', '=', 'c.crm')
                  .where('j.kind', '=', 'callback')
                  .whereRef('j.ref', '=', 'c.id')
                  .where('j.state', 'in', ['ready', 'running', 'dead']),
              ),
            ),
          ),
      )
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  }

  async listCallbacks(filter: CallbackFilter) {
    let query = this.kdb.selectFrom('callbacks').select('body');
    if (filter.status && filter.status !== 'open' && filter.status !== 'overdue')
      query = query.where('status', '=', filter.status);
    else query = query.where('status', 'not in', ['resolved', 'closed_no_contact']);
    if (filter.status === 'overdue')
      query = query
        .where('due_at', '<', new Date(filter.now).toISOString())
        .where('status', 'in', ['open', 'attempted', 'escalated']);
    if (filter.accountKey)
      query = query.where((eb) =>
        eb(eb.fn('lower', ['account_key']), '=', filter.accountKey!.toLowerCase()),
      );
    const rows = await query
      .orderBy('due_at')
      .limit(filter.limit ?? 500)
      .execute();
    return bodies<StoredCallback>(rows);
  }

  async callbacksCreatedSince(sinceIso: string) {
    const rows = await this.kdb
      .selectFrom('callbacks')
      .select('body')
      .where('created_at', '>=', new Date(sinceIso).toISOString())
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return bodies<StoredCallback>(rows);
  }

  async linkContact(crm: Crm, contactId: string, email: string) {
    await this.kdb
      .insertInto('crm_contacts')
      .values({ crm, contact_id: contactId, email: email.toLowerCase() })
      .onConflict((oc) =>
        oc
          .columns(['crm', 'contact_id'])
          .doUpdateSet((eb) => ({ email: eb.ref('excluded.email') })),
      )
      .execute();
  }

  async getSetting<T>(name: string) {
    const row = await this.kdb
      .selectFrom('settings')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async setSetting(name: string, value: unknown, now: number) {
    await this.kdb
      .insertInto('settings')
      .values({ name, value: JSON.stringify(value), updated_at: now })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }

  async answersForRespondent(email: string, limit: number) {
    const rows = await this.kdb
      .selectFrom('answers')
      .select('body')
      .where('email', '=', email.toLowerCase())
      .orderBy('answered_at', 'desc')
      .limit(limit)
      .execute();
    return bodies<Answer>(rows);
  }

  async ratingsForInteractions(interactionIds: readonly string[]) {
    if (interactionIds.length === 0) return [];
    const rows = await this.kdb
      .selectFrom('ratings')
      .select('body')
      .where('interaction_id', 'in', [...new Set(interactionIds)])
      .execute();
    return bodies<Rating>(rows);
  }

  async getCursor(name: string) {
    const row = await this.kdb
      .selectFrom('cursors')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.value;
  }

  async setCursor(name: string, value: string) {
    await this.kdb
      .insertInto('cursors')
      .values({ name, value })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
      )
      .execute();
  }

  async recordDelivery(source: string, deliveryId: string, now: number) {
    const row = await this.kdb
      .insertInto('deliveries')
      .values({ source, delivery_id: deliveryId, received_at: now })
      .onConflict((oc) => oc.doNothing())
      .returning('source')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** When each scope's expired signatures were last deleted (this process's clock). */
  private readonly signaturesPrunedAt = new Map<string, number>();

  // Signatures share the deliveries table under their own source: no migration, same shape. The
  // upsert is atomic, so of two replicas receiving the same signature only one claims it; a row
  // older than `keepMs` is expired and claimed again. Expired rows are deleted at most once a
  // minute per scope, not on every request.
  async claimSignature(scope: string, signature: string, now: number, keepMs: number) {
    const source = `signature:${scope}`;
    const prunedAt = this.signaturesPrunedAt.get(scope);
    if (prunedAt === undefined || now - prunedAt >= SIGNATURE_PRUNE_EVERY_MS) {
      this.signaturesPrunedAt.set(scope, now);
      await this.kdb
        .deleteFrom('deliveries')
        .where('source', '=', source)
        .where('received_at', '<', now - keepMs)
        .execute();
    }
    const row = await this.kdb
      .insertInto('deliveries')
      .values({ source, delivery_id: signature, received_at: now })
      .onConflict((oc) =>
        oc
          .columns(['source', 'delivery_id'])
          .doUpdateSet({ received_at: now })
          .where('deliveries.received_at', '<', now - keepMs),
      )
      .returning('source')
      .executeTakeFirst();
    return row !== undefined;
  }

  async releaseSignature(scope: string, signature: string) {
    await this.kdb
      .deleteFrom('deliveries')
      .where('source', '=', `signature:${scope}`)
      .where('delivery_id', '=', signature)
      .execute();
  }
}
