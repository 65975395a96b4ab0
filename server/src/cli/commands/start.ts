import type { Config } from '../../config/config.ts';
import { startServer } from '../../server.ts';
import { EXIT, commandConfig, type CliIo } from '../io.ts';

/**
 * `boucle start` (what `npm start` runs): the server with its configuration from the environment;
 * in sandbox mode also the CRM emulators and the demo data.
 */
export async function startCommand(
  env: Record<string, string | undefined>,
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const config = commandConfig('start', env, io);
  if (!config) return EXIT.badInput;
  // Listening for the stop signals before anything starts: a SIGTERM that arrives while the
  // server starts, or just as it says it runs, still stops it cleanly.
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  signal?.addEventListener('abort', stop, { once: true });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await run(config, io, stopped);
  } finally {
    signal?.removeEventListener('abort', stop);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function run(config: Config, io: CliIo, stopped: Promise<void>): Promise<number> {
  let running;
  try {
    running = await startServer(config);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr(
      `boucle start: ${code === 'EADDRINUSE' ? `port ${config.port} (or ${config.port + 1}/${config.port + 2} for the sandbox emulators) is already in use; set PORT to another one` : (error as Error).message}\n`,
    );
    return EXIT.failure;
  }
  const lines = [`Boucle is running at ${running.url}`];
  if (config.sandbox) {
    lines.push(
      'Sandbox mode: local CRM emulators and demo data (set SALESFORCE_* or HUBSPOT_ACCESS_TOKEN to use real CRMs).',
      `  Preview (the Salesforce components and the HubSpot card data): ${running.url}/`,
      `  Salesforce emulator: ${running.emulators?.salesforceUrl}/__emulator/state`,
      `  HubSpot emulator:    ${running.emulators?.hubspotUrl}/__emulator/state`,
      `  API key: ${running.apiKey}`,
      `  Try: curl -H "Authorization: Bearer ${running.apiKey}" ${running.url}/v1/accounts/acme-industrie.example/summary`,
    );
  }
  lines.push(
    `  Health: ${running.url}/health   API description: ${running.url}/openapi.json`,
    'Press Ctrl-C to stop.',
    '',
  );
  io.stdout(lines.join('\n'));
  await stopped;
  io.stdout('Stopping: finishing the jobs in progress…\n');
  await running.close();
  io.stdout('Stopped.\n');
  return EXIT.ok;
}
