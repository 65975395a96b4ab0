import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulators, type RunningEmulators } from '../../src/emulators/start.ts';
import { PostgresStore } from '../../src/store/postgres.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { freshDatabase } from '../store/postgres.ts';
import { API_KEY, answer, spawnWorker, startHarness, waitFor, type Harness } from './harness.ts';

const distinct = (records: Record<string, unknown>[] | undefined, key: string) =>
  new Set((records ?? []).map((r) => r[key])).size;

describe('reliability', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('writes every answer exactly once while 20% of CRM calls fail with 429, 5xx and UNABLE_TO_LOCK_ROW', async () => {
    h = await startHarness();
    await fetch(`${h.emulators.salesforceUrl}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        seed: 3,
        rules: [
          { match: 'POST /services/data/v62.0/composite', status: 503, rate: 0.1 },
          { match: 'composite', recordErrorCode: 'UNABLE_TO_LOCK_ROW', rate: 0.1 },
          { match: '/query', status: 503, rate: 0.2 },
        ],
      }),
    });
    await fetch(`${h.emulators.hubspotUrl}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        seed: 5,
        rules: [
          { match: '/crm/', status: 429, rate: 0.1, retryAfterSeconds: 0 },
          { match: '/crm/', status: 502, rate: 0.1 },
        ],
      }),
    });
    const answers = Array.from({ length: 300 }, (_, i) =>
      answer({
        id: `load-${i}`,
        score: i % 11,
        respondent: { email: i % 2 ? 'claire@acme.example' : 'luc@acme.example' },
      }),
    );
    for (let i = 0; i < 300; i += 100)
      expect(
        (await h.api('POST', '/v1/answers', { answers: answers.slice(i, i + 100) })).status,
      ).toBe(202);
    await waitFor(
      async () =>
        ((await h?.sf())?.Survey_Response__c ?? []).length === 300 &&
        ((await h?.hs())?.objects.boucle_survey_response ?? []).length === 300,
      60_000,
      '300 answers in both CRMs',
    );
    const sf = await h.sf();
    const hs = await h.hs();
    expect(distinct(sf.Survey_Response__c, 'External_Id__c')).toBe(300);
    expect(
      new Set(hs.objects.boucle_survey_response?.map((r) => r.properties.boucle_external_id)).size,
    ).toBe(300);
    const calls = (await (await fetch(`${h.emulators.salesforceUrl}/__emulator/calls`)).json()) as {
      total: number;
    };
    expect(calls.total).toBeGreaterThan(3); // failures were really injected and retried
    expect(await h.server.store.listDead(10)).toEqual([]);
  });

  it('dead-letters only the 3 rows the CRM refuses, with their error, and replays them once fixed', async () => {
    h = await startHarness();
    const faults = (rules: unknown[]) =>
      fetch(`${h?.emulators.salesforceUrl}/__emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rules }),
      });
    // A validation rule an admin added that these three rows break.
    await faults([
      {
        match: 'composite',
        recordErrorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: 'Touchpoint is mandatory for Acme',
        recordMatch: '"api:bad-',
      },
    ]);
    const answers = [
      ...Array.from({ length: 17 }, (_, i) => answer({ id: `good-${i}` })),
      answer({ id: 'bad-1' }),
      answer({ id: 'bad-2' }),
      answer({ id: 'bad-3' }),
    ];
    await h.api('POST', '/v1/answers', { answers });
    const deadAnswers = async () =>
      ((await h?.server.store.listDead(50)) ?? []).filter(
        (job) => job.kind === 'answer' && job.crm === 'salesforce',
      );
    await waitFor(async () => (await deadAnswers()).length === 3, 20_000, '3 dead answers');
    // Their thank-you callbacks cannot be written without them, and wait in the dead letters too.
    await waitFor(
      async () =>
        ((await h?.server.store.listDead(50)) ?? []).filter(
          (job) => job.kind === 'callback' && job.crm === 'salesforce',
        ).length === 3,
      20_000,
      '3 dead callbacks',
    );
    expect(((await h.sf()).Survey_Response__c ?? []).map((r) => r.External_Id__c).sort()).toEqual(
      Array.from({ length: 17 }, (_, i) => `api:good-${i}`).sort(),
    );
    const env = { BOUCLE_DB: h.config.dbPath };
    const { runCli } = await import('../../src/cli/main.ts');
    let out = '';
    const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (out += t) };
    const other = { BOUCLE_DB: join(mkdtempSync(join(tmpdir(), 'boucle-other-')), 'boucle.db') };
    expect(await runCli(['dead-letters', 'list'], io, undefined, other)).toBe(0);
    expect(out).toContain('no dead letters'); // another database: nothing there
    out = '';
    expect(await runCli(['dead-letters', 'list'], io, undefined, env)).toBe(0);
    expect(out).toContain('answer api:bad-1');
    expect(out).toContain('FIELD_CUSTOM_VALIDATION_EXCEPTION: Touchpoint is mandatory for Acme');
    await faults([]);
    out = '';
    expect(await runCli(['dead-letters', 'replay', '--all'], io, undefined, env)).toBe(0);
    expect(out).toContain('6 jobs back in the queue'); // the 3 answers and their 3 callbacks
    await waitFor(
      async () => ((await h?.sf())?.Survey_Response__c ?? []).length === 20,
      20_000,
      'replayed answers',
    );
    expect(await h.server.store.listDead(10)).toEqual([]);
    out = '';
    expect(await runCli(['dead-letters', 'replay'], io, undefined, env)).toBe(2);
    expect(out).toContain('name the job ids to replay');
  });
});

describe('a worker killed in the middle of a sync', () => {
  let emulators: RunningEmulators | undefined;
  afterEach(async () => {
    await emulators?.close();
  });

  it.each([
    ['SQLite', false],
    ['PostgreSQL, shared by two server replicas', true],
  ])(
    'loses and duplicates nothing (%s; real child processes, SIGKILL)',
    async (_store, postgres) => {
      emulators = await startEmulators({ hubspot: { burstLimit: 10_000 } });
      const org = emulators.salesforce.org;
      const account = org.create('Account', { Name: 'Acme', Website: 'acme.example' }) as {
        id: string;
      };
      org.create('Contact', {
        LastName: 'Martin',
        Email: 'claire@acme.example',
        AccountId: account.id,
      });
      emulators.hubspot.portal.create('companies', {
        properties: { name: 'Acme', domain: 'acme.example' },
      });
      // Slow composite calls, so that the kill lands while records are being written.
      await fetch(`${emulators.salesforceUrl}/__emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rules: [{ match: 'composite', latencyMs: 150 }] }),
      });
      const dbPath = join(mkdtempSync(join(tmpdir(), 'boucle-kill-')), 'boucle.db');
      const env = {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        BOUCLE_DB: dbPath,
        ...(postgres && { DATABASE_URL: await freshDatabase() }),
        BOUCLE_API_KEY: API_KEY,
        BOUCLE_SANDBOX: '0',
        SALESFORCE_LOGIN_URL: emulators.salesforceUrl,
        SALESFORCE_CLIENT_ID: 'boucle-sandbox',
        SALESFORCE_CLIENT_SECRET: 'sandbox',
        HUBSPOT_BASE_URL: emulators.hubspotUrl,
        HUBSPOT_ACCESS_TOKEN: 'pat-sandbox',
        BOUCLE_LOG_LEVEL: 'silent',
      };
      const first = spawnWorker(env);
      const url = await first.url;
      // With PostgreSQL, a second replica works the same queue from the start.
      const replica = postgres ? spawnWorker(env) : undefined;
      if (replica) await replica.url;
      const answers = Array.from({ length: 3000 }, (_, i) =>
        answer({ id: `kill-${i}`, score: i % 11 }),
      );
      for (let i = 0; i < answers.length; i += 1000) {
        const response = await fetch(`${url}/v1/answers`, {
          method: 'POST',
          headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ answers: answers.slice(i, i + 1000) }),
        });
        expect(response.status).toBe(202);
      }
      const written = () => emulators?.salesforce.org.rows('Survey_Response__c').length ?? 0;
      const kill = async (worker: ReturnType<typeof spawnWorker>) => {
        worker.child.kill('SIGKILL');
        await new Promise((resolve) => worker.child.once('exit', resolve));
      };
      // Kills while answers are written and their callbacks raised and written: each lands
      // somewhere else in a sync round (storing callbacks, queueing them, writing, settling).
      const inPortal = (type: string) => {
        try {
          return emulators?.hubspot.portal.list(type).length ?? 0;
        } catch {
          return 0; // the custom object is not defined yet
        }
      };
      const progress = () =>
        written() +
        (emulators?.salesforce.org.rows('Callback__c').length ?? 0) +
        inPortal('boucle_survey_response') +
        inPortal('tasks');
      await waitFor(() => written() > 0, 60_000, 'the first records');
      let current = first;
      let kills = 0;
      for (; kills < 6; kills++) {
        const before = progress();
        try {
          await waitFor(() => progress() > before + 250, 30_000, 'progress');
        } catch {
          break; // everything was written: no sync left to interrupt
        }
        await kill(current);
        current = spawnWorker(env);
        await current.url;
      }
      expect(kills).toBeGreaterThanOrEqual(1);
      await kill(current);

      const second = replica ?? spawnWorker(env);
      await second.url;
      const store = postgres
        ? await PostgresStore.open(env.DATABASE_URL as string)
        : new SqliteStore(dbPath);
      try {
        await waitFor(
          () =>
            written() === 3000 &&
            (emulators?.hubspot.portal.list('boucle_survey_response').length ?? 0) === 3000,
          60_000,
          'every answer after the restart',
        );
        const ids = emulators.salesforce.org
          .rows('Survey_Response__c')
          .map((r) => r.External_Id__c);
        expect(new Set(ids).size).toBe(3000);
        expect(
          new Set(
            emulators.hubspot.portal
              .list('boucle_survey_response')
              .map((r) => r.properties.boucle_external_id),
          ).size,
        ).toBe(3000);
        // Every callback raised is written once in each of its CRMs (one callback per answer and
        // kind, a side per CRM): none lost between being stored and being queued, none written
        // twice.
        const callbacks = await store.listCallbacks({
          now: new Date().toISOString(),
          limit: 10_000,
        });
        const expected = (crm: 'salesforce' | 'hubspot') =>
          callbacks
            .flatMap((c) => c.links.filter((link) => link.crm === crm).map((link) => link.key))
            .sort();
        expect(expected('salesforce').length).toBeGreaterThan(2000);
        expect(expected('hubspot').length).toBe(expected('salesforce').length);
        const inSalesforce = () =>
          (emulators?.salesforce.org.rows('Callback__c') ?? []).map((r) =>
            String(r.External_Id__c),
          );
        const inHubSpot = () =>
          (emulators?.hubspot.portal.list('tasks') ?? []).map((r) =>
            String(r.properties.boucle_external_id),
          );
        await waitFor(
          () =>
            inSalesforce().length >= expected('salesforce').length &&
            inHubSpot().length >= expected('hubspot').length,
          60_000,
          'every callback in both CRMs',
        );
        expect(inSalesforce().sort()).toEqual(expected('salesforce'));
        expect(inHubSpot().sort()).toEqual(expected('hubspot'));
      } finally {
        await store.close();
        second.child.kill('SIGTERM');
        await new Promise((resolve) => second.child.once('exit', resolve));
      }
    },
    480_000,
  );
});
