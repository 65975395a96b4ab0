import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { waitFor } from '../sync/harness.ts';

const T0 = Date.parse('2026-12-01T09:00:00Z');
const line = (ref: string, at: number, outcome = 'synced') => ({
  crm: 'salesforce' as const,
  kind: 'answer' as const,
  ref,
  outcome,
  detail: outcome === 'dead' ? 'INVALID_FIELD: Score__c' : '',
  at,
  ...(outcome === 'synced' && { crmId: `a0A${ref.slice(-1)}` }),
});

describe('boucle sync-log', () => {
  const dbPath = () => join(mkdtempSync(join(tmpdir(), 'boucle-synclog-')), 'boucle.db');
  const io = () => {
    const out = { text: '' };
    return {
      out,
      io: { stdout: (t: string) => (out.text += t), stderr: (t: string) => (out.text += t) },
    };
  };

  it('on a store not created yet says so', async () => {
    const { out, io: streams } = io();
    const path = dbPath();
    expect(await runCli(['sync-log'], streams, undefined, { BOUCLE_DB: path })).toBe(0);
    expect(out.text).toContain(`No store at ${path} yet`);
  });

  it('prints the newest lines first, each with its CRM id', async () => {
    const path = dbPath();
    const store = new SqliteStore(path);
    await store.logMany([line('api:a1', T0), line('api:a2', T0 + 1_000)]);
    await store.close();
    const { out, io: streams } = io();
    expect(await runCli(['sync-log'], streams, undefined, { BOUCLE_DB: path })).toBe(0);
    const rows = out.text.trim().split('\n');
    expect(rows[0]).toMatch(/^at\s+crm\s+kind\s+status\s+ref\s+crm id\s+detail$/);
    expect(rows.slice(1)).toEqual([
      expect.stringMatching(/^2026-12-01 09:00:01Z\s+salesforce\s+answer\s+synced\s+api:a2\s+a0A2/),
      expect.stringMatching(/^2026-12-01 09:00:00Z\s+salesforce\s+answer\s+synced\s+api:a1\s+a0A1/),
    ]);
  });

  it('--follow prints lines logged after it started, until interrupted', async () => {
    const path = dbPath();
    const store = new SqliteStore(path);
    await store.logMany([line('api:a1', T0)]);
    const { out, io: streams } = io();
    const stop = new AbortController();
    const running = runCli(
      ['sync-log', '--follow', '--every', '0.05', '--json'],
      streams,
      stop.signal,
      { BOUCLE_DB: path },
    );
    await waitFor(() => out.text.includes('api:a1'), 10_000, 'the first line');
    await store.logMany([line('api:a9', T0 + 5_000, 'dead')]);
    await waitFor(() => out.text.includes('api:a9'), 10_000, 'the line logged meanwhile');
    stop.abort();
    expect(await running).toBe(0);
    await store.close();
    expect(
      out.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).ref),
    ).toEqual(['api:a1', 'api:a9']);
  });
});
