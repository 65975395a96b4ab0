import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SyncEngine } from '../../src/loop/engine.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store, SyncLogEntry } from '../../src/store/store.ts';
import { STORES } from './postgres.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-12-01T09:00:00Z');
const line = (ref: string, at: number, more: Partial<SyncLogEntry> = {}): SyncLogEntry => ({
  crm: 'hubspot',
  kind: 'answer',
  ref,
  outcome: 'synced',
  detail: '',
  crmId: '901',
  at,
  ...more,
});

describe.each(STORES)('the sync log (%s store)', (_name, location) => {
  let store: Store;
  afterEach(async () => store?.close());
  const open = async () => (store = await openStore({ dbPath: ':memory:', ...(await location()) }));

  it('reads lines by CRM, outcome, record and time, paged by id either way', async () => {
    await open();
    await store.logMany([
      line('api:a1', T0),
      line('api:a2', T0 + 1, { outcome: 'dead', detail: 'VALIDATION_ERROR: x' }),
      line('api:a1', T0 + 2, { crm: 'salesforce', crmId: 'a0A1' }),
      line('api:a3', T0 + 3, { outcome: 'retried', detail: 'attempt 1: 503' }),
    ]);
    const refs = async (query: Parameters<Store['readSyncLog']>[0]) =>
      (await store.readSyncLog(query)).map((l) => `${l.crm}:${l.ref}:${l.outcome}`);
    expect(await refs({ order: 'newest', limit: 10, crm: 'hubspot' })).toEqual([
      'hubspot:api:a3:retried',
      'hubspot:api:a2:dead',
      'hubspot:api:a1:synced',
    ]);
    expect(await refs({ order: 'oldest', limit: 10, ref: 'api:a1' })).toEqual([
      'hubspot:api:a1:synced',
      'salesforce:api:a1:synced',
    ]);
    expect(await refs({ order: 'newest', limit: 10, outcome: 'dead' })).toEqual([
      'hubspot:api:a2:dead',
    ]);
    expect(await refs({ order: 'oldest', limit: 10, since: T0 + 2 })).toEqual([
      'salesforce:api:a1:synced',
      'hubspot:api:a3:retried',
    ]);
    const [first] = await store.readSyncLog({ order: 'newest', limit: 1 });
    expect(first).toMatchObject({ ref: 'api:a3', at: T0 + 3, detail: 'attempt 1: 503' });
    expect(await refs({ order: 'newest', limit: 1, afterId: first!.id })).toEqual([
      'salesforce:api:a1:synced',
    ]);
    expect(
      (await store.readSyncLog({ order: 'oldest', limit: 1, ref: 'api:a1', crm: 'salesforce' }))[0],
    ).toMatchObject({
      crmId: 'a0A1',
    });
  });

  it('prunes the lines older than the retention, keeping the last successful sync', async () => {
    await open();
    await store.logMany([line('api:old', T0 - 31 * DAY), line('api:recent', T0 - 29 * DAY)]);
    const engine = new SyncEngine({
      store,
      adapters: [],
      logger: pino({ level: 'silent' }),
      clock: () => T0,
      syncLogRetentionMs: 30 * DAY,
    });
    expect(await engine.pruneSyncLog()).toBe(1);
    const left = await store.readSyncLog({ order: 'oldest', limit: 10 });
    expect(left.map((l) => l.ref)).toEqual(['api:recent']);
    expect((await store.syncFacts()).lastSynced).toEqual({ 'hubspot.answer': T0 - 29 * DAY });
  });
});
