import type { Logger } from 'pino';
import type {
  CrmAdapter,
  CrmJobKind,
  SyncErrorStatus,
  SyncErrorWrite,
  SyncHealthInCrm,
} from '../crm/adapter.ts';
import { crmKey } from '../crm/keys.ts';
import type { Crm, DeadJob, Store } from '../store/store.ts';

export interface SyncErrorSweepOptions {
  readonly store: Store;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly adapters: readonly CrmAdapter[];
  /** Wakes the sync loops when jobs were queued again. */
  readonly poke: () => void;
}

/** Dead letters read per sweep, newest first: one Composite call writes up to 1,000 records. */
const DEAD_LETTERS_READ = 1_000;

/** The CRM object each kind of record is written to, as admins know them. */
export const CRM_OBJECTS: Record<Crm, Record<CrmJobKind, string>> = {
  salesforce: {
    answer: 'Survey_Response__c',
    rating: 'Response_Rating__c',
    callback: 'Callback__c',
    rollup: 'Account',
  },
  hubspot: {
    answer: 'boucle_survey_response',
    rating: 'notes',
    callback: 'tasks',
    rollup: 'companies',
  },
};

/** What the sweep last wrote of a sync error not resolved yet, kept in the store (a cursor). */
interface Mirrored {
  readonly jobId: number;
  readonly failedAt: string;
  readonly firstFailedAt: string;
  readonly status: Exclude<SyncErrorStatus, 'resolved'>;
}
type MirrorState = Record<string, Mirrored>;

const CRMS: readonly string[] = ['salesforce', 'hubspot'];
const KINDS: readonly string[] = ['answer', 'rating', 'callback', 'rollup'];

/** The key of a record's sync error: `crm:kind:ref`. */
export const syncErrorKey = (job: { crm: string; kind: string; ref: string }) =>
  `${job.crm}:${job.kind}:${job.ref}`;

/** `crm:kind:ref` back into its parts; undefined for a key Boucle did not write. */
export function parseSyncErrorKey(
  key: string,
): { crm: Crm; kind: CrmJobKind; ref: string } | undefined {
  const [crm, kind, ...rest] = key.split(':');
  const ref = rest.join(':');
  if (!crm || !kind || !ref || !CRMS.includes(crm) || !KINDS.includes(kind)) return undefined;
  return { crm: crm as Crm, kind: kind as CrmJobKind, ref };
}

/**
 * A dead letter's last error (`CODE: message`, as settlement words it, maybe after
 * `after N attempts: `) as the CRM's code and message.
 */
export function crmErrorOf(lastError: string): { code: string; message: string } {
  const error = lastError.replace(/^after \d+ attempts: /, '');
  const match = /^([A-Za-z][\w.-]*): ([\s\S]*)$/.exec(error);
  return match
    ? { code: match[1] as string, message: match[2] as string }
    : { code: 'UNKNOWN', message: error };
}

/**
 * Shows the dead letters to admins where they work, in every CRM that has records for it
 * (Salesforce's `Sync_Error__c`), and replays what they ask for there. One sweep:
 *
 * 1. reads the replay requests an admin ticked in the CRM since its cursor, and queues each of
 *    those dead jobs again (the `dead-letters replay` path);
 * 2. upserts one sync error per dead letter not mirrored yet (or failed again since), keyed by
 *    `crm:kind:ref`, with the CRM's error, the attempts and the affected record when it exists;
 * 3. marks replayed the errors whose job was queued again (from the CRM or the command line), and
 *    resolved those whose record was written since, clearing the replay requests it served.
 *
 * What it wrote is kept in the store (`<crm>.syncErrors`) only once the CRM took it, so a sweep
 * that fails or a crash leaves the work to the next sweep; every write is an upsert by key, so
 * doing it again is harmless. Returns the jobs it queued again. The caller runs it one replica
 * at a time.
 */
export async function sweepSyncErrors(options: SyncErrorSweepOptions): Promise<number> {
  let replayed = 0;
  for (const adapter of options.adapters) {
    if (!adapter.healthRecords) continue;
    try {
      replayed += await sweepOne(options, adapter.crm, adapter.healthRecords);
    } catch (error) {
      options.logger.warn(
        { crm: adapter.crm, err: error instanceof Error ? error.message : String(error) },
        'could not mirror the dead letters; they are mirrored at the next sweep',
      );
    }
  }
  if (replayed > 0) options.poke();
  return replayed;
}

