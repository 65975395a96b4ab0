import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from '../../src/store/migrations.ts';
import { PostgresStore } from '../../src/store/postgres.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import type { Store, StoredCallback } from '../../src/store/store.ts';
import { callback, T0 } from './fixtures.ts';
import { freshDatabase } from './postgres.ts';

// A database of before one callback per answer and kind held twins (one callback per CRM for the
// same answer and kind): the migration merges them into the one furthest along, ties to the
// later, with every CRM's side under the key its record already has.

const HOUR = 3_600_000;
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();
/** When the fixture callbacks are due: each side keeps its row's due time. */
const DUE = at(24);

/** The migrations before the one that merges the twins: a database of then. */
const before = (migrations: readonly string[]) =>
  migrations.slice(
    0,
    migrations.findIndex((text) => text.includes('callback_links')),
  );

/** A callback row as a server of before wrote it: per-CRM fields in the body. */
function legacy(crm: 'salesforce' | 'hubspot', answerRef: string, kind: string, body: object) {
  const id = `${crm}:${answerRef}:${kind}`;
  const full = { ...callback(id, { crm, answerRef, kind } as never), ...body } as StoredCallback & {
    firstContactAt?: string;
    closedAt?: string;
  };
  const { links: _links, ...rest } = full;
  return {
    values: [
      id,
      crm,
      answerRef,
      kind,
      full.status,
      full.dueAt,
      JSON.stringify(rest),
      full.createdAt,
      full.firstContactAt ?? null,
      full.closedAt ?? null,
    ],
  };
}

const ROWS = [
  // Attempted in Salesforce, resolved in HubSpot: HubSpot's is further along.
  legacy('salesforce', 'api:a1', 'detractor_recovery', {
    status: 'attempted',
    firstContactAt: at(1),
    crmId: 'a0C000000000001',
    assignee: '005000000000001',
    escalateTo: '005000000000009',
    crmAccountId: '001000000000001',
  }),
  legacy('hubspot', 'api:a1', 'detractor_recovery', {
    status: 'resolved',
    firstContactAt: at(1),
    reachedAt: at(2),
    closedAt: at(2),
    outcome: 'Avoir',
    crmId: '9001',
    assignee: '501',
  }),
  // Both reached: the later one (Salesforce's) wins.
  legacy('salesforce', 'api:a2', 'promoter_thanks', {
    status: 'reached',
    firstContactAt: at(3),
    reachedAt: at(3),
    notes: 'Merci dit au téléphone',
  }),
  legacy('hubspot', 'api:a2', 'promoter_thanks', {
    status: 'reached',
    firstContactAt: at(1),
    reachedAt: at(1),
  }),
  // No twin: it stays as it is, its side its own.
  legacy('salesforce', 'api:a3', 'detractor_recovery', { crmId: 'a0C000000000003' }),
];

const INSERT =
  'INSERT INTO callbacks (id, crm, answer_ref, kind, status, due_at, body, created_at, first_contact_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const JOBS: [string, unknown[]][] = [
  [
    `INSERT INTO jobs (crm, kind, ref, state, run_at, created_at, updated_at) VALUES ('salesforce', 'callback', 'salesforce:api:a1:detractor_recovery', 'ready', ?, ?, ?)`,
    [T0, T0, T0],
  ],
  [
    `INSERT INTO sync_state (crm, kind, ref, state, crm_id, updated_at) VALUES ('salesforce', 'callback', 'salesforce:api:a1:detractor_recovery', 'synced', 'a0C000000000001', ?)`,
    [T0],
  ],
];

async function sqliteOfBefore(): Promise<() => Promise<Store>> {
  const path = join(mkdtempSync(join(tmpdir(), 'boucle-twins-')), 'boucle.db');
  const db = new Database(path);
  db.exec('CREATE TABLE migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  before(SQLITE_MIGRATIONS).forEach((text, index) => {
    db.exec(text);
    db.prepare('INSERT INTO migrations VALUES (?, ?)').run(index + 1, new Date(T0).toISOString());
  });
  for (const row of ROWS) db.prepare(INSERT).run(...row.values);
  for (const [text, params] of JOBS) db.prepare(text).run(...params);
  db.close();
  return async () => new SqliteStore(path);
}

async function postgresOfBefore(): Promise<() => Promise<Store>> {
  const url = await freshDatabase();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    'CREATE TABLE migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  for (const [index, text] of before(POSTGRES_MIGRATIONS).entries()) {
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
  for (const row of ROWS) await client.query(numbered(INSERT), row.values);
  for (const [text, params] of JOBS) await client.query(numbered(text), params);
  await client.end();
  return () => PostgresStore.open(url);
}

