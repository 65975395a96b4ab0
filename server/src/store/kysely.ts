import type { NpsCounts } from '@boucle/shared';
import type { Answer, Rating } from '@boucle/shared/schemas';
import { sql } from 'kysely';
import {
  type IngestRequest,
  type IngestResult,
  bodiesByRef,
  insertAnswers,
  insertRatings,
  reviseStoredRatings,
} from './answers.ts';
import { CallbackRecords } from './callbacks.ts';
import type { Dialect } from './dialect.ts';
import {
  contactEmails,
  erasureTargets,
  getErasure,
  requestErasure,
  settleErasure,
  syncRunning,
  type ErasureRequestInput,
  type ErasureTargets,
} from './erasures.ts';
import { GroupCommit } from './groupCommit.ts';
import { insertAnswersPostgres, insertRatingsPostgres } from './ingestPostgres.ts';
import {
  appendLog,
  claimJobs,
  completeJobs,
  countJobs,
  deadLetterJob,
  enqueueJobs,
  heartbeatJobs,
  listDeadJobs,
  pruneDoneJobs,
  replayJobs,
  retryJob,
  upsertSyncStates,
} from './jobs.ts';
import {
  answersForAccounts,
  openCallbackCounts,
  recordRollups,
  rollupsToRefresh,
} from './rollups.ts';
import { settleJobs } from './settle.ts';
import { pruneSyncLog, readSyncFacts, readSyncLog, type SyncLogQuery } from './syncLog.ts';
import type {
  Crm,
  JobKind,
  RolledUpAccount,
  Queue,
  Settlement,
  Store,
  SyncLogEntry,
  SyncState,
  SyncStateChange,
} from './store.ts';

/** Records per group commit at most: a bound on one transaction's length. */
const GROUP_MAX_RECORDS = 1_000;

const bodies = <T>(rows: readonly { body: string }[]) => rows.map((r) => JSON.parse(r.body) as T);

/**
 * The store, for SQLite and PostgreSQL alike: one code path written with Kysely's query builder,
 * the dialects' differences behind `Dialect` (row locks, advisory locks, booleans, JSON). Answers
 * and ratings are written by group commit (see `GroupCommit`).
 */
export class KyselyStore extends CallbackRecords implements Store {
  readonly answerGroups: GroupCommit<IngestRequest<Answer>, IngestResult>;
  readonly ratingGroups: GroupCommit<IngestRequest<Rating>, IngestResult>;

  constructor(dialect: Dialect) {
    super(dialect);
    const size = (request: IngestRequest<unknown>) => Math.max(1, request.records.length);
    const concurrency = dialect.name === 'postgres' ? 2 : 1;
    this.answerGroups = new GroupCommit<IngestRequest<Answer>, IngestResult>(
      // PostgreSQL writes a group in one statement, atomic without a transaction around it.
      (requests) =>
        dialect.name === 'postgres'
          ? insertAnswersPostgres(this.kdb, requests)
          : this.transaction((trx) => insertAnswers(trx, this.d, requests)),
      GROUP_MAX_RECORDS,
      size,
      concurrency,
    );
    this.ratingGroups = new GroupCommit<IngestRequest<Rating>, IngestResult>(
      (requests) =>
        dialect.name === 'postgres'
          ? insertRatingsPostgres(this.kdb, requests)
          : this.transaction((trx) => insertRatings(trx, this.d, requests)),
      GROUP_MAX_RECORDS,
      size,
      concurrency,
    );
  }

  get dialect(): Dialect {
    return this.d;
  }

  /** Transactions that committed answers or ratings: fewer than requests under concurrency. */
  get ingestTransactions(): number {
    return this.answerGroups.groups + this.ratingGroups.groups;
  }

  async ingestAnswers(answers: readonly Answer[], crms: readonly Crm[], now: number) {
    if (answers.length === 0) return { accepted: 0, duplicates: 0 };
    return this.answerGroups.submit({ records: answers, crms, now });
  }

  async ingestRatings(ratings: readonly Rating[], crms: readonly Crm[], now: number) {
    if (ratings.length === 0) return { accepted: 0, duplicates: 0 };
    return this.ratingGroups.submit({ records: ratings, crms, now });
  }

  async reviseRatings(ratings: readonly Rating[], crms: readonly Crm[], now: number) {
    const { accepted } = await this.ingestRatings(ratings, crms, now);
    if (ratings.length === 0) return { accepted, revised: 0 };
    return this.transaction(async (trx) => {
      const refs = await reviseStoredRatings(trx, ratings);
      await enqueueJobs(
        trx,
        this.d,
        crms.flatMap((crm) =>
          refs.map((ref) => ({ crm, kind: 'rating' as const, ref, runAt: now })),
        ),
      );
      return { accepted, revised: refs.length };
    });
  }

  async getAnswers(refs: readonly string[]) {
    return bodiesByRef<Answer>(this.kdb, 'answers', refs);
  }

