import type { Answer, Rating } from '@boucle/shared/schemas';
import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from './dialect.ts';
import { CHUNK, chunks, enqueueJobs } from './jobs.ts';
import type { Schema } from './schema.ts';
import { composeCallback, linkOfRow, linkRow, sidesOf } from './callbackLinks.ts';
import type { CallbackFilter, CallbackLink, Crm, StoredCallback } from './store.ts';

/** An optional instant as the callbacks' time columns keep it: UTC ISO text, or NULL. */
/** Expired signatures are deleted at most this often (per scope and process). */
const SIGNATURE_PRUNE_EVERY_MS = 60_000;

const utc = (instant: string | undefined) => (instant ? new Date(instant).toISOString() : null);

/** A callback's columns besides its id (the body is the callback as the contract has it). */
const columnsOf = (callback: StoredCallback) => {
  const { links: _links, ...body } = callback;
  return {
    status: callback.status,
    due_at: callback.dueAt,
    account_key: callback.accountKey ?? null,
    respondent_email: callback.respondentEmail?.toLowerCase() ?? null,
    body: JSON.stringify(body),
    created_at: utc(callback.createdAt),
    first_contact_at: utc(callback.firstContactAt),
    closed_at: utc(callback.closedAt),
  };
};

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
      const touched = new Set<string>();
      const jobs: { crm: Crm; kind: 'callback'; ref: string; runAt: number }[] = [];
      // In one order everywhere: two replicas raising the same callbacks for their CRMs wait on
      // each other's rows in turn, never in a cycle (a deadlock).
      const ordered = [...callbacks].sort((a, b) =>
        `${a.answerRef}\u0000${a.kind}` < `${b.answerRef}\u0000${b.kind}` ? -1 : 1,
      );
      for (const callback of ordered) {
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
        // One callback per answer and kind: another CRM raised it already, this one adds its side.
        const id =
          row?.id ??
          (
            await trx
              .selectFrom('callbacks')
              .select('id')
              .where('answer_ref', '=', callback.answerRef)
              .where('kind', '=', callback.kind)
              .executeTakeFirst()
          )?.id;
        if (!id) continue;
        if (!row) await this.tightenSla(trx, id, callback);
        for (const link of sidesOf(callback)) {
          const added = await trx
            .insertInto('callback_links')
            .values(linkRow(id, link.key === callback.id ? { ...link, key: id } : link))
            .onConflict((oc) => oc.doNothing())
            .returning('crm')
            .executeTakeFirst();
          if (!added) continue;
          touched.add(id);
          jobs.push({ crm: link.crm, kind: 'callback', ref: id, runAt: now });
        }
      }
      await enqueueJobs(trx, this.d, jobs);
      return [...touched];
    });
  }

  /**
   * One callback for every CRM that raises it: the tighter SLA of theirs stands (a customer does
   * not wait longer because another CRM's rules are slower), while the callback is still open.
   */
  private async tightenSla(trx: Transaction<Schema>, id: string, raised: StoredCallback) {
    const row = await this.d
      .lockRows(trx.selectFrom('callbacks').select('body').where('id', '=', id))
      .executeTakeFirst();
    if (!row) return;
    const current = JSON.parse(row.body) as StoredCallback;
    if (current.status !== 'open' || Date.parse(raised.dueAt) >= Date.parse(current.dueAt)) return;
    const { escalateAt: _escalateAt, ...rest } = current;
    const next = {
      ...rest,
      dueAt: raised.dueAt,
      slaHours: raised.slaHours,
      ...(raised.escalateAt && { escalateAt: raised.escalateAt }),
      links: [],
    };
    await trx.updateTable('callbacks').set(columnsOf(next)).where('id', '=', id).execute();
  }

  /** The sides of these callbacks, by callback id. */
  private async linksOf(db: Kysely<Schema>, ids: readonly string[]) {
    const links = new Map<string, CallbackLink[]>();
    for (const part of chunks([...new Set(ids)])) {
      const rows = await db
        .selectFrom('callback_links')
        .selectAll()
        .where('callback_id', 'in', part)
        .execute();
      for (const row of rows) {
        const list = links.get(row.callback_id) ?? [];
        list.push(linkOfRow(row));
        links.set(row.callback_id, list);
      }
    }
    return links;
  }

  /** Rows of callbacks with their sides. */
  private async withLinks(db: Kysely<Schema>, rows: readonly { id: string; body: string }[]) {
    const links = await this.linksOf(
      db,
      rows.map((row) => row.id),
    );
    return rows.map((row) => composeCallback(row.body, links.get(row.id) ?? []));
  }

  /** The id of the callback a former per-CRM id (a side's key) now belongs to. */
  private async idOfKey(db: Kysely<Schema>, key: string) {
    return (
      await db
        .selectFrom('callback_links')
        .select('callback_id')
        .where('crm_key', '=', key)
        .executeTakeFirst()
    )?.callback_id;
  }

  async getCallback(id: string) {
    return (await this.getCallbacks([id])).get(id);
  }

  async getCallbacks(ids: readonly string[]) {
    const result = new Map<string, StoredCallback>();
    if (ids.length === 0) return result;
    const wanted = [...new Set(ids)];
    const rows: { id: string; body: string }[] = [];
    for (const part of chunks(wanted))
      rows.push(
        ...(await this.kdb
          .selectFrom('callbacks')
          .select(['id', 'body'])
          .where('id', 'in', part)
          .execute()),
      );
    for (const callback of await this.withLinks(this.kdb, rows)) result.set(callback.id, callback);
    // Ids a callback had in one CRM before the twins merged still find it (API clients keep them).
    const former = wanted.filter((id) => !result.has(id));
    for (const id of former) {
      const current = await this.idOfKey(this.kdb, id);
      const callback = current ? (await this.getCallbacks([current])).get(current) : undefined;
      if (callback) result.set(id, callback);
    }
    return result;
  }

  async updateCallback(
    id: string,
    change: (current: StoredCallback) => StoredCallback | undefined,
    options: { enqueueAt?: number; except?: readonly Crm[] } = {},
  ) {
    // The row stays locked from the read to the write (SQLite: its one writer; PostgreSQL: a row
    // lock), so that writers changing it wait their turn.
    return this.transaction(async (trx) => {
      const locked = (key: string) =>
        this.d
          .lockRows(trx.selectFrom('callbacks').select(['id', 'body']).where('id', '=', key))
          .executeTakeFirst();
      let row = await locked(id);
      if (!row) {
        const current = await this.idOfKey(trx, id);
        if (current) row = await locked(current);
      }
      if (!row) return undefined;
      const [current] = await this.withLinks(trx, [row]);
      const next = current && change(current);
      if (!next) return undefined;
      await trx.updateTable('callbacks').set(columnsOf(next)).where('id', '=', row.id).execute();
      for (const link of next.links)
        await trx
          .insertInto('callback_links')
          .values(linkRow(row.id, link))
          .onConflict((oc) =>
            oc.columns(['callback_id', 'crm']).doUpdateSet((eb) => ({
              crm_key: eb.ref('excluded.crm_key'),
              crm_id: eb.ref('excluded.crm_id'),
              assignee: eb.ref('excluded.assignee'),
              escalate_to: eb.ref('excluded.escalate_to'),
              crm_account_id: eb.ref('excluded.crm_account_id'),
              crm_contact_id: eb.ref('excluded.crm_contact_id'),
              due_at: eb.ref('excluded.due_at'),
            })),
          )
          .execute();
      const { enqueueAt, except = [] } = options;
      if (enqueueAt !== undefined)
        await enqueueJobs(
          trx,
          this.d,
          next.links
            .filter((link) => !except.includes(link.crm))
            .map((link) => ({ crm: link.crm, kind: 'callback', ref: row.id, runAt: enqueueAt })),
        );
      return next;
    });
  }

  async queueUnsyncedCallbacks(now: number) {
    const result = await this.kdb
      .insertInto('jobs')
      .columns(['crm', 'kind', 'ref', 'state', 'run_at', 'created_at', 'updated_at'])
      .expression((eb) =>
        eb
          .selectFrom('callback_links as c')
          .select([
            'c.crm',
            eb.val('callback').as('kind'),
            'c.callback_id',
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
                  .whereRef('s.ref', '=', 'c.callback_id')
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
                  .whereRef('j.ref', '=', 'c.callback_id')
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
    let query = this.kdb.selectFrom('callbacks').select(['id', 'body']);
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
    return this.withLinks(this.kdb, rows);
  }

  async callbacksCreatedSince(sinceIso: string) {
    const rows = await this.kdb
      .selectFrom('callbacks')
      .select(['id', 'body'])
      .where('created_at', '>=', new Date(sinceIso).toISOString())
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return this.withLinks(this.kdb, rows);
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
