import type { Answer } from '@boucle/shared/schemas';
import type { Kysely } from 'kysely';
import { chunks } from './jobs.ts';
import type { Schema } from './schema.ts';
import type { Crm, RolledUpAccount } from './store.ts';

// What the rollups read and remember, a batch of accounts at a time: one query per few hundred
// accounts for their answers and one for their open callbacks (a rollup round of 1,000 accounts
// made 2,000 queries before), and the accounts each CRM has a rollup of, for the daily refresh.

type Db = Kysely<Schema>;

/** The callback states that close the loop: the others count as open. */
const CLOSED = ['resolved', 'closed_no_contact'];

/** Open callbacks per account key (lower case), counted by the database: one per answer and kind, whichever CRMs it is written to. */
export async function openCallbackCounts(
  db: Db,
  accountKeys: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const keys = [...new Set(accountKeys.map((k) => k.toLowerCase()))];
  for (const part of chunks(keys)) {
    const rows = await db
      .selectFrom('callbacks')
      .select((eb) => [
        eb.fn<string>('lower', ['account_key']).as('key'),
        eb.fn.countAll<number>().as('open'),
      ])
      .where('status', 'not in', CLOSED)
      .where((eb) => eb(eb.fn('lower', ['account_key']), 'in', part))
      .groupBy((eb) => eb.fn('lower', ['account_key']))
      .execute();
    for (const row of rows) counts.set(row.key, Number(row.open));
  }
  return counts;
}

/** The answers filed under each account key (lower case) since an instant, oldest first. */
export async function answersForAccounts(
  db: Db,
  accountKeys: readonly string[],
  sinceIso: string,
): Promise<Map<string, Answer[]>> {
  const byKey = new Map<string, Answer[]>();
  const keys = [...new Set(accountKeys.map((k) => k.toLowerCase()))];
  const since = new Date(sinceIso).toISOString();
  for (const part of chunks(keys)) {
    const rows = await db
      .selectFrom('answer_accounts as k')
      .innerJoin('answers as a', (join) =>
        join.onRef('a.source', '=', 'k.source').onRef('a.id', '=', 'k.id'),
      )
      .select(['k.account_key', 'a.body'])
      .where('k.account_key', 'in', part)
      .where('k.answered_at', '>=', since)
      .orderBy('k.answered_at')
      .execute();
    for (const row of rows) {
      let answers = byKey.get(row.account_key);
      if (!answers) byKey.set(row.account_key, (answers = []));
      answers.push(JSON.parse(row.body) as Answer);
    }
  }
  return byKey;
}

/** Remembers the accounts a CRM has a rollup of, with their latest answers (upsert by ref). */
export async function recordRollups(
  db: Db,
  crm: Crm,
  accounts: readonly RolledUpAccount[],
  now: number,
): Promise<void> {
  const unique = [...new Map(accounts.map((a) => [a.ref, a])).values()];
  for (const part of chunks(unique))
    await db
      .insertInto('rollup_accounts')
      .values(
        part.map((a) => ({
          crm,
          ref: a.ref,
          last_answer_at: a.lastAnswerAt ?? null,
          last_nps_at: a.lastNpsAt ?? null,
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['crm', 'ref']).doUpdateSet((eb) => ({
          last_answer_at: eb.ref('excluded.last_answer_at'),
          last_nps_at: eb.ref('excluded.last_nps_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
}

/**
 * The rollups of a CRM the passing of time changes: accounts with an answer after
 * `answeredAfter` (in the window at the last refresh or now), and accounts whose latest NPS answer
 * left the last-score window in (`npsFrom`, `npsTo`].
 */
export async function rollupsToRefresh(
  db: Db,
  crm: Crm,
  answeredAfter: string,
  npsFrom: string,
  npsTo: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('rollup_accounts')
    .select('ref')
    .where('crm', '=', crm)
    .where((eb) =>
      eb.or([
        eb('last_answer_at', '>', answeredAfter),
        eb.and([eb('last_nps_at', '>', npsFrom), eb('last_nps_at', '<=', npsTo)]),
      ]),
    )
    .orderBy('ref')
    .execute();
  return rows.map((r) => r.ref);
}
