import { answerSchema, type AnswerInput } from '@boucle/shared/schemas';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyFailure, failedCall } from '../../src/crm/classify.ts';
import { SALESFORCE_QUIRKS } from '../../src/crm/salesforce/quirks.ts';
import { CrmError } from '../../src/errors.ts';
import { SyncEngine, type EngineOptions } from '../../src/loop/engine.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { FakeCrm } from './fakeCrm.ts';
import { linkOf } from '../../src/store/store.ts';

/**
 * The sync engine alone: a fake CRM adapter that records what it is asked and answers as scripted,
 * the real SQLite store in memory, an injected clock. No emulator, no HTTP.
 */
const HOUR = 3_600_000;
const claire = {
  contactId: '003C',
  accountId: '001A',
  ownerId: '005OWNER',
  managerId: '005MANAGER',
};

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
const answer = (id: string, overrides: Partial<AnswerInput> = {}) =>
  answerSchema.parse({
    id,
    score: 8,
    answeredAt: new Date(now - HOUR).toISOString(),
    respondent: { email: 'claire@acme.example' },
    ...overrides,
  });
const accept = async (...answers: ReturnType<typeof answer>[]) => {
  await store.ingestAnswers(answers, ['salesforce'], now);
};
const stateOf = async (ref: string) =>
  (await store.syncStates('salesforce', 'answer', [ref])).get(ref);

beforeEach(async () => {
  store = await openStore({ dbPath: ':memory:' } as Parameters<typeof openStore>[0]);
  crm = new FakeCrm('salesforce');
  crm.people.set('claire@acme.example', claire);
  now = Date.parse('2026-11-20T12:00:00Z');
});
afterEach(() => store.close());

describe('the sync engine with a fake CRM', () => {
  it('settles an answer job synced with its CRM id, and queues its account rollup', async () => {
    start();
    await accept(answer('a1'));

    expect(await engine.runOnce(crm)).toBe(1);

    expect(crm.written('writeAnswers')).toEqual(['api:a1']);
    expect(await stateOf('api:a1')).toEqual({ state: 'synced', crmId: 'salesforce-api:a1' });
    now += 5_000; // the rollup runs a few seconds later
    expect(await engine.runOnce(crm)).toBe(1);
    expect(crm.written('writeRollups')).toEqual(['001A']);
    expect(await store.queueStats()).toEqual({ 'salesforce.done': 2 });
  });

  it('retries a record refused for a transient reason after a backoff, spending an attempt', async () => {
    start({ maxAttempts: 2 });
    await accept(answer('a1'));
    const lock = new CrmError('UNABLE_TO_LOCK_ROW', 'unable to obtain exclusive access', true);
    crm.script = () => ({ ok: false, error: lock });

    await engine.runOnce(crm);
    // First attempt: 2 s with the jitter at its middle.
    now += 1_999;
    expect(await engine.runOnce(crm)).toBe(0);
    now += 1;
    expect(await engine.runOnce(crm)).toBe(1);

    expect(crm.written('writeAnswers')).toEqual(['api:a1', 'api:a1']);
    const [dead] = await store.listDead(10);
    expect(dead?.lastError).toBe('UNABLE_TO_LOCK_ROW: unable to obtain exclusive access');
    expect((await stateOf('api:a1'))?.state).toBe('dead');
  });

  it("dead-letters a record refused for good at once, with the classifier's reason", async () => {
    start();
    await accept(answer('a1'));
    const failure = {
      code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: 'NPS must be between 0 and 10 (Score__c)',
    };
    crm.script = () => ({ ok: false, error: failedCall(SALESFORCE_QUIRKS, failure) });

    await engine.runOnce(crm);

    const [dead] = await store.listDead(10);
    expect(dead?.lastError).toBe(classifyFailure(SALESFORCE_QUIRKS, failure).reason);
    expect(await stateOf('api:a1')).toMatchObject({ state: 'dead' });
    now += HOUR;
    expect(await engine.runOnce(crm)).toBe(0);
    expect(crm.written('writeAnswers')).toEqual(['api:a1']);
  });

  it('settles each record of a batch alone when some of them fail', async () => {
    start();
    await accept(answer('good'), answer('refused'), answer('locked'));
    crm.script = (key) =>
      key === 'api:refused'
        ? { ok: false, error: new CrmError('STRING_TOO_LONG', 'Comment: too long', false) }
        : key === 'api:locked'
          ? { ok: false, error: new CrmError('UNABLE_TO_LOCK_ROW', 'locked', true) }
          : { ok: true, crmId: 'a0X1' };

    await engine.runOnce(crm);

    expect(await stateOf('api:good')).toEqual({ state: 'synced', crmId: 'a0X1' });
    expect((await stateOf('api:refused'))?.state).toBe('dead');
    expect((await stateOf('api:locked'))?.state).toBe('pending');
    expect((await store.listDead(10)).map((job) => job.ref)).toEqual(['api:refused']);
  });

  it('pauses the records of a call that failed as a whole, without spending attempts, and writes them when it ends', async () => {
    start({ maxAttempts: 1 });
    await accept(answer('a1'), answer('a2'));
    const outage = new CrmError('http_503', 'Service Unavailable', true, undefined, 503);
    crm.script = () => ({ ok: false, error: outage, unsent: true });

    for (let round = 0; round < 3; round++) {
      expect(await engine.runOnce(crm)).toBe(2);
      // Paused: nothing is due right after a failed round.
      expect(await engine.runOnce(crm)).toBe(0);
      now += HOUR;
    }
    crm.script = undefined;
    await engine.runOnce(crm);

    expect(await store.listDead(10)).toEqual([]);
    expect((await stateOf('api:a1'))?.state).toBe('synced');
    expect((await stateOf('api:a2'))?.state).toBe('synced');
  });

  it('keeps the records of a step that fails before any write waiting, without an attempt', async () => {
    start({ maxAttempts: 1 });
    await accept(answer('a1'));
    crm.resolveFails = new CrmError('SERVER_UNAVAILABLE', 'down for maintenance', true);

    await engine.runOnce(crm);
    now += HOUR;
    await engine.runOnce(crm);
    crm.resolveFails = undefined;
    now += HOUR;
    await engine.runOnce(crm);

    expect(crm.written('writeAnswers')).toEqual(['api:a1']);
    expect(await store.listDead(10)).toEqual([]);
  });

  it('parks an answer whose respondent is not in the CRM, and looks it up again later', async () => {
    start({ unmatchedRetryMs: 15 * 60_000 });
    await accept(answer('a1', { respondent: { email: 'nobody@acme.example' } }));

    await engine.runOnce(crm);
    expect(await stateOf('api:a1')).toMatchObject({ state: 'unmatched' });
    crm.people.set('nobody@acme.example', claire);
    expect(await engine.runOnce(crm)).toBe(0);
    now += 15 * 60_000;
    await engine.runOnce(crm);

    expect((await stateOf('api:a1'))?.state).toBe('synced');
  });
});

