import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from '../../src/store/migrations.ts';
import { PostgresStore } from '../../src/store/postgres.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { freshDatabase } from './postgres.ts';

// A database migrated and filled by the hand-written stores of before (their migration lists are
// the first ones of today's, unchanged) opens with the one store, nothing lost, and works on.

const T0 = Date.parse('2026-11-01T12:00:00Z');

/** How many migrations each hand-written store had shipped. */
const SHIPPED = { sqlite: 6, postgres: 3 };

const ANSWER = {
  id: 'old1',
  source: 'api',
  metric: 'nps',
  score: 3,
  answeredAt: '2026-11-01T10:00:00.000Z',
  respondent: { email: 'claire@acme.example' },
  account: { domain: 'acme.example' },
  comment: 'Lent',
};
const CALLBACK = {
  id: 'cb-old',
  crm: 'salesforce',
  answerRef: 'api:old1',
  kind: 'detractor_recovery',
  status: 'open',
  dueAt: '2026-11-02T12:00:00.000Z',
  slaHours: 24,
  createdAt: '2026-11-01T12:00:00.000Z',
  accountKey: 'acme.example',
  respondentEmail: 'Claire@Acme.example',
};

/** What the old stores wrote (their own SQL), one statement each; `?` placeholders. */
const ROWS: [string, unknown[]][] = [
  [
    'INSERT INTO answers (source, id, metric, score, answered_at, email, interaction_id, body, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      'api',
      'old1',
      'nps',
      3,
      ANSWER.answeredAt,
      'claire@acme.example',
      null,
      JSON.stringify(ANSWER),
      T0,
    ],
  ],
  [
    'INSERT INTO answer_accounts (account_key, source, id, answered_at) VALUES (?, ?, ?, ?)',
    ['acme.example', 'api', 'old1', ANSWER.answeredAt],
  ],
  [
    `INSERT INTO sync_state (crm, kind, ref, state, crm_id, updated_at) VALUES ('salesforce', 'answer', 'api:old1', 'synced', 'a0A1', ?)`,
    [T0],
  ],
  [
    `INSERT INTO jobs (crm, kind, ref, state, run_at, lease_until, locked_by, created_at, updated_at)
     VALUES ('salesforce', 'callback', 'cb-old', 'running', ?, ?, 'old-worker', ?, ?)`,
    [T0, T0 + 60_000, T0, T0],
  ],
  [
    `INSERT INTO jobs (crm, kind, ref, state, run_at, created_at, updated_at) VALUES ('hubspot', 'answer', 'api:old1', 'ready', ?, ?, ?)`,
    [T0, T0, T0],
  ],
  [
    'INSERT INTO crm_contacts (crm, contact_id, email) VALUES (?, ?, ?)',
    ['hubspot', '901', 'claire@acme.example'],
  ],
  [
    'INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?)',
    ['server', '{"caps":[1]}', T0],
  ],
  ['INSERT INTO cursors (name, value) VALUES (?, ?)', ['feedback', '42']],
];

async function legacySqlite(): Promise<() => Promise<Store>> {
  const path = join(mkdtempSync(join(tmpdir(), 'boucle-legacy-')), 'boucle.db');
  const db = new Database(path);
  db.exec('CREATE TABLE migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  SQLITE_MIGRATIONS.slice(0, SHIPPED.sqlite).forEach((text, index) => {
    db.exec(text);
    db.prepare('INSERT INTO migrations VALUES (?, ?)').run(index + 1, new Date(T0).toISOString());
  });
  for (const [text, params] of ROWS) db.prepare(text).run(...params);
  // The old SQLite callbacks had no respondent column: the e-mail was in the body only.
  db.prepare(
    `INSERT INTO callbacks (id, crm, answer_ref, kind, status, account_key, due_at, body, created_at)
     VALUES ('cb-old', 'salesforce', 'api:old1', 'detractor_recovery', 'open', 'acme.example', ?, ?, ?)`,
  ).run(CALLBACK.dueAt, JSON.stringify(CALLBACK), CALLBACK.createdAt);
  db.close();
  return async () => new SqliteStore(path);
}

