import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/preview/build.ts';

/** Listens on `port` and closes again: false when something holds it. */
async function isFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A port the system just handed out whose next two (the sandbox emulators') are free too. */
async function freePortBlock(): Promise<number> {
  for (;;) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    if (port < 65533 && (await isFree(port + 1)) && (await isFree(port + 2))) return port;
  }
}

describe('npm start', () => {
  it('stops the server, freeing its ports, when npm itself is sent SIGTERM', async () => {
    const port = await freePortBlock();
    const npm = spawn('npm', ['start'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        BOUCLE_DB: join(mkdtempSync(join(tmpdir(), 'boucle-npm-start-')), 'boucle.db'),
        BOUCLE_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    npm.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      npm.stdout.on('data', () => out.includes('Press Ctrl-C') && resolve());
      void exited.then(() => reject(new Error(`npm start ended early:\n${out}`)));
    });
    expect(await isFree(port)).toBe(false);
    // What a process manager does: signal the process it started, npm, and nothing else.
    npm.kill('SIGTERM');
    await exited;
    // npm may exit before the server it signalled: the server shares npm's output pipes, which
    // end once every process writing to them has exited.
    await Promise.all(
      [npm.stdout, npm.stderr].map(
        (stream) =>
          new Promise((resolve) =>
            stream.readableEnded ? resolve(undefined) : stream.once('end', resolve),
          ),
      ),
    );
    expect(out).toContain('Stopped.');
    for (const used of [port, port + 1, port + 2]) expect(await isFree(used)).toBe(true);
  });
});
