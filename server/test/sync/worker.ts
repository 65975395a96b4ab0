// A Boucle server in a child process, for the kill test: configuration from the environment, a
// short lease so that a killed worker's jobs are taken again within seconds, its URL sent to the
// parent.
import pino from 'pino';
import { loadConfig } from '../../src/config/config.ts';
import { startServer } from '../../src/server.ts';

const server = await startServer(loadConfig(process.env), {
  logger: pino({ level: 'silent' }),
  engine: { leaseMs: 2_000, heartbeatMs: 500, idleMs: 20, backoffBaseMs: 50 },
  hubspotRequestsPer10s: 10_000,
});
process.send?.({ url: server.url });
process.once('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
// A test that fails or times out never kills its workers: end with the parent (the IPC channel
// closes when it exits), so no orphan keeps polling the store and loading the machine.
process.once('disconnect', () => process.exit(1));
