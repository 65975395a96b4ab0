import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SyncEngine } from '../../src/loop/engine.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-12-01T09:00:00Z');

describe('the sync log retention', () => {
  let store: SqliteStore;
  afterEach(async () => store?.close());

  it('prunes the lines older than the retention, keeping the last successful sync', async () => {
    store = new SqliteStore(':memory:');
    const line = (ref: string, at: number) => ({
      crm: 'hubspot' as const,
      kind: 'answer' as const,
      ref,
      outcome: 'synced',
      detail: '',
      crmId: '901',
      at,
    });
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