async function sweepOne(
  options: SyncErrorSweepOptions,
  crm: Crm,
  target: SyncHealthInCrm,
): Promise<number> {
  const { store, logger, clock } = options;
  const stateName = `${crm}.syncErrors`;
  const cursorName = `${crm}.syncErrorsReplayCursor`;
  const state = JSON.parse((await store.getCursor(stateName)) ?? '{}') as MirrorState;
  const since = await store.getCursor(cursorName);
  // A CRM's records only: not the survey responses to fetch, nor the outbound deliveries.
  let dead = (await store.listDead(DEAD_LETTERS_READ)).filter(
    (job) => CRMS.includes(job.crm) && KINDS.includes(job.kind),
  );
  const requests = await target.readReplayRequests(since);
  // The org holds keys cut to fit its field (`crmKey`): back to Boucle's.
  const keyOf = new Map(
    [...dead.map(syncErrorKey), ...Object.keys(state)].map((key) => [crmKey(key), key]),
  );
  const requested = new Set(requests.keys.map((key) => keyOf.get(key) ?? key));
  const toReplay = dead.filter((job) => requested.has(syncErrorKey(job)));
  const replayed =
    toReplay.length > 0
      ? await store.replay(
          toReplay.map((job) => job.id),
          clock(),
        )
      : 0;
  if (replayed > 0)
    logger.info({ crm, replayed }, 'replayed dead letters an admin asked for in the CRM');
  const replayedIds = new Set(toReplay.map((job) => job.id));
  dead = dead.filter((job) => !replayedIds.has(job.id));
  const deadByKey = new Map(dead.map((job) => [syncErrorKey(job), job]));

  const now = new Date(clock()).toISOString();
  const writes = new Map<string, SyncErrorWrite>();
  const recordIds = await crmIdsOf(store, dead);
  for (const [key, job] of deadByKey) {
    const known = state[key];
    if (
      known?.status === 'open' &&
      known.jobId === job.id &&
      known.failedAt === job.updatedAt &&
      !requested.has(key)
    )
      continue;
    const error = crmErrorOf(job.lastError);
    const recordId = recordIds.get(key);
    writes.set(key, {
      key,
      crm: job.crm as Crm,
      kind: job.kind as CrmJobKind,
      ref: job.ref,
      status: 'open',
      jobId: job.id,
      object: CRM_OBJECTS[job.crm as Crm][job.kind as CrmJobKind],
      errorCode: error.code,
      errorMessage: error.message,
      attempts: job.attempts,
      firstFailedAt: known?.firstFailedAt ?? job.updatedAt,
      lastFailedAt: job.updatedAt,
      ...(recordId && { recordId }),
      ...(requested.has(key) && { replayDone: true }),
    });
  }
  // Errors no longer dead: queued again (replayed), or written since (resolved).
  const settled = [...new Set([...Object.keys(state), ...requested])].filter(
    (key) => !deadByKey.has(key),
  );
  const states = await syncStatesOf(store, settled);
  for (const key of settled) {
    const parts = parseSyncErrorKey(key);
    if (!parts) continue;
    const syncState = states.get(key);
    const known = state[key];
    const status: SyncErrorStatus | undefined =
      syncState === 'synced'
        ? 'resolved'
        : syncState === 'dead'
          ? undefined // dead beyond the sweep's page: left as it is
          : 'replayed';
    if (!status) continue;
    if (status === known?.status && !requested.has(key)) continue;
    writes.set(key, {
      key,
      ...parts,
      status,
      ...(status === 'resolved' && { resolvedAt: now }),
      ...(requested.has(key) && { replayDone: true }),
    });
  }
  if (writes.size === 0) {
    if (requested.size === 0 && requests.cursor && requests.cursor !== since)
      await store.setCursor(cursorName, requests.cursor);
    return replayed;
  }

  const results = await target.writeSyncErrors([...writes.values()]);
  let refused = 0;
  for (const [key, write] of writes) {
    const result = results.get(key);
    if (!result?.ok) {
      refused++;
      continue;
    }
    if (write.status === 'resolved') delete state[key];
    else
      state[key] = {
        jobId: write.jobId ?? state[key]?.jobId ?? 0,
        failedAt: write.lastFailedAt ?? state[key]?.failedAt ?? '',
        firstFailedAt: write.firstFailedAt ?? state[key]?.firstFailedAt ?? '',
        status: write.status,
      };
  }
  await store.setCursor(stateName, JSON.stringify(state));
  const firstError = [...results.values()].find((r) => !r.ok);
  if (refused > 0)
    logger.warn(
      { crm, refused, err: firstError && !firstError.ok ? firstError.error.message : undefined },
      'the CRM refused sync errors; they are written at the next sweep',
    );
  // A replay request not served (its clearing refused, its dead job past this sweep's page) is
  // read again: the cursor waits for it.
  const unserved = [...requested].some((key) => !results.get(key)?.ok);
  if (!unserved && requests.cursor && requests.cursor !== since)
    await store.setCursor(cursorName, requests.cursor);
  return replayed;
}

/** The CRM ids of the dead letters' records where they were written before, by key. */
async function crmIdsOf(store: Store, jobs: readonly DeadJob[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const groups = new Map<string, DeadJob[]>();
  for (const job of jobs) {
    const group = groups.get(`${job.crm}:${job.kind}`) ?? [];
    group.push(job);
    groups.set(`${job.crm}:${job.kind}`, group);
  }
  for (const group of groups.values()) {
    const first = group[0] as DeadJob;
    const found = await store.syncStates(
      first.crm as Crm,
      first.kind,
      group.map((job) => job.ref),
    );
    for (const job of group) {
      const crmId = found.get(job.ref)?.crmId;
      if (crmId) ids.set(syncErrorKey(job), crmId);
    }
  }
  return ids;
}

/** The sync state of each key's record, by key. */
async function syncStatesOf(store: Store, keys: readonly string[]): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  const groups = new Map<string, { crm: Crm; kind: CrmJobKind; refs: string[] }>();
  for (const key of keys) {
    const parts = parseSyncErrorKey(key);
    if (!parts) continue;
    const group = groups.get(`${parts.crm}:${parts.kind}`) ?? { ...parts, refs: [] };
    group.refs.push(parts.ref);
    groups.set(`${parts.crm}:${parts.kind}`, group);
  }
  for (const { crm, kind, refs } of groups.values()) {
    const found = await store.syncStates(crm, kind, refs);
    for (const ref of refs) {
      const state = found.get(ref)?.state;
      if (state) states.set(syncErrorKey({ crm, kind, ref }), state);
    }
  }
  return states;
}
