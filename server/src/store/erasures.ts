import type { Answer, Rating } from '@boucle/shared/schemas';
import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from './dialect.ts';
import { chunks, enqueueJobs } from './jobs.ts';
import { hashEmail, redact } from './privacy.ts';
import type { Schema } from './schema.ts';
import { accountKeysOf, type Crm, type StoredCallback } from './store.ts';

// Erasures on request, for both dialects: the store's part of an erasure runs in the request's
// transaction (the person's data redacted or deleted, the tombstone, the records to erase in each
// CRM, the CRM jobs), so that a crash leaves all of it or none; the CRMs' part runs through the
// queue (`loop/erasure.ts`) and reports back here.

type Db = Kysely<Schema>;

/** Where an erasure was asked for. */
export type ErasureOrigin = 'api' | 'cli' | 'hubspot_privacy_deletion';

/** Where an erasure stands in one CRM. */
export type ErasureCrmState = 'pending' | 'done' | 'dead';

/** What the store held of the person when the erasure was requested. */
export interface ErasureFound {
  readonly answers: number;
  readonly ratings: number;
  readonly callbacks: number;
}

export interface StoredErasure {
  readonly id: string;
  readonly origin: ErasureOrigin;
  /** Whether answers and ratings are kept with their scores, anonymised, rather than deleted. */
  readonly keepStatistics: boolean;
  readonly requestedAt: number;
  readonly found: ErasureFound;
  readonly crms: readonly {
    readonly crm: Crm;
    readonly state: ErasureCrmState;
    readonly detail?: string;
    readonly updatedAt: number;
  }[];
  /** The audit log: what happened when, without personal data. */
  readonly log: readonly {
    readonly at: number;
    readonly crm?: Crm;
    readonly outcome: string;
    readonly detail: string;
  }[];
}

/** The records an erasure covers in one CRM: Boucle's refs, and the CRM contacts of the person. */
export interface ErasureTargets {
  readonly answers: readonly string[];
  readonly ratings: readonly string[];
  readonly callbacks: readonly string[];
  readonly contacts: readonly string[];
  /** The account rollups to write again once the records are gone (`accountId|accountKey`). */
  readonly rollups: readonly string[];
}

export interface ErasureRequestInput {
  readonly id: string;
  readonly email: string;
  readonly origin: ErasureOrigin;
  readonly crms: readonly Crm[];
  readonly keepStatistics: boolean;
  readonly now: number;
}

/** A callback without the person: no e-mail, no contact, no free text a manager wrote. */
export function redactCallback(callback: StoredCallback): StoredCallback {
  const {
    respondentEmail: _email,
    crmContactId: _contact, // a body of before one side per CRM held it
    notes: _notes,
    outcome: _outcome,
    followUpAction: _action,
    ...rest
  } = callback as StoredCallback & { crmContactId?: string };
  return rest;
}

/** A rating without the comment, which may speak of the customer. */
export function redactRating(rating: Rating): Rating {
  const { comment: _comment, ...rest } = rating;
  return rest;
}

const counted = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * Records an erasure of the person with this e-mail, once: a second request for the same address
 * (pending or done) returns the first one's id. The store's part is done here, in the caller's
 * transaction; each CRM that held something gets an `erasure` job.
 */
