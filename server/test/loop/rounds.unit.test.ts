import { answerSchema } from '@boucle/shared/schemas';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SyncEngine, type EngineOptions } from '../../src/loop/engine.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { waitFor } from '../sync/harness.ts';
import { FakeCrm } from './fakeCrm.ts';

/**
 * How the loop shapes its rounds: small ones while traffic is light, full ones under backlog,
 * rollups a few seconds after the answers (merged per account), new answers before the rest of a
 * long round. A fake CRM, the SQLite store in memory, an injected clock.
 */
let store: Store;
let crm: FakeCrm;
let now: number;
let engine: SyncEngine;

const start = (options: Partial<EngineOptions> = {}) => {
  engine = new SyncEngine({
    store,
    adapters: [crm],
    logger: pino({ level: 'silent' }),
    clock: () => now,
    random: () => 0.5,
    ...options,
  });
  return engine;
};
const accept = async (...ids: string[]) => {
  const answers = ids.map((id) =>
    answerSchema.parse({
      id,
      score: 9,
      answeredAt: new Date(now - 60_000).toISOString(),
      respondent: { email: 'claire@acme.example' },
    }),
  );
  await store.ingestAnswers(answers, ['salesforce'], now);
};
const calls = () => crm.calls.filter((c) => c.method.startsWith('write'));

beforeEach(async () => {
  store = await openStore({ dbPath: ':memory:' } as Parameters<typeof openStore>[0]);
  crm = new FakeCrm('salesforce');
  crm.people.set('claire@acme.example', { contactId: '003C', accountId: '001A' });
  now = Date.parse('2026-11-20T12:00:00Z');
});
afterEach(() => store.close());

describe('the rounds of the sync loop', () => {
  it('writes the rollup of ten answers of one account arriving in a burst once', async () => {
    start();
    for (let i = 0; i < 10; i++) {
      await accept(`a${i}`);
      await engine.runOnce(crm);
      now += 300;
    }
    expect(crm.written('writeAnswers')).toHaveLength(10);
    expect(crm.written('writeRollups')).toEqual([]); // not due yet

    now += 5_000;
    await engine.runOnce(crm);

    expect(crm.written('writeRollups')).toEqual(['001A']);
  });

  it('flushes a few due answers at once, and claims twice as many after each round that found a backlog', async () => {
    start({ flushSize: 10 });
    await accept(...Array.from({ length: 100 }, (_, i) => `a${i}`));

    for (let round = 0; round < 4; round++) await engine.runOnce(crm);

    expect(crm.calls.filter((c) => c.method === 'writeAnswers').map((c) => c.keys.length)).toEqual([
      10, 20, 40, 30,
    ]);
  });

  it('writes an answer that arrives during a long rollup round before the rest of its rollups', async () => {
    start({ stepSize: 2 });
    const accounts = Array.from({ length: 6 }, (_, i) => `001R${i}|r${i}.example`);
    await store.enqueue('salesforce', 'rollup', accounts, now);
    let arrived = false;
    crm.duringWrite = async (method) => {
      if (method !== 'writeRollups' || arrived) return;
      arrived = true;
      await accept('new');
      engine.poke();
    };

    await engine.runOnce(crm);

    expect(calls().map((c) => `${c.method} ${c.keys.join(',')}`)).toEqual([
      'writeRollups 001R0,001R1',
      'writeAnswers api:new',
      'writeRollups 001R2,001R3',
      'writeRollups 001R4,001R5',
    ]);
  });

  it('writes the first answer after a quiet spell at once, and lets those that follow share the next write call', async () => {
    start({ fillMs: 1_000, idleMs: 60_000 });
    engine.start();
    try {
      await accept('first');
      engine.poke();
      await waitFor(() => crm.written('writeAnswers').length === 1, 5_000, 'the first answer');
      // A steady stream while the loop waits out its fill window: each answer poked, as the API does.
      for (let i = 0; i < 9; i++) {
        await accept(`next${i}`);
        engine.poke();
      }
      await waitFor(() => crm.written('writeAnswers').length === 10, 5_000, 'the nine others');

      expect(
        crm.calls.filter((c) => c.method === 'writeAnswers').map((c) => c.keys.length),
      ).toEqual([1, 9]);
    } finally {
      await engine.stop();
    }
  });
});
