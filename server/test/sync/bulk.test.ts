import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SalesforceAdapter } from '../../src/crm/salesforce/adapter.ts';
import { SalesforceEmulator } from '../../src/emulators/salesforce/app.ts';
import { openStore } from '../../src/store/open.ts';
import { SyncEngine } from '../../src/loop/engine.ts';
import type { AnswerWrite } from '../../src/crm/adapter.ts';
import { answer, startHarness, waitFor, type Harness } from './harness.ts';

/**
 * Backfills through Salesforce's Bulk API 2.0: a sync round with more answers than the threshold
 * upserts them as one ingest job on External_Id__c (counted in the emulator), results settled
 * per record like Composite's; below the threshold, Composite as before.
 */

const BULK = { threshold: 100, pollInitialMs: 10 };
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const calls = async (harness: Harness) =>
  (
    (await (await fetch(`${harness.emulators.salesforceUrl}/__emulator/calls`)).json()) as {
      byEndpoint: Record<string, number>;
    }
  ).byEndpoint;
const ingestJobs = (harness: Harness) =>
  (
    harness.emulators.salesforce.bulk.route('GET', [], '62.0', {}, undefined, '').body as {
      records: { object: string; operation: string; externalIdFieldName: string }[];
    }
  ).records;

/** Sends answers in one request, so that one sync round claims them all. */
async function send(harness: Harness, answers: Record<string, unknown>[]): Promise<void> {
  const sent = await harness.api('POST', '/v1/answers', { answers });
  expect(sent.status).toBe(202);
}

const responses = async (harness: Harness) => (await harness.sf()).Survey_Response__c ?? [];

