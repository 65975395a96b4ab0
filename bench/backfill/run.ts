/**
 * bench/backfill: a backfill of old answers (no callbacks: older than 14 days) to Salesforce,
 * ingested through POST /v1/answers with the sync stopped, then synced in one go. Prints the API
 * calls by kind against the Bulk API 2.0 floor: ⌈records / records per job⌉ jobs × the 5 calls a
 * job needs (create, upload, close, one poll, successful results), where a job holds one upload
 * of at most 150 MB of base64-encoded CSV and the records per job come from the CSV of these very
 * answers. The Salesforce emulator runs in a child process on loopback; the bench stops by itself
 * (when the queue is empty, or after --timeout minutes).
 *
 *   npm run bench:backfill [-- --answers 1000000 --accounts 100 --contacts 2000 --timeout 60]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { classifyScore } from '@boucle/shared';
import { analyzeVerbatim } from '@boucle/shared/themes';
import type { Answer } from '@boucle/shared/schemas';
import { MAX_UPLOAD_BASE64_BYTES, bulkUploads } from '../../server/src/crm/salesforce/bulk.ts';
import { surveyResponseRecord } from '../../server/src/crm/salesforce/mappers.ts';
import { seededRandom } from '../../server/src/random.ts';
import { startServer } from '../../server/src/server.ts';

const { values } = parseArgs({
  options: {
    answers: { type: 'string', default: '1000000' },
    accounts: { type: 'string', default: '100' },
    contacts: { type: 'string', default: '2000' },
    timeout: { type: 'string', default: '60' },
  },
});
const ANSWERS = Number(values.answers);
const ACCOUNTS = Number(values.accounts);
const CONTACTS = Number(values.contacts);
const TIMEOUT_MS = Number(values.timeout) * 60_000;
const KEY = 'bench-key-0123456789abcdef';
/** Calls an ingest job needs at the least: create, upload, close, one poll, successful results. */
const CALLS_PER_JOB = 5;
const DAY_MS = 86_400_000;

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main(): Promise<void> {
  log(
    `bench/backfill: ${ANSWERS.toLocaleString('en')} answers, ${ACCOUNTS} accounts, ${CONTACTS.toLocaleString('en')} contacts, node ${process.version}`,
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
  const sfUrl = await new Promise<string>((resolve, reject) => {
    emulator.once('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
    let text = '';
    emulator.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const sf = /Salesforce emulator: (\S+)/.exec(text)?.[1];
      if (sf && text.includes('Ctrl-C')) resolve(sf);
    });
  });
  const admin = async (path: string, body?: unknown) =>
    (
      await fetch(`${sfUrl}/__emulator/${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      })
    ).json() as Promise<Record<string, unknown>>;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const next = seededRandom(11);
    const accounts = (
      await admin('records', {
        Account: Array.from({ length: ACCOUNTS }, (_, i) => ({
          Name: `Account ${i}`,
          Website: `account${i}.example`,
        })),
      })
    ).Account as { id: string }[];
    const contacts = Array.from({ length: CONTACTS }, (_, i) => ({
      email: `contact${i}@account${i % ACCOUNTS}.example`,
      account: i % ACCOUNTS,
    }));
    const contactIds = (
      await admin('records', {
        Contact: contacts.map((c) => ({
          LastName: `Contact ${c.email}`,
          Email: c.email,
          AccountId: accounts[c.account]?.id,
        })),
      })
    ).Contact as { id: string }[];

    const now = Date.now();
    const answerAt = (i: number): Answer => {
      const contact = contacts[i % CONTACTS] as { email: string; account: number };
      return {
        id: `backfill-${i}`,
        source: 'api',
        metric: 'nps',
        score: Math.floor(next() * 11),
        // A backfill: between 30 days and two years old, so no callback is raised.
        answeredAt: new Date(now - (30 + Math.floor(next() * 700)) * DAY_MS).toISOString(),
        touchpoint: ['pre-sale', 'contracting', 'after-sale'][i % 3] as string,
        ...(next() < 0.3 && { comment: 'Délai de réponse trop long / response time too long' }),
        respondent: { email: contact.email },
        account: { domain: `account${contact.account}.example` },
      } as Answer;
    };

    // The floor: records per job from the CSV these answers make (a sample of 2,000).
    const sample = Array.from({ length: 2000 }, (_, i) => {
      const answer = answerAt(i);
      const contact = i % CONTACTS;
      return {
        key: `api:${answer.id}`,
        record: surveyResponseRecord({
          ref: `api:${answer.id}`,
          answer,
          resolution: {
            contactId: contactIds[contact]?.id as string,
            accountId: accounts[contact % ACCOUNTS]?.id as string,
          },
          category: classifyScore(answer.metric, answer.score),
          ...(answer.comment && { analysis: analyzeVerbatim(answer.comment) }),
        }),
      };
    });
    const [upload] = bulkUploads(sample, 'External_Id__c');
    const base64PerRecord = (4 * Buffer.byteLength(upload?.csv ?? '')) / 3 / sample.length;
    const recordsPerJob = Math.floor(MAX_UPLOAD_BASE64_BYTES / base64PerRecord);
    const floorJobs = Math.ceil(ANSWERS / recordsPerJob);

    const dbPath = join(mkdtempSync(join(tmpdir(), 'boucle-backfill-')), 'boucle.db');
    server = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dbPath,
        sandbox: false,
        apiKey: KEY,
        salesforce: {
          auth: 'client_credentials',
          loginUrl: sfUrl,
          clientId: 'boucle-sandbox',
          clientSecret: 'sandbox',
          apiVersion: '62.0',
        },
        logLevel: 'silent',
        webhooks: { ratePerMinute: 600 },
        hubspotFeedbackPollSeconds: 0,
      },
      { logger: pino({ level: 'silent' }), startEngine: false },
    );
    const ingestStarted = performance.now();
    const BATCH = 1000;
    let sent = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (;;) {
          const from = sent;
          if (from >= ANSWERS) return;
          sent += BATCH;
          const answers = Array.from({ length: Math.min(BATCH, ANSWERS - from) }, (_, i) => {
            const { source: _source, ...answer } = answerAt(from + i);
            return answer;
          });
          const response = await fetch(`${server?.url}/v1/answers`, {
            method: 'POST',
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify({ answers }),
          });
          if (response.status !== 202)
            throw new Error(`POST /v1/answers: ${response.status} ${await response.text()}`);
          if ((from / BATCH) % 100 === 0)
            log(`ingested ${(from + answers.length).toLocaleString('en')} answers`);
        }
      }),
    );
    log(`ingest done in ${((performance.now() - ingestStarted) / 1000).toFixed(1)} s`);

    const before = (await admin('calls')) as { byEndpoint: Record<string, number> };
    const started = performance.now();
    server.engine.start();
    let timedOut = false;
    for (let tick = 0; ; tick++) {
      const stats = await server.store.openJobCounts();
      const pending = (stats['salesforce.ready'] ?? 0) + (stats['salesforce.running'] ?? 0);
      if (pending === 0) break;
      if (performance.now() - started > TIMEOUT_MS) {
        timedOut = true;
        break;
      }
      if (tick % 25 === 0)
        log(
          `syncing: ${pending.toLocaleString('en')} jobs open, ${((performance.now() - started) / 1000).toFixed(0)} s`,
        );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const syncSeconds = (performance.now() - started) / 1000;
    const dead = (await server.store.listDead(1000)).length;
    // On a time-out the round in flight is left running (closing would wait for it).
    if (!timedOut) await server.close();
    server = undefined;
    const after = (await admin('calls')) as { byEndpoint: Record<string, number> };
    const calls: Record<string, number> = {};
    for (const [endpoint, n] of Object.entries(after.byEndpoint)) {
      const delta = n - (before.byEndpoint[endpoint] ?? 0);
      if (delta > 0 && endpoint.includes('/services/data/')) calls[endpoint] = delta;
    }
    const ingestCalls = Object.entries(calls)
      .filter(([endpoint]) => endpoint.includes('/jobs/ingest'))
      .reduce((sum, [, n]) => sum + n, 0);
    const total = Object.values(calls).reduce((sum, n) => sum + n, 0);
    const jobs = calls['POST /services/data/vXX.X/jobs/ingest'] ?? 0;
    const floor = floorJobs * CALLS_PER_JOB;

    console.log('');
    console.log(
      `sync: ${syncSeconds.toFixed(1)} s${timedOut ? ' (TIMED OUT: partial figures)' : ''}, ${dead} dead letters`,
    );
    console.log(
      `CSV: ${base64PerRecord.toFixed(0)} base64 bytes per answer → ${recordsPerJob.toLocaleString('en')} answers per 150 MB job`,
    );
    console.log('');
    console.log('| calls by endpoint | calls |');
    console.log('|---|---:|');
    for (const [endpoint, n] of Object.entries(calls).sort(([a], [b]) => a.localeCompare(b)))
      console.log(`| ${endpoint.replace('/services/data/vXX.X', '')} | ${n} |`);
    console.log('');
    console.log('| figure | value |');
    console.log('|---|---:|');
    console.log(`| ingest jobs | ${jobs} (floor ${floorJobs}) |`);
    console.log(`| Bulk API calls | ${ingestCalls} |`);
    console.log(`| all Salesforce API calls | ${total} |`);
    console.log(`| floor (${floorJobs} jobs × ${CALLS_PER_JOB} calls) | ${floor} |`);
    console.log(`| Bulk API calls / floor | ${(ingestCalls / floor).toFixed(2)}× |`);
    console.log(`| all calls / floor | ${(total / floor).toFixed(2)}× |`);
    console.log(
      `| Composite floor for comparison (⌈${ANSWERS.toLocaleString('en')} / 1,000⌉ calls) | ${Math.ceil(ANSWERS / 1000)} |`,
    );
    if (timedOut) {
      emulator.kill('SIGTERM');
      process.exit(1);
    }
  } finally {
    await server?.close();
    emulator.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