async function legacyPostgres(): Promise<() => Promise<Store>> {
  const url = await freshDatabase();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    'CREATE TABLE migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  for (const [index, text] of POSTGRES_MIGRATIONS.slice(0, SHIPPED.postgres).entries()) {
    await client.query(text);
    await client.query('INSERT INTO migrations VALUES ($1, $2)', [
      index + 1,
      new Date(T0).toISOString(),
    ]);
  }
  const numbered = (text: string) => {
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  };
  for (const [text, params] of ROWS) await client.query(numbered(text), params);
  await client.query(
    `INSERT INTO callbacks (id, crm, answer_ref, kind, status, account_key, due_at, respondent_email, body, created_at)
     VALUES ('cb-old', 'salesforce', 'api:old1', 'detractor_recovery', 'open', 'acme.example', $1, 'claire@acme.example', $2, $3)`,
    [CALLBACK.dueAt, JSON.stringify(CALLBACK), CALLBACK.createdAt],
  );
  await client.end();
  return () => PostgresStore.open(url);
}

describe.each([
  ['SQLite', legacySqlite],
  ['PostgreSQL', legacyPostgres],
])('a %s database of the hand-written store', (_name, legacy) => {
  let store: Store | undefined;
  afterEach(async () => store?.close());

  it('opens with every record it held, as it held them', async () => {
    store = await (await legacy())();
    expect((await store.getAnswers(['api:old1'])).get('api:old1')).toEqual(ANSWER);
    expect(
      (await store.answersForAccount(['acme.example'], '2026-10-01T00:00:00Z')).map((a) => a.id),
    ).toEqual(['old1']);
    expect((await store.syncStates('salesforce', 'answer', ['api:old1'])).get('api:old1')).toEqual({
      state: 'synced',
      crmId: 'a0A1',
    });
    expect((await store.getCallback('cb-old'))?.respondentEmail).toBe('Claire@Acme.example');
    expect(await store.getSetting('server')).toEqual({ caps: [1] });
    expect(await store.getCursor('feedback')).toBe('42');
    expect(await store.queueStats()).toEqual({ 'salesforce.running': 1, 'hubspot.ready': 1 });
  });

  it('works on: claims its jobs, stores new answers beside the old, erases a contact it knew', async () => {
    store = await (await legacy())();
    expect((await store.claim('hubspot', 'w1', 10, 30_000, T0)).map((j) => j.ref)).toEqual([
      'api:old1',
    ]);
    // The old worker's lease runs out: the job is taken over.
    expect(
      (await store.claim('salesforce', 'w1', 10, 30_000, T0 + 120_000)).map((j) => j.ref),
    ).toEqual(['cb-old']);
    expect(
      await store.ingestAnswers(
        [{ ...ANSWER, id: 'new1' } as never, ANSWER as never],
        ['hubspot'],
        T0,
      ),
    ).toEqual({
      accepted: 1,
      duplicates: 1,
    });
    const [email] = await store.contactEmails('hubspot', '901');
    const erasure = {
      id: 'era_old',
      email: email!,
      origin: 'hubspot_privacy_deletion',
      crms: ['hubspot'],
      keepStatistics: true,
      now: T0,
    } as const;
    expect(await store.requestErasure(erasure)).toEqual({ id: 'era_old', created: true });
    expect((await store.getErasure('era_old'))?.found.answers).toBe(2);
    expect((await store.getAnswers(['api:old1'])).get('api:old1')?.respondent).toBeUndefined();
    // The old callback's e-mail is found and removed, though SQLite kept it in the body only.
    expect((await store.getCallback('cb-old'))?.respondentEmail).toBeUndefined();
  });
});
