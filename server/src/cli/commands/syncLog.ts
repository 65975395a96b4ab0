import { existsSync } from 'node:fs';
import { toFieldIssues } from '@boucle/shared/schemas';
import type { Command } from 'commander';
import { syncHealth, type SyncHealth } from '../../health/summary.ts';
import {
  syncLogPage,
  syncLogQuerySchema,
  type SyncLogEntryView,
  type SyncLogParams,
} from '../../http/syncLog.ts';
import type { StoreLocation } from '../../store/open.ts';
import type { Store } from '../../store/store.ts';
import { EXIT, commandStore, type CliIo } from '../io.ts';

export interface SyncLogOptions {
  readonly since?: string;
  readonly crm?: string;
  readonly status?: string;
  readonly ref?: string;
  readonly limit?: string;
  readonly oldest?: boolean;
  readonly json?: boolean;
  readonly follow?: boolean;
  /** Seconds between two reads with --follow. */
  readonly every?: string;
}

const pad = (text: string, width: number) =>
  text.length >= width ? text : text + ' '.repeat(width - text.length);

/** One line of the table: when, where, what, the outcome, the CRM id, why. */
export function formatLine(e: SyncLogEntryView): string {
  const when = e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const detail = e.detail ? `  ${e.detail}` : '';
  return `${when}  ${pad(e.crm, 10)}  ${pad(e.kind, 8)}  ${pad(e.status, 8)}  ${pad(e.ref, 24)}  ${pad(e.crmId ?? '-', 18)}${detail}\n`;
}

const HEADER = `${pad('at', 20)}  ${pad('crm', 10)}  ${pad('kind', 8)}  ${pad('status', 8)}  ${pad('ref', 24)}  ${pad('crm id', 18)}  detail\n`;

/** The options as the API's query, or a message naming each bad option. */
function params(options: SyncLogOptions): SyncLogParams | string {
  const parsed = syncLogQuerySchema.safeParse({
    ...(options.since && { since: options.since }),
    ...(options.crm && { crm: options.crm }),
    ...(options.status && { status: options.status }),
    ...(options.ref && { ref: options.ref }),
    ...(options.limit && { limit: options.limit }),
    // --follow prints in the order things happen.
    order: options.oldest || options.follow ? 'oldest' : 'newest',
  });
  if (parsed.success) return parsed.data;
  return toFieldIssues(parsed.error)
    .map((i) => `--${i.path} ${i.message}`)
    .join('; ');
}