  async getRatings(refs: readonly string[]) {
    return bodiesByRef<Rating>(this.kdb, 'ratings', refs);
  }

  async answersForAccount(keys: readonly string[], sinceIso: string): Promise<Answer[]> {
    if (keys.length === 0) return [];
    const rows = await this.kdb
      .selectFrom('answers as a')
      .select('a.body')
      // `(source, id) IN (…)`, not a correlated EXISTS: SQLite drives an EXISTS from the answers
      // table (every answer read for each account, minutes per rollup at 200,000 answers), and
      // the row-value IN from the account's links through both primary keys.
      .where(({ eb, refTuple, selectFrom }) =>
        eb(
          refTuple('a.source', 'a.id'),
          'in',
          selectFrom('answer_accounts as k')
            .select(['k.source', 'k.id'])
            .where(
              'k.account_key',
              'in',
              keys.map((k) => k.toLowerCase()),
            )
            .where('k.answered_at', '>=', new Date(sinceIso).toISOString())
            .$asTuple('source', 'id'),
        ),
      )
      .orderBy('a.answered_at')
      .execute();
    return bodies<Answer>(rows);
  }

  async answersForAccounts(keys: readonly string[], sinceIso: string) {
    return answersForAccounts(this.kdb, keys, sinceIso);
  }

  async openCallbackCounts(accountKeys: readonly string[]) {
    return openCallbackCounts(this.kdb, accountKeys);
  }

  async recordRollups(crm: Crm, accounts: readonly RolledUpAccount[], now: number) {
    if (accounts.length === 0) return;
    await this.atomically(accounts.length, (db) => recordRollups(db, crm, accounts, now));
  }

  async rollupsToRefresh(crm: Crm, answeredAfter: string, npsFrom: string, npsTo: string) {
    return rollupsToRefresh(this.kdb, crm, answeredAfter, npsFrom, npsTo);
  }

  async answersSince(sinceIso: string): Promise<Answer[]> {
    const rows = await this.kdb
      .selectFrom('answers')
      .select('body')
      .where('answered_at', '>=', new Date(sinceIso).toISOString())
      .execute();
    return bodies<Answer>(rows);
  }

  async npsCountsSince(sinceIso: string): Promise<NpsCounts> {
    const row = await this.kdb
      .selectFrom('answers')
      .select([
        sql<number>`COUNT(*) FILTER (WHERE score >= 9)`.as('promoters'),
        sql<number>`COUNT(*) FILTER (WHERE score BETWEEN 7 AND 8)`.as('passives'),
        sql<number>`COUNT(*) FILTER (WHERE score <= 6)`.as('detractors'),
      ])
      .where('metric', '=', 'nps')
      .where('answered_at', '>=', new Date(sinceIso).toISOString())
      .executeTakeFirst();
    return {
      promoters: Number(row?.promoters ?? 0),
      passives: Number(row?.passives ?? 0),
      detractors: Number(row?.detractors ?? 0),
    };
  }

  async touchpointCounts() {
    const label = this.d.jsonText('body', 'touchpoint');
    const rows = await this.kdb
      .selectFrom('answers')
      .select([label.as('label'), (eb) => eb.fn.countAll<number>().as('answers')])
      .where(label, 'is not', null)
      .groupBy(label)
      .orderBy(label)
      .execute();
    return rows.map((r) => ({ label: r.label as string, answers: Number(r.answers) }));
  }