describe('the escalation sweep with a fake CRM', () => {
  const callbackId = 'api:a1:detractor_recovery';
  /** A detractor's answer and its callback, written to the CRM. */
  const raised = async () => {
    await accept(answer('a1', { score: 2 }));
    await engine.runOnce(crm);
    await engine.runOnce(crm);
    expect(crm.written('writeCallbacks')).toEqual([callbackId]);
  };

  it("escalates an overdue callback to the owner's manager, once", async () => {
    start();
    await raised();
    now += 47 * HOUR;
    expect(await engine.sweepEscalations()).toBe(0);

    now += 2 * HOUR;
    expect(await engine.sweepEscalations()).toBe(1);
    const escalated = await store.getCallback(callbackId);
    expect(escalated?.status).toBe('escalated');
    expect(escalated && linkOf(escalated, 'salesforce')?.assignee).toBe('005MANAGER');
    expect(await engine.sweepEscalations()).toBe(0);
  });

  it('escalates nothing a manager reached in the CRM, and takes in what they logged', async () => {
    start();
    crm.keepsCallbacks();
    await raised();
    const reachedAt = new Date(now + HOUR).toISOString();
    crm.crmCallbacks?.set(callbackId, { status: 'reached', reachedAt, outcome: 'Avoir accordé' });
    now += 49 * HOUR;

    expect(await engine.sweepEscalations()).toBe(0);

    expect(await store.getCallback(callbackId)).toMatchObject({
      status: 'reached',
      reachedAt,
      firstContactAt: reachedAt,
      outcome: 'Avoir accordé',
    });
  });

  it('leaves the callbacks of a CRM that cannot be read back to the next sweep', async () => {
    start();
    crm.keepsCallbacks();
    await raised();
    crm.readCallbacks = async () => {
      throw new CrmError('SERVER_UNAVAILABLE', 'down', true);
    };
    now += 49 * HOUR;

    expect(await engine.sweepEscalations()).toBe(0);
    expect((await store.getCallback(callbackId))?.status).toBe('open');
  });
});
