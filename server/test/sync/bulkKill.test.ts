import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { startEmulators, type RunningEmulators } from '../../src/emulators/start.ts';
import { API_KEY, answer, spawnWorker, waitFor } from './harness.ts';

/**
 * A server killed (SIGKILL) in the middle of a Bulk API 2.0 job: the next one claims the same
 * answers once their lease lapses and upserts them again in a new job, on External_Id__c, so
 * every answer ends in Salesforce once, whatever the killed job had written.
 */

let emulators: RunningEmulators | undefined;
afterEach(async () => {
  await emulators?.close();
  emulators = undefined;
});

it('resumes a backfill killed mid-job without duplicating a record (real child processes)', async () => {
  emulators = await startEmulators({ hubspot: { burstLimit: 10_000 } });
  const running = emulators;
  const org = running.salesforce.org;
  const account = org.create('Account', { Name: 'Acme', Website: 'acme.example' }) as {
    id: string;
  };
  org.create('Contact', {
    LastName: 'Martin',
    Email: 'claire@acme.example',
    AccountId: account.id,
  });
  // Slow Bulk API calls, so that the kill lands while the job is being run.
  await fetch(`${running.salesforceUrl}/__emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rules: [{ match: 'jobs/ingest', latencyMs: 400 }] }),
  });
  const db = join(mkdtempSync(join(tmpdir(), 'boucle-bulk-kill-')), 'boucle.db');
  const env = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    BOUCLE_DB: db,
    BOUCLE_API_KEY: API_KEY,
    BOUCLE_SANDBOX: '0',
    SALESFORCE_LOGIN_URL: running.salesforceUrl,
    SALESFORCE_CLIENT_ID: 'boucle-sandbox',
    SALESFORCE_CLIENT_SECRET: 'sandbox',
    SALESFORCE_BULK_THRESHOLD: '100',
    BOUCLE_LOG_LEVEL: 'silent',
  };
  const first = spawnWorker(env);
  const url = await first.url;
  // Old answers (no callback), passives: the answers are the backfill's only records.
  const answers = Array.from({ length: 1500 }, (_, i) =>
    answer({
      id: `kill-bulk-${i}`,
      score: 7 + (i % 2),
      answeredAt: new Date(Date.now() - 60 * 86_400_000).toISOString(),
    }),
  );
  for (const part of [answers.slice(0, 1000), answers.slice(1000)]) {
    const response = await fetch(`${url}/v1/answers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ answers: part }),
    });
    expect(response.status).toBe(202);
  }
  const closes = () =>
    running.salesforce.calls.toJSON().byEndpoint['PATCH /services/data/vXX.X/jobs/ingest/{id}'] ??
    0;
  // The kill lands as the first job is closed: Salesforce runs it, the worker never reads its
  // results, so its answers are written but not settled.
  await waitFor(() => closes() > 0, 60_000, 'the first job closed');
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));

  const second = spawnWorker(env);
  await second.url;
  try {
    const written = () => org.rows('Survey_Response__c');
    const jobs = () =>
      (
        running.salesforce.bulk.route('GET', [], '62.0', {}, undefined, '').body as {
          records: { state: string }[];
        }
      ).records;
    // The replay: the second worker takes the killed worker's answers once their lease lapses
    // and upserts them again in a job of its own; every answer is settled only when Salesforce's
    // results for it were read, so all 1,500 synced means the killed job's answers were replayed.
    const synced = () => {
      const reader = new Database(db, { readonly: true, fileMustExist: true });
      try {
        return (
          reader
            .prepare(
              "SELECT COUNT(*) AS n FROM sync_state WHERE crm = 'salesforce' AND kind = 'answer' AND state = 'synced'",
            )
            .get() as { n: number }
        ).n;
      } finally {
        reader.close();
      }
    };
    await waitFor(
      () =>
        synced() === 1500 &&
        jobs().length >= 2 &&
        jobs().every((job) => job.state === 'JobComplete'),
      150_000,
      'every answer synced and every job complete',
    );
    // The killed worker's job ran to the end too: the replay updated what it had written.
    expect(written()).toHaveLength(1500);
    expect(new Set(written().map((row) => row.External_Id__c)).size).toBe(1500);
  } finally {
    second.child.kill('SIGKILL');
    await new Promise((resolve) => second.child.once('exit', resolve));
  }
}, 240_000);
