import { answerSchema } from '@boucle/shared/schemas';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SyncEngine } from '../../src/loop/engine.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { FakeCrm } from './fakeCrm.ts';

/**
 * The daily refresh of the rollups with a fake CRM, the real SQLite store and an injected clock:
 * the windows slide with no new answer, so each rollup they change is written again once a day.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let store: Store;
let crm: FakeCrm;
let now: number;
let engine: SyncEngine;

/** Runs rounds until none has anything to do. */
async function drain() {
  while ((await engine.runOnce(crm)) > 0);
}

beforeEach(async () => {
  store = await openStore({ dbPath: ':memory:' } as Parameters<typeof openStore>[0]);
  crm = new FakeCrm('salesforce');
  crm.people.set('claire@acme.example', { contactId: '003C', accountId: '001A' });
  crm.people.set('luc@globex.example', { contactId: '003L', accountId: '001G' });
  now = Date.parse('2026-11-20T12:00:00Z');
  engine = new SyncEngine({
    store,
    adapters: [crm],
    logger: pino({ level: 'silent' }),
    clock: () => now,
    rollupDelayMs: 0,
  });
  const answer = (id: string, email: string, daysAgo: number) =>
    answerSchema.parse({
      id,
      score: 8, // a passive: no callback, whose sync would queue one more rollup
      answeredAt: new Date(now - daysAgo * DAY).toISOString(),
      respondent: { email },
    });
  await store.ingestAnswers(
    [answer('recent', 'claire@acme.example', 1), answer('quiet', 'luc@globex.example', 120)],
    ['salesforce'],
    now,
  );
  await drain();
});
afterEach(() => store.close());

describe('the daily refresh of the rollups', () => {
  it('queues again the rollups of accounts with answers in the window, once a day', async () => {
    expect(crm.written('writeRollups').sort()).toEqual(['001A', '001G']);
    expect(await engine.refreshRollups()).toBe(1); // the first refresh: Acme, not quiet Globex
    await drain();
    expect(crm.written('writeRollups').sort()).toEqual(['001A', '001A', '001G']);

    now += 23 * HOUR;
    expect(await engine.refreshRollups()).toBe(0); // not a day yet
    now += HOUR;
    expect(await engine.refreshRollups()).toBe(1);
    await drain();
    expect(crm.written('writeRollups').filter((id) => id === '001A')).toHaveLength(3);
  });

  it('writes once more, then no longer, the rollup of an account whose last answer left the window', async () => {
    await engine.refreshRollups();
    await drain();
    const acme = () => crm.written('writeRollups').filter((id) => id === '001A').length;
    const before = acme();
    // The answer of a day ago leaves the 90-day window 89 days from now.
    now += 89.5 * DAY;
    expect(await engine.refreshRollups()).toBe(1);
    await drain();
    expect(acme()).toBe(before + 1);
    now += DAY;
    expect(await engine.refreshRollups()).toBe(0);
  });
});