describe.each([
  ['SQLite', sqliteOfBefore],
  ['PostgreSQL', postgresOfBefore],
])('twin callbacks of a %s database of before', (_name, ofBefore) => {
  let store: Store | undefined;
  afterEach(async () => store?.close());

  it('merge into the one furthest along, with each CRM’s side under the key its record has', async () => {
    store = await (await ofBefore())();
    const merged = await store.getCallback('hubspot:api:a1:detractor_recovery');
    expect(merged).toMatchObject({ status: 'resolved', outcome: 'Avoir', crm: 'hubspot' });
    expect(merged?.links).toEqual([
      {
        crm: 'hubspot',
        key: 'hubspot:api:a1:detractor_recovery',
        crmId: '9001',
        assignee: '501',
        dueAt: DUE,
      },
      {
        crm: 'salesforce',
        key: 'salesforce:api:a1:detractor_recovery',
        crmId: 'a0C000000000001',
        assignee: '005000000000001',
        escalateTo: '005000000000009',
        crmAccountId: '001000000000001',
        dueAt: DUE,
      },
    ]);
    // The per-CRM fields of the body of before are the sides' now, not the callback's.
    expect(merged).not.toHaveProperty('crmId');
    expect(merged).not.toHaveProperty('assignee');
  });

  it('break a tie by the later change', async () => {
    store = await (await ofBefore())();
    const merged = await store.getCallback('salesforce:api:a2:promoter_thanks');
    expect(merged).toMatchObject({
      id: 'salesforce:api:a2:promoter_thanks',
      status: 'reached',
      notes: 'Merci dit au téléphone',
    });
    expect(merged?.links.map((l) => l.key)).toEqual([
      'salesforce:api:a2:promoter_thanks',
      'hubspot:api:a2:promoter_thanks',
    ]);
  });

  it('leave one callback per answer and kind, found by either former id', async () => {
    store = await (await ofBefore())();
    const all = await store.callbacksCreatedSince(new Date(T0 - HOUR).toISOString());
    expect(all.map((c) => c.id).sort()).toEqual([
      'hubspot:api:a1:detractor_recovery',
      'salesforce:api:a2:promoter_thanks',
      'salesforce:api:a3:detractor_recovery',
    ]);
    expect((await store.getCallback('salesforce:api:a1:detractor_recovery'))?.id).toBe(
      'hubspot:api:a1:detractor_recovery',
    );
    // An outcome logged under the former id (an API client kept it) lands on the one callback.
    const saved = await store.updateCallback('salesforce:api:a2:promoter_thanks', (current) => ({
      ...current,
      notes: 'Logged under its Salesforce id',
    }));
    expect(saved?.id).toBe('salesforce:api:a2:promoter_thanks');
    await store.updateCallback('hubspot:api:a2:promoter_thanks', (current) => ({
      ...current,
      followUpAction: 'Logged under its HubSpot id',
    }));
    expect(await store.getCallback('salesforce:api:a2:promoter_thanks')).toMatchObject({
      notes: 'Logged under its Salesforce id',
      followUpAction: 'Logged under its HubSpot id',
    });
    expect((await store.getCallback('salesforce:api:a3:detractor_recovery'))?.links).toEqual([
      {
        crm: 'salesforce',
        key: 'salesforce:api:a3:detractor_recovery',
        crmId: 'a0C000000000003',
        dueAt: DUE,
      },
    ]);
  });

  it('move the jobs and sync states of the losers to the winner, and queue the losing CRM a write', async () => {
    store = await (await ofBefore())();
    const winner = 'hubspot:api:a1:detractor_recovery';
    expect((await store.syncStates('salesforce', 'callback', [winner])).get(winner)).toEqual({
      state: 'synced',
      crmId: 'a0C000000000001',
    });
    // The migration queues its writes due at once (its own clock: the database's).
    const later = Date.now() + HOUR;
    const salesforce = await store.claim('salesforce', 'w1', 10, 30_000, later);
    const hubspot = await store.claim('hubspot', 'w1', 10, 30_000, later);
    expect(salesforce.map((j) => j.ref)).toEqual([winner]);
    expect(hubspot.map((j) => j.ref)).toEqual(['salesforce:api:a2:promoter_thanks']);
  });

  it('refuse a second callback of the same answer and kind: another CRM adds its side', async () => {
    store = await (await ofBefore())();
    const raised = await store.createCallbacks(
      [
        callback('api:a3:detractor_recovery', {
          crm: 'hubspot',
          answerRef: 'api:a3',
          links: [{ crm: 'hubspot', key: 'api:a3:detractor_recovery', assignee: '501' }],
        }),
      ],
      T0,
    );
    expect(raised).toEqual(['salesforce:api:a3:detractor_recovery']);
    expect(
      (await store.getCallback('salesforce:api:a3:detractor_recovery'))?.links.map((l) => [
        l.crm,
        l.key,
      ]),
    ).toEqual([
      ['salesforce', 'salesforce:api:a3:detractor_recovery'],
      ['hubspot', 'salesforce:api:a3:detractor_recovery'],
    ]);
  });
});
