import { existsSync } from 'node:fs';
import type { StoreLocation } from '../../store/open.ts';
import { EXIT, commandStore, type CliIo } from '../io.ts';

/** A SQLite file not created yet holds no job: say so rather than create an empty store. */
function noStoreYet(location: StoreLocation, io: CliIo): boolean {
  if (location.databaseUrl || location.dbPath === ':memory:' || existsSync(location.dbPath))
    return false;
  io.stdout(
    `No store at ${location.dbPath} yet (BOUCLE_DB; the server creates it at its first start): no dead letters.\n`,
  );
  return true;
}

/** `boucle dead-letters list`: the jobs that gave up, with their last CRM error. */
export async function deadLettersList(
  location: StoreLocation,
  options: { json?: boolean; limit: number },
  io: CliIo,
): Promise<number> {
  if (noStoreYet(location, io)) return EXIT.ok;
  const store = await commandStore('dead-letters list', location, io);
  if (!store) return EXIT.failure;
  try {
    const dead = await store.listDead(options.limit);
    if (options.json) io.stdout(`${JSON.stringify(dead, null, 2)}\n`);
    else if (dead.length === 0)
      io.stdout('No dead letters: every record reached its CRM or is still being retried.\n');
    else {
      for (const job of dead)
        io.stdout(
          `#${job.id}  ${job.crm}  ${job.kind} ${job.ref}  (${job.attempts} attempts, ${job.updatedAt})\n    ${job.lastError}\n`,
        );
      io.stdout(
        `${dead.length} dead letter${dead.length > 1 ? 's' : ''}. Fix the cause, then: npx boucle dead-letters replay --all (or the ids)\n`,
      );
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** `boucle dead-letters replay`: puts dead jobs back in the queue (a running server picks them up). */
export async function deadLettersReplay(
  location: StoreLocation,
  ids: string[],
  options: { all?: boolean },
  io: CliIo,
): Promise<number> {
  if (!options.all && ids.length === 0) {
    io.stderr(
      'boucle dead-letters replay: name the job ids to replay (from `dead-letters list`), or pass --all\n',
    );
    return EXIT.badInput;
  }
  const bad = ids.filter((id) => !/^\d+$/.test(id));
  if (bad.length > 0) {
    io.stderr(`boucle dead-letters replay: job ids are whole numbers; not: ${bad.join(', ')}\n`);
    return EXIT.badInput;
  }
  if (noStoreYet(location, io)) return EXIT.ok;
  const store = await commandStore('dead-letters replay', location, io);
  if (!store) return EXIT.failure;
  try {
    const replayed = await store.replay(options.all ? 'all' : ids.map(Number), Date.now());
    io.stdout(
      `${replayed} job${replayed === 1 ? '' : 's'} back in the queue; upserts by Boucle's ids make the replay safe to repeat.\n`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
