import type { Crm } from '../../store/store.ts';
import { refOf } from '../../store/store.ts';
import { EXIT, commandConfig, commandStore, type CliIo } from '../io.ts';

export interface ResyncOptions {
  /** Only answers given from this instant (ISO 8601); default: all. */
  readonly since?: string;
}

/** Answers queued per transaction, and between two progress lines. */
const CHUNK = 1000;

/**
 * `boucle resync`: queues the stored answers (since a date) for their CRMs again, so that the
 * records written before themes and sentiment existed (or before a taxonomy change) get them: the
 * sync upserts each by its Boucle id, in its usual batches. Resumable: the jobs are durable, and a
 * second run queues no answer that is still waiting. Answers older than the callback age raise no
 * callback, as in any backfill.
 */
export async function resyncCommand(
  env: Record<string, string | undefined>,
  options: ResyncOptions,
  io: CliIo,
): Promise<number> {
  const since = options.since ?? '1970-01-01T00:00:00Z';
  if (Number.isNaN(Date.parse(since))) {
    io.stderr(`boucle resync: --since must be a date such as 2026-01-01, not "${since}"\n`);
    return EXIT.badInput;
  }
  const config = commandConfig('resync', env, io);
  if (!config) return EXIT.badInput;
  const crms: Crm[] = config.sandbox
    ? ['salesforce', 'hubspot']
    : [
        ...(config.salesforce ? ['salesforce' as const] : []),
        ...(config.hubspot ? ['hubspot' as const] : []),
      ];
  const store = await commandStore('resync', config, io);
  if (!store) return EXIT.failure;
  try {
    const refs = (await store.answersSince(new Date(since).toISOString())).map(refOf);
    for (let i = 0; i < refs.length; i += CHUNK) {
      const chunk = refs.slice(i, i + CHUNK);
      for (const crm of crms) await store.enqueue(crm, 'answer', chunk, Date.now());
      io.stdout(`queued ${Math.min(i + CHUNK, refs.length)}/${refs.length} answers\n`);
    }
    io.stdout(
      `${refs.length} answers queued for ${crms.join(' and ') || 'no CRM (none configured)'}; the server writes them, with their themes and sentiment, as it runs.\n`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