export async function requestErasure(
  trx: Transaction<Schema>,
  d: Dialect,
  input: ErasureRequestInput,
): Promise<{ id: string; created: boolean }> {
  const emailHash = hashEmail(input.email);
  const address = input.email.trim().toLowerCase();
  const inserted = await trx
    .insertInto('erasure_requests')
    .values({
      id: input.id,
      email_hash: emailHash,
      origin: input.origin,
      keep_statistics: input.keepStatistics ? 1 : 0,
      requested_at: input.now,
      found: '{}',
    })
    .onConflict((oc) => oc.column('email_hash').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    const existing = await trx
      .selectFrom('erasure_requests')
      .select('id')
      .where('email_hash', '=', emailHash)
      .executeTakeFirstOrThrow();
    return { id: existing.id, created: false };
  }
  // The tombstone: later deliveries of the person's answers given until now are refused.
  await trx
    .insertInto('erasures')
    .values({ email_hash: emailHash, erased_at: input.now })
    .onConflict((oc) =>
      oc.column('email_hash').doUpdateSet((eb) => ({ erased_at: eb.ref('excluded.erased_at') })),
    )
    .execute();
  const answers = await d
    .lockRows(
      trx
        .selectFrom('answers')
        .select(['source', 'id', 'body', 'interaction_id'])
        .where('email', '=', address),
    )
    .execute();
  const answerRefs = answers.map((a) => `${a.source}:${a.id}`);
  const interactions = [
    ...new Set(answers.map((a) => a.interaction_id).filter((i): i is string => Boolean(i))),
  ];
  const ratings: { source: string; id: string; body: string }[] = [];
  for (const part of chunks(interactions))
    ratings.push(
      ...(await trx
        .selectFrom('ratings')
        .select(['source', 'id', 'body'])
        .where('interaction_id', 'in', part)
        .execute()),
    );
  const callbacks = new Map<string, { id: string; crm: string; body: string }>();
  for (const row of await trx
    .selectFrom('callbacks')
    .select(['id', 'crm', 'body'])
    .where('respondent_email', '=', address)
    .execute())
    callbacks.set(row.id, row);
  for (const part of chunks(answerRefs))
    for (const row of await trx
      .selectFrom('callbacks')
      .select(['id', 'crm', 'body'])
      .where('answer_ref', 'in', part)
      .execute())
      callbacks.set(row.id, row);
  // The accounts whose rollups count these answers, per CRM (`accountId|accountKey`, as the
  // answers' sync queues them): written again once the CRM's records are gone. An account id is
  // told apart by its shape: Salesforce's are 15 or 18 characters from key prefix 001, HubSpot's
  // are numbers.
  const rollups = new Set<string>();
  for (const part of chunks(answers))
    for (const link of await trx
      .selectFrom('answer_accounts')
      .select(['source', 'id', 'account_key'])
      .where(({ eb, refTuple, tuple }) =>
        eb(
          refTuple('source', 'id'),
          'in',
          part.map((a) => tuple(a.source, a.id)),
        ),
      )
      .execute()) {
      const answer = answers.find((a) => a.source === link.source && a.id === link.id);
      const key = answer && accountKeysOf(JSON.parse(answer.body) as Answer)[0];
      const crm = /^001[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/.test(link.account_key)
        ? 'salesforce'
        : /^\d+$/.test(link.account_key)
          ? 'hubspot'
          : undefined;
      if (crm) rollups.add(`${crm}\u0000${link.account_key}|${key ?? link.account_key}`);
    }
  const contacts = await trx
    .deleteFrom('crm_contacts')
    .where('email', '=', address)
    .returning(['crm', 'contact_id'])
    .execute();
  await eraseSurveyRequests(trx, address);

  for (const a of answers) {
    if (input.keepStatistics)
      await trx
        .updateTable('answers')
        .set({ email: null, body: JSON.stringify(redact(JSON.parse(a.body) as Answer)) })
        .where('source', '=', a.source)
        .where('id', '=', a.id)
        .execute();
    else {
      await trx
        .deleteFrom('answer_accounts')
        .where('source', '=', a.source)
        .where('id', '=', a.id)
        .execute();
      await trx
        .deleteFrom('answers')
        .where('source', '=', a.source)
        .where('id', '=', a.id)
        .execute();
    }
  }
  for (const r of ratings) {
    if (input.keepStatistics)
      await trx
        .updateTable('ratings')
        .set({ body: JSON.stringify(redactRating(JSON.parse(r.body) as Rating)) })
        .where('source', '=', r.source)
        .where('id', '=', r.id)
        .execute();
    else
      await trx
        .deleteFrom('ratings')
        .where('source', '=', r.source)
        .where('id', '=', r.id)
        .execute();
  }
  // What the sync noted of the answers (an unmatched one's detail names the e-mail it looked up).
  for (const part of chunks(answerRefs)) {
    await trx
      .updateTable('sync_state')
      .set({ detail: null })
      .where('kind', '=', 'answer')
      .where('ref', 'in', part)
      .execute();
    await trx
      .updateTable('jobs')
      .set({ last_error: null })
      .where('kind', '=', 'answer')
      .where('ref', 'in', part)
      .execute();
  }
  // Callbacks stay (loop-closure figures count them), without the person. The body is a column,
  // not JSON: PostgreSQL's jsonb refuses the \u0000 a manager's notes may hold.
  for (const c of callbacks.values())
    await trx
      .updateTable('callbacks')
      .set({
        respondent_email: null,
        body: JSON.stringify(redactCallback(JSON.parse(c.body) as StoredCallback)),
      })
      .where('id', '=', c.id)
      .execute();
  // Each CRM side's contact (one callback, a side per CRM) goes with the person; bodies of before
  // held it as crmContactId, which composeCallback leaves out. Each side's record is erased in
  // its CRM, under the key it was written with.
  const ids = [...callbacks.values()].map((c) => c.id);
  const sides: { crm: string; crm_key: string }[] = [];
  for (let at = 0; at < ids.length; at += 500) {
    const part = ids.slice(at, at + 500);
    sides.push(
      ...(await trx
        .selectFrom('callback_links')
        .select(['crm', 'crm_key'])
        .where('callback_id', 'in', part)
        .execute()),
    );
    await trx
      .updateTable('callback_links')
      .set({ crm_contact_id: null })
      .where('callback_id', 'in', part)
      .execute();
  }

  const records = [
    ...answerRefs.map((ref) => ({ kind: 'answer', ref })),
    ...ratings.map((r) => ({ kind: 'rating', ref: `${r.source}:${r.id}` })),
    ...sides.map((side) => ({ kind: `callback:${side.crm}`, ref: side.crm_key })),
    ...contacts.map((c) => ({ kind: `contact:${c.crm}`, ref: c.contact_id })),
    ...[...rollups].map((r) => {
      const [crm, ref] = r.split('\u0000') as [string, string];
      return { kind: `rollup:${crm}`, ref };
    }),
  ];
  for (const part of chunks(records))
    await trx
      .insertInto('erasure_records')
      .values(part.map((r) => ({ erasure_id: input.id, ...r })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  const found: ErasureFound = {
    answers: answers.length,
    ratings: ratings.length,
    callbacks: callbacks.size,
  };
  const nothing = found.answers + found.ratings + found.callbacks === 0;
  await trx
    .updateTable('erasure_requests')
    .set({ found: JSON.stringify(found) })
    .where('id', '=', input.id)
    .execute();
  if (input.crms.length > 0)
    await trx
      .insertInto('erasure_progress')
      .values(
        input.crms.map((crm) => ({
          erasure_id: input.id,
          crm,
          state: nothing ? 'done' : 'pending',
          detail: nothing ? 'nothing to erase' : null,
          updated_at: input.now,
        })),
      )
      .execute();
  if (!nothing)
    await enqueueJobs(
      trx,
      d,
      input.crms.map((crm) => ({ crm, kind: 'erasure' as const, ref: input.id, runAt: input.now })),
    );
  await trx
    .insertInto('erasure_log')
    .values({
      erasure_id: input.id,
      at: input.now,
      crm: null,
      outcome: nothing ? 'nothing_to_erase' : 'requested',
      detail: `from ${input.origin}; the store held ${counted(found.answers, 'answer')}, ${counted(found.ratings, 'rating')}, ${counted(found.callbacks, 'callback')}; ${input.keepStatistics ? 'scores kept anonymised' : 'answers and ratings deleted'}; CRMs: ${input.crms.join(', ') || 'none'}`,
    })
    .execute();
  return { id: input.id, created: true };
}

/** An erasure with its progress per CRM (pending while its job waits or runs) and its log. */
export async function getErasure(db: Db, id: string): Promise<StoredErasure | undefined> {
  const request = await db
    .selectFrom('erasure_requests')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!request) return undefined;
  const progress = await db
    .selectFrom('erasure_progress')
    .selectAll()
    .where('erasure_id', '=', id)
    .orderBy('crm')
    .execute();
  const open = new Set(
    (
      await db
        .selectFrom('jobs')
        .select('crm')
        .where('kind', '=', 'erasure')
        .where('ref', '=', id)
        .where('state', 'in', ['ready', 'running'])
        .execute()
    ).map((j) => j.crm),
  );
  const log = await db
    .selectFrom('erasure_log')
    .select(['at', 'crm', 'outcome', 'detail'])
    .where('erasure_id', '=', id)
    .orderBy('id')
    .execute();
  return {
    id: request.id,
    origin: request.origin as ErasureOrigin,
    keepStatistics: Number(request.keep_statistics) === 1,
    requestedAt: Number(request.requested_at),
    found: JSON.parse(request.found) as ErasureFound,
    crms: progress.map((p) => {
      // A dead erasure put back in the queue (`dead-letters replay`) is pending again.
      const state = open.has(p.crm) ? 'pending' : (p.state as ErasureCrmState);
      return {
        crm: p.crm as Crm,
        state,
        ...(p.detail && state !== 'pending' && { detail: p.detail }),
        updatedAt: Number(p.updated_at),
      };
    }),
    log: log.map((l) => ({
      at: Number(l.at),
      ...(l.crm && { crm: l.crm as Crm }),
      outcome: l.outcome,
      detail: l.detail,
    })),
  };
}

/** What an erasure covers in one CRM. */
export async function erasureTargets(db: Db, id: string, crm: Crm): Promise<ErasureTargets> {
  const rows = await db
    .selectFrom('erasure_records')
    .select(['kind', 'ref'])
    .where('erasure_id', '=', id)
    .orderBy('ref')
    .execute();
  const of = (kind: string) => rows.filter((r) => r.kind === kind).map((r) => r.ref);
  return {
    answers: of('answer'),
    ratings: of('rating'),
    callbacks: of(`callback:${crm}`),
    contacts: of(`contact:${crm}`),
    rollups: of(`rollup:${crm}`),
  };
}

/**
 * Whether a sync job of these records is running in this CRM: it may have read the person's data
 * before the erasure and be writing it now, so the CRM's erasure waits for it to settle. Jobs
 * still waiting read the store afresh when they run, and find the person gone.
 */
export async function syncRunning(db: Db, crm: Crm, targets: ErasureTargets): Promise<boolean> {
  const groups = [
    ['answer', targets.answers],
    ['rating', targets.ratings],
    ['callback', targets.callbacks],
  ] as const;
  for (const [kind, refs] of groups)
    for (const part of chunks(refs)) {
      const row = await db
        .selectFrom('jobs')
        .select('id')
        .where('crm', '=', crm)
        .where('kind', '=', kind)
        .where('state', '=', 'running')
        .where('ref', 'in', part)
        .limit(1)
        .executeTakeFirst();
      if (row) return true;
    }
  return false;
}

/** Records where an erasure stands in one CRM, and logs it. */
export async function settleErasure(
  db: Db,
  id: string,
  crm: Crm,
  state: ErasureCrmState,
  detail: string,
  now: number,
): Promise<void> {
  await db
    .updateTable('erasure_progress')
    .set({ state, detail, updated_at: now })
    .where('erasure_id', '=', id)
    .where('crm', '=', crm)
    .execute();
  await db
    .insertInto('erasure_log')
    .values({ erasure_id: id, at: now, crm, outcome: state, detail })
    .execute();
}

/** The e-mails a CRM contact resolved from (a privacy deletion names the contact, not the address). */
export async function contactEmails(db: Db, crm: Crm, contactId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('crm_contacts')
    .select('email')
    .where('crm', '=', crm)
    .where('contact_id', '=', contactId)
    .execute();
  return rows.map((r) => r.email);
}

/**
 * The person's survey requests (asked for by automations, or follow-ups after callbacks) and
 * their `survey.requested` announcements, which carry the address: deleted (a delivery whose
 * event is gone sends nothing). Their surveys no longer count against the caps.
 */
async function eraseSurveyRequests(trx: Transaction<Schema>, address: string): Promise<void> {
  const db = trx.withTables<{
    survey_requests: { id: string; email: string; delivery_id: string | null };
    outbound_events: { id: string };
  }>();
  const requests = await db
    .selectFrom('survey_requests')
    .select(['id', 'delivery_id'])
    .where('email', '=', address)
    .execute();
  const deliveries = requests.map((r) => r.delivery_id).filter((id): id is string => Boolean(id));
  for (const part of chunks(deliveries))
    await db.deleteFrom('outbound_events').where('id', 'in', part).execute();
  await db.deleteFrom('survey_requests').where('email', '=', address).execute();
}