describe('backfill through Bulk API 2.0', () => {
  it('writes a round above the threshold as one upsert ingest job', async () => {
    h = await startHarness({ salesforceBulk: BULK });
    const harness = h;
    await send(
      harness,
      // Passives: no callback rides along, the answers are the round's only records.
      Array.from({ length: 300 }, (_, i) => answer({ id: `bf-${i}`, score: 7 + (i % 2) })),
    );
    await waitFor(async () => (await responses(harness)).length === 300, 60_000, '300 answers');
    expect(ingestJobs(harness)).toEqual([
      expect.objectContaining({
        object: 'Survey_Response__c',
        operation: 'upsert',
        externalIdFieldName: 'External_Id__c',
        state: 'JobComplete',
      }),
    ]);
    const byEndpoint = await calls(harness);
    expect(byEndpoint['POST /services/data/vXX.X/jobs/ingest']).toBe(1);
    expect(byEndpoint['PUT /services/data/vXX.X/jobs/ingest/{id}/batches']).toBe(1);
    // Each answer is settled with the id Salesforce gave its record.
    const rows = await responses(harness);
    const states = await harness.server.store.syncStates(
      'salesforce',
      'answer',
      rows.map((row) => String(row.External_Id__c)),
    );
    expect([...states.values()].every((s) => s.state === 'synced')).toBe(true);
    const idOf = new Map(rows.map((row) => [String(row.External_Id__c), String(row.Id)]));
    for (const [ref, state] of states) expect(state.crmId).toBe(idOf.get(ref));
  });

  it('keeps Composite below the threshold', async () => {
    h = await startHarness({ salesforceBulk: BULK });
    const harness = h;
    await send(
      harness,
      Array.from({ length: 60 }, (_, i) => answer({ id: `small-${i}` })),
    );
    await waitFor(async () => (await responses(harness)).length === 60, 30_000, '60 answers');
    expect((await calls(harness))['POST /services/data/vXX.X/jobs/ingest']).toBeUndefined();
    expect(ingestJobs(harness)).toEqual([]);
  });

  it('dead-letters only the records Salesforce refused in the job', async () => {
    h = await startHarness({ salesforceBulk: BULK, engine: { maxAttempts: 1 } });
    const harness = h;
    // A validation rule that refuses three answers of the backfill, record by record.
    await fetch(`${harness.emulators.salesforceUrl}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        rules: [
          {
            match: 'jobs/ingest',
            recordErrorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
            recordMatch: 'refused-',
            message: 'Score is not allowed',
          },
          // The first answers are flushed at once through Composite, before the backlog's job.
          {
            match: 'composite',
            recordErrorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
            recordMatch: 'refused-',
            message: 'Score is not allowed',
          },
        ],
      }),
    });
    const answers = Array.from({ length: 150 }, (_, i) =>
      answer({ id: i % 50 === 7 ? `refused-${i}` : `kept-${i}` }),
    );
    await send(harness, answers);
    const refs = answers.map((a) => `api:${String(a.id)}`);
    await waitFor(
      async () =>
        [...(await harness.server.store.syncStates('salesforce', 'answer', refs)).values()].every(
          (s) => s.state === 'synced' || s.state === 'dead',
        ),
      60_000,
      'every answer settled',
    );
    const states = await harness.server.store.syncStates('salesforce', 'answer', refs);
    const dead = refs.filter((ref) => states.get(ref)?.state === 'dead');
    expect(dead).toEqual(['api:refused-7', 'api:refused-57', 'api:refused-107']);
    expect((await responses(harness)).length).toBe(147);
    const letters = (await harness.server.store.listDead(100)).filter((l) => l.kind === 'answer');
    expect(letters.map((letter) => letter.ref).sort()).toEqual([...dead].sort());
    for (const letter of letters)
      expect(letter.lastError).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION: Score is not allowed');
  });
});

describe('replaying a backfill', () => {
  it('upserts the same records again: a round replayed after a crash duplicates nothing', async () => {
    h = await startHarness({ salesforceBulk: BULK });
    const harness = h;
    const adapter = new SalesforceAdapter({
      ...(harness.config.salesforce as NonNullable<typeof harness.config.salesforce>),
      bulk: { threshold: 10, pollInitialMs: 10 },
    });
    const writes: AnswerWrite[] = Array.from({ length: 40 }, (_, i) => ({
      ref: `api:replay-${i}`,
      answer: {
        id: `replay-${i}`,
        source: 'api',
        metric: 'nps',
        score: i % 11,
        answeredAt: '2026-11-20T09:14:00.000Z',
      } as AnswerWrite['answer'],
      resolution: { accountId: harness.ids.account },
      category: 'promoter',
    }));
    const first = await adapter.writeAnswers(writes);
    // The crash: the job completed in Salesforce but the round never settled; the jobs are
    // claimed again and the same records go in a new job.
    const replay = await adapter.writeAnswers(writes);
    const rows = await responses(harness);
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((row) => row.External_Id__c)).size).toBe(40);
    for (const write of writes) {
      const before = first.get(write.ref);
      expect(before?.ok).toBe(true);
      expect(replay.get(write.ref)).toEqual(before);
    }
    expect(ingestJobs(harness)).toHaveLength(2);
  });
});

describe('an org without Bulk API', () => {
  it('writes the round through Composite when the org refuses ingest jobs', async () => {
    h = await startHarness({ salesforceBulk: BULK });
    const harness = h;
    await fetch(`${harness.emulators.salesforceUrl}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        rules: [
          {
            match: 'POST /services/data/v62.0/jobs/ingest',
            status: 400,
            errorCode: 'FEATURENOTENABLED',
            message: 'Bulk API 2.0 is not enabled for this organization',
          },
        ],
      }),
    });
    await send(
      harness,
      Array.from({ length: 150 }, (_, i) => answer({ id: `nobulk-${i}`, score: 7 })),
    );
    await waitFor(async () => (await responses(harness)).length === 150, 60_000, '150 answers');
    expect(ingestJobs(harness)).toEqual([]);
    expect((await calls(harness))['POST /services/data/vXX.X/jobs/ingest']).toBeGreaterThan(0);
  });
});

describe('rounds under backlog', () => {
  it.each([
    ['claims a bigger round when a full one shows a backlog', 2000, 250],
    ['keeps rounds at the batch size with Bulk API off', 0, 100],
  ])('%s', async (_what, threshold, claimed) => {
    const emulator = new SalesforceEmulator();
    const running = await emulator.listen();
    const store = await openStore({
      dbPath: join(mkdtempSync(join(tmpdir(), 'boucle-bulk-')), 'b.db'),
    });
    try {
      // A backlog of 250 answer jobs (their answers gone: the round completes them unwritten).
      await store.enqueue(
        'salesforce',
        'answer',
        Array.from({ length: 250 }, (_, i) => `api:gone-${i}`),
        Date.now(),
      );
      const adapter = new SalesforceAdapter({
        auth: 'client_credentials',
        loginUrl: running.url,
        clientId: 'boucle-sandbox',
        clientSecret: 'sandbox',
        apiVersion: '62.0',
        bulk: { threshold },
      });
      // Rounds of 100 (instead of 10,000), so that 250 jobs are a backlog.
      Object.defineProperty(adapter, 'batchSize', { value: 100 });
      const engine = new SyncEngine({
        store,
        adapters: [adapter],
        logger: pino({ level: 'silent' }),
        flushSize: 100, // the first round claims the full batch (no flush of a few first)
      });
      expect(await engine.runOnce(adapter)).toBe(claimed);
    } finally {
      await store.close();
      await running.close();
    }
  });
});
