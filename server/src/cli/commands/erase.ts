import { erasePerson, erasureRequestSchema, erasureView } from '../../erasure/requests.ts';
import type { Crm } from '../../store/store.ts';
import { EXIT, commandConfig, commandStore, type CliIo } from '../io.ts';

export interface EraseOptions {
  readonly json?: boolean;
  /** Follow the CRMs' progress until done (default); `--no-wait` returns once requested. */
  readonly wait?: boolean;
  /** How long to follow it, in seconds. */
  readonly timeout: number;
  /** How often to look, in milliseconds (tests shorten it). */
  readonly pollMs?: number;
}

/**
 * `boucle erase <email>`: the erasure of `POST /v1/erasures`, from the command line, on the store
 * the server uses (DATABASE_URL, else BOUCLE_DB). The store's part is done at once; the running
 * server (npm start) erases the records in the CRMs, and the command follows its progress until
 * every CRM is done or refused, or `--timeout`. Asking again for the same address shows the same
 * erasure. Exit codes: 0 done (or nothing to erase), 1 a CRM refused or still pending at the
 * timeout, 2 bad usage (a malformed e-mail) or configuration.
 */
export async function eraseCommand(
  email: string,
  options: EraseOptions,
  env: Record<string, string | undefined>,
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const parsed = erasureRequestSchema.safeParse({ email });
  if (!parsed.success) {
    io.stderr(
      `boucle erase: email: ${parsed.error.issues[0]?.message ?? 'is not an e-mail address'}\n`,
    );
    return EXIT.badInput;
  }
  const config = commandConfig('erase', env, io);
  if (!config) return EXIT.badInput;
  const crms: Crm[] = config.sandbox
    ? ['salesforce', 'hubspot']
    : [
        ...(config.salesforce ? ['salesforce' as const] : []),
        ...(config.hubspot ? ['hubspot' as const] : []),
      ];
  const store = await commandStore('erase', config, io);
  if (!store) return EXIT.failure;
  try {
    const { id, created } = await erasePerson(
      { store, crms, keepStatistics: config.erasureKeepStatistics ?? false, clock: Date.now },
      parsed.data.email,
      'cli',
    );
    if (!options.json) io.stdout(`erasure ${id} ${created ? 'requested' : 'already requested'}\n`);
    const deadline = Date.now() + options.timeout * 1000;
    let last = '';
    for (;;) {
      const stored = await store.getErasure(id);
      if (!stored) return EXIT.failure;
      const view = erasureView(stored);
      const line = Object.entries(view.crms)
        .map(([crm, c]) => `${crm}: ${c.state}${c.detail ? ` (${c.detail})` : ''}`)
        .join(', ');
      if (!options.json && line !== last) io.stdout(`  ${line || 'no CRM configured'}\n`);
      last = line;
      const waiting = view.status === 'pending';
      if (!waiting || options.wait === false || Date.now() >= deadline || signal?.aborted) {
        if (options.json) io.stdout(`${JSON.stringify(view, null, 2)}\n`);
        else if (view.status === 'nothing_to_erase')
          io.stdout(
            'nothing to erase: the store held no answer, rating or callback of this address; later deliveries of its past answers are refused\n',
          );
        else if (view.status === 'done') io.stdout('erased in the store and in every CRM\n');
        else if (view.status === 'incomplete')
          io.stdout(
            'a CRM refused: see the reason above; fix it, then `npx boucle dead-letters replay --all`\n',
          );
        else
          io.stdout(
            `erased in the store; the CRMs' part is still pending: the running server (npm start) does it. Follow it with GET /v1/erasures/${id}, or run this command again.\n`,
          );
        return view.status === 'done' || view.status === 'nothing_to_erase'
          ? EXIT.ok
          : EXIT.failure;
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
    }
  } finally {
    await store.close();
  }
}