async function withStore(
  command: string,
  location: StoreLocation,
  io: CliIo,
  work: (store: Store) => Promise<number>,
): Promise<number> {
  if (!location.databaseUrl && location.dbPath !== ':memory:' && !existsSync(location.dbPath)) {
    io.stdout(
      `No store at ${location.dbPath} yet (BOUCLE_DB; the server creates it at its first start): nothing synced yet.\n`,
    );
    return EXIT.ok;
  }
  const store = await commandStore(command, location, io);
  if (!store) return EXIT.failure;
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/**
 * `boucle sync-log`: the sync log, newest first (or `--oldest`), as a table or `--json` (the API's
 * page); `--follow` prints the lines as they come until interrupted.
 */
export async function syncLogCommand(
  location: StoreLocation,
  options: SyncLogOptions,
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const query = params(options);
  const every = Number(options.every ?? 2);
  if (typeof query === 'string' || !(every > 0)) {
    io.stderr(
      `boucle sync-log: ${typeof query === 'string' ? query : '--every must be a number of seconds above 0'}\n`,
    );
    return EXIT.badInput;
  }
  return withStore('sync-log', location, io, async (store) => {
    let page = await syncLogPage(store, query, Date.now());
    if (!options.follow) {
      if (options.json) io.stdout(`${JSON.stringify(page, null, 2)}\n`);
      else if (page.entries.length === 0) io.stdout('Nothing in the sync log for this filter.\n');
      else {
        io.stdout(HEADER);
        for (const entry of page.entries) io.stdout(formatLine(entry));
        if (page.next)
          io.stdout(
            `More: npx boucle sync-log --limit ${query.limit} … (or --since a later time)\n`,
          );
      }
      return EXIT.ok;
    }
    if (!options.json) io.stdout(HEADER);
    // Without --since, it starts from the latest lines, as tail -f does.
    if (!options.since) {
      const latest = await syncLogPage(store, { ...query, order: 'newest' }, Date.now());
      page = { entries: latest.entries.reverse(), next: null };
    }
    let after: number | undefined = options.since ? undefined : 0;
    for (;;) {
      for (const entry of page.entries) {
        io.stdout(options.json ? `${JSON.stringify(entry)}\n` : formatLine(entry));
        after = entry.id;
      }
      if (!page.next) {
        if (signal?.aborted) return EXIT.ok;
        await pause(every * 1000, signal);
        if (signal?.aborted) return EXIT.ok;
      }
      page = await syncLogPage(
        store,
        { ...query, ...(after !== undefined && { after }) },
        Date.now(),
      );
    }
  });
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The health summary as text: one block per CRM. */
export function formatHealth(health: SyncHealth): string {
  if (health.crms.length === 0) return 'No CRM has synced anything yet.\n';
  const lines = [`Sync ${health.status} at ${health.at}`];
  for (const crm of health.crms) {
    const budget = crm.apiBudget
      ? `API budget ${crm.apiBudget.used}/${crm.apiBudget.limit} (${crm.apiBudget.percent}%, as of ${crm.apiBudget.observedAt})`
      : 'API budget not reported yet';
    lines.push(
      `${crm.crm}: ${crm.status}${crm.outage ? ` — failing since ${crm.outage.since}: ${crm.outage.error}` : ''}`,
      `  last sync ${crm.lastSyncedAt ?? 'never'}; backlog ${crm.backlog}; dead letters ${crm.deadLetters}; ${budget}`,
    );
    for (const o of crm.objects)
      lines.push(
        `  ${pad(o.kind, 8)}  last sync ${pad(o.lastSyncedAt ?? 'never', 24)}  backlog ${pad(String(o.backlog), 6)}  dead ${o.deadLetters}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** `boucle sync-health`: the summary `GET /v1/sync-health` gives, from the store. */
export async function syncHealthCommand(
  location: StoreLocation,
  options: { json?: boolean },
  io: CliIo,
): Promise<number> {
  return withStore('sync-health', location, io, async (store) => {
    const health = await syncHealth(store, Date.now());
    io.stdout(options.json ? `${JSON.stringify(health, null, 2)}\n` : formatHealth(health));
    if (health.crms.some((c) => c.deadLetters > 0))
      io.stdout(options.json ? '' : 'What failed: npx boucle sync-log --status dead\n');
    return EXIT.ok;
  });
}

/** Adds `sync-log` and `sync-health` to the command line. */
export function registerSyncCommands(
  program: Command,
  location: StoreLocation,
  io: CliIo,
  setExit: (code: number) => void,
  signal?: AbortSignal,
): void {
  program
    .command('sync-log')
    .description(
      'What the sync wrote where, when, under which CRM id; what failed and why; what was retried (newest first).',
    )
    .option('--since <time>', 'an ISO 8601 instant, or a time back from now: 90m, 24h, 7d')
    .option('--crm <crm>', 'salesforce or hubspot')
    .option('--status <status>', 'synced, retried, dead or replayed')
    .option('--ref <ref>', "one record: an answer's or rating's source:id, a callback id")
    .option('--limit <n>', 'at most n lines (1 to 1000, default 100)')
    .option('--oldest', 'oldest first')
    .option(
      '--json',
      'print JSON (the page GET /v1/sync-log returns; one line per entry with --follow)',
    )
    .option('--follow', 'keep printing new lines as they are logged, until interrupted')
    .option('--every <seconds>', 'with --follow: how often to look (default 2)')
    .addHelpText(
      'after',
      '\nReads the store (DATABASE_URL, else BOUCLE_DB). Lines are kept BOUCLE_SYNC_LOG_RETENTION_DAYS (default 30).\nExamples:\n  npx boucle sync-log --status dead --since 24h\n  npx boucle sync-log --ref api:ans-8812\n  npx boucle sync-log --follow',
    )
    .action(async (options: SyncLogOptions) => {
      setExit(await syncLogCommand(location, options, io, signal));
    });
  program
    .command('sync-health')
    .description(
      'Is Boucle syncing? Per CRM and kind of record: last successful sync, backlog, dead letters, outage, API budget.',
    )
    .option('--json', 'print JSON (what GET /v1/sync-health returns)')
    .action(async (options: { json?: boolean }) => {
      setExit(await syncHealthCommand(location, options, io));
    });
}