  async answerForInteraction(interactionId: string) {
    const row = await this.kdb
      .selectFrom('answers')
      .select('body')
      .where('interaction_id', '=', interactionId)
      .orderBy('answered_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? (JSON.parse(row.body) as Answer) : undefined;
  }

  async ratingForInteraction(interactionId: string) {
    const row = await this.kdb
      .selectFrom('ratings')
      .select('body')
      .where('interaction_id', '=', interactionId)
      .orderBy('rated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? (JSON.parse(row.body) as Rating) : undefined;
  }

  async unmatchedAnswers(limit: number) {
    const rows = await this.kdb
      .selectFrom('sync_state as s')
      .innerJoin('answers as a', (join) => join.on(sql<boolean>`s.ref = a.source || ':' || a.id`))
      .select(['s.crm', 's.detail', 'a.body'])
      .where('s.kind', '=', 'answer')
      .where('s.state', '=', 'unmatched')
      .orderBy('a.answered_at')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      crm: row.crm as Crm,
      detail: row.detail ?? '',
      answer: JSON.parse(row.body) as Answer,
    }));
  }

  async linkAnswerAccount(ref: string, accountKey: string) {
    const at = ref.indexOf(':');
    await this.kdb
      .insertInto('answer_accounts')
      .columns(['account_key', 'source', 'id', 'answered_at'])
      .expression(
        this.kdb
          .selectFrom('answers')
          .select([
            sql.val(accountKey.toLowerCase()).as('account_key'),
            'source',
            'id',
            'answered_at',
          ])
          .where('source', '=', ref.slice(0, at))
          .where('id', '=', ref.slice(at + 1)),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async setSyncState(
    crm: Crm,
    kind: JobKind,
    ref: string,
    state: SyncState,
    detail?: string,
    crmId?: string,
  ) {
    await this.setSyncStates([
      { crm, kind, ref, state, ...(detail !== undefined && { detail }), ...(crmId && { crmId }) },
    ]);
  }

  async setSyncStates(changes: readonly SyncStateChange[]) {
    if (changes.length === 0) return;
    await this.atomically(changes.length, (db) => upsertSyncStates(db, changes, Date.now()));
  }

  async syncStates(crm: Crm, kind: JobKind, refs: readonly string[]) {
    const result = new Map<string, { state: SyncState; crmId?: string }>();
    if (refs.length === 0) return result;
    const rows = await this.kdb
      .selectFrom('sync_state')
      .select(['ref', 'state', 'crm_id'])
      .where('crm', '=', crm)
      .where('kind', '=', kind)
      .where('ref', 'in', [...new Set(refs)])
      .execute();
    for (const row of rows)
      result.set(row.ref, {
        state: row.state as SyncState,
        ...(row.crm_id && { crmId: row.crm_id }),
      });
    return result;
  }

  async enqueue(crm: Queue, kind: JobKind, refs: readonly string[], runAt: number) {
    if (refs.length === 0) return;
    await this.atomically(refs.length, (db) =>
      enqueueJobs(
        db,
        this.d,
        refs.map((ref) => ({ crm, kind, ref, runAt })),
      ),
    );
  }

  async claim(crm: Queue, workerId: string, limit: number, leaseMs: number, now: number) {
    return claimJobs(this.kdb, this.d, crm, workerId, limit, leaseMs, now);
  }

  async heartbeat(ids: readonly number[], workerId: string, leaseMs: number, now: number) {
    await heartbeatJobs(this.kdb, ids, workerId, leaseMs, now);
  }

  async complete(ids: readonly number[], now: number) {
    if (ids.length === 0) return;
    await completeJobs(this.kdb, this.d, ids, now);
  }

  async retry(
    id: number,
    error: string,
    delayMs: number,
    now: number,
    options: { countAttempt: boolean; maxAttempts: number },
  ) {
    return retryJob(this.kdb, this.d, id, error, delayMs, now, options);
  }

  async deadLetter(id: number, error: string, now: number) {
    await deadLetterJob(this.kdb, id, error, now);
  }

  async settleJobs(
    crm: Crm,
    settlement: Settlement,
    now: number,
    options: { maxAttempts: number },
  ) {
    return this.transaction((trx) => settleJobs(trx, this.d, crm, settlement, now, options));
  }

  async listDead(limit: number) {
    return listDeadJobs(this.kdb, limit);
  }

  async replay(ids: readonly number[] | 'all', now: number) {
    return this.transaction((trx) => replayJobs(trx, this.d, ids, now));
  }

  async queueStats() {
    return countJobs(this.kdb, false);
  }

  async openJobCounts() {
    return countJobs(this.kdb, true);
  }

  async pruneDoneJobs(before: number, limit: number) {
    return pruneDoneJobs(this.kdb, before, limit);
  }

  async ping() {
    await sql`SELECT 1`.execute(this.kdb);
  }

  async log(crm: Crm, kind: JobKind, ref: string, outcome: string, detail: string, now: number) {
    await appendLog(this.kdb, [{ crm, kind, ref, outcome, detail, at: now }]);
  }

  async logMany(entries: readonly SyncLogEntry[]) {
    if (entries.length === 0) return;
    await this.atomically(entries.length, (db) => appendLog(db, entries));
  }

  async readSyncLog(query: SyncLogQuery) {
    return readSyncLog(this.kdb, query);
  }

  async pruneSyncLog(before: number, limit: number) {
    return pruneSyncLog(this.kdb, before, limit);
  }

  async syncFacts() {
    return readSyncFacts(this.kdb);
  }

  async requestErasure(input: ErasureRequestInput) {
    return this.transaction((trx) => requestErasure(trx, this.d, input));
  }

  async getErasure(id: string) {
    return getErasure(this.kdb, id);
  }

  async erasureTargets(id: string, crm: Crm) {
    return erasureTargets(this.kdb, id, crm);
  }

  async erasureSyncRunning(crm: Crm, targets: ErasureTargets) {
    return syncRunning(this.kdb, crm, targets);
  }

  async settleErasure(id: string, crm: Crm, state: 'done' | 'dead', detail: string, now: number) {
    await this.transaction((trx) => settleErasure(trx, id, crm, state, detail, now));
  }

  async contactEmails(crm: Crm, contactId: string) {
    return contactEmails(this.kdb, crm, contactId);
  }

  async runExclusive<T>(name: string, work: () => Promise<T>) {
    return this.d.runExclusive(name, work);
  }

  /** Commits what was accepted and waits, then closes the database. */
  async close() {
    await Promise.all([this.answerGroups.drain(), this.ratingGroups.drain()]);
    await this.kdb.destroy();
  }
}
