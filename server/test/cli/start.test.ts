import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config/config.ts';
import { startServer } from '../../src/server.ts';

describe('boucle start', () => {
  it('runs the sandbox: emulators, demo data, and a summary that answers at once', async () => {
    let out = '';
    const stop = new AbortController();
    const env = {
      PORT: '0',
      BOUCLE_DB: join(mkdtempSync(join(tmpdir(), 'boucle-start-')), 'boucle.db'),
      BOUCLE_LOG_LEVEL: 'silent',
    };
    const done = runCli(
      ['start'],
      { stdout: (t) => (out += t), stderr: (t) => (out += t) },
      stop.signal,
      env,
    );
    while (!out.includes('Press Ctrl-C')) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(out).toContain('Sandbox mode');
    const url = /running at (\S+)/.exec(out)?.[1] as string;
    const key = /API key: (\S+)/.exec(out)?.[1] as string;
    const summary = await fetch(`${url}/v1/accounts/acme-industrie.example/summary`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(summary.status).toBe(200);
    const body = (await summary.json()) as {
      overall: { n: number };
      trend: unknown[];
      verbatims: unknown[];
    };
    expect(body.overall.n).toBeGreaterThan(0);
    expect(body.trend).toHaveLength(12);
    // The preview page answers at once (while its components compile, a page that says so).
    expect(out).toContain(`Preview (the Salesforce components and the HubSpot card data): ${url}/`);
    const home = await fetch(`${url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Boucle preview');
    stop.abort();
    expect(await done).toBe(0);
    expect(out).toContain('Stopped.');
  });

  it('keeps the sandbox API key in the data folder across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boucle-key-'));
    const config = loadConfig({ PORT: '0', BOUCLE_DB: join(dir, 'boucle.db') });
    const options = { logger: pino({ level: 'silent' }), demo: false, preview: false };
    const first = await startServer(config, options);
    await first.close();
    const second = await startServer(config, options);
    await second.close();
    expect(second.apiKey).toBe(first.apiKey);
    expect(readFileSync(join(dir, 'sandbox-api-key'), 'utf8').trim()).toBe(first.apiKey);
    expect(statSync(join(dir, 'sandbox-api-key')).mode & 0o077).toBe(0);
  });

  it('refuses a bad configuration, naming the variable, with exit 2', async () => {
    let err = '';
    const code = await runCli(
      ['start'],
      { stdout: () => undefined, stderr: (t) => (err += t) },
      undefined,
      { PORT: 'eighty' },
    );
    expect(code).toBe(2);
    expect(err).toContain('PORT: must be a port number');
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('says which PostgreSQL it cannot open, without the password, with exit 1', async () => {
    let err = '';
    const code = await runCli(
      ['start'],
      { stdout: () => undefined, stderr: (t) => (err += t) },
      undefined,
      { PORT: '0', DATABASE_URL: 'postgres://boucle:s3cret@127.0.0.1:1/boucle' },
    );
    expect(code).toBe(1);
    expect(err).toContain(
      'boucle start: cannot open the PostgreSQL database at DATABASE_URL (postgres://boucle:***@127.0.0.1:1/boucle)',
    );
    expect(err).not.toContain('s3cret');
    expect(err).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['Salesforce', 1],
    ['HubSpot', 2],
  ])(
    "names the %s emulator's port in use, exits 1 with no stack trace, and leaves nothing listening",
    async (_crm, offset) => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const taken = (blocker.address() as { port: number }).port;
      const port = taken - offset;
      let err = '';
      try {
        const code = await runCli(
          ['start'],
          { stdout: () => undefined, stderr: (t) => (err += t) },
          undefined,
          {
            PORT: String(port),
            BOUCLE_DB: join(mkdtempSync(join(tmpdir(), 'boucle-start-')), 'boucle.db'),
            BOUCLE_LOG_LEVEL: 'silent',
          },
        );
        expect(code).toBe(1);
        expect(err).toContain(
          `port ${port} (or ${port + 1}/${port + 2} for the sandbox emulators) is already in use`,
        );
        expect(err).not.toMatch(/\n\s+at /);
        // An emulator that did start is closed again: every other port is free.
        for (const free of [port, port + 1, port + 2].filter((p) => p !== taken)) {
          const probe = createServer();
          await new Promise<void>((resolve, reject) => {
            probe.once('error', reject);
            probe.listen(free, '127.0.0.1', resolve);
          });
          await new Promise((resolve) => probe.close(resolve));
        }
      } finally {
        blocker.close();
      }
    },
  );
});
