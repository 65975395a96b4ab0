import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { recordFixture, steady } from '../hubspot/fixtures.ts';
import { hubspotFetchRequest, send } from '../hubspot/hubspotFetch.ts';
import { answer, startHarness, waitFor, type Harness } from './harness.ts';

// "Is Boucle syncing, and what failed?": a record HubSpot refuses for good, seen through the API,
// the command line and the HubSpot settings page, against the emulators over real HTTP.

const SECRET = 'hubspot-app-client-secret';

/** The API budget with the calls counted put steady: how many depends on the rounds' timing. */
const steadyBudget = (body: unknown): unknown =>
  JSON.parse(JSON.stringify(body), (key, value: { used: number; limit: number } | null) =>
    key === 'apiBudget' && value
      ? { ...value, used: 1_000, percent: Math.round((1_000 / value.limit) * 1000) / 10 }
      : value,
  );

describe('a record a CRM refuses, in the sync log and the health summary', () => {
  let h: Harness;
  const startedAt = Date.now();

  /** `boucle <argv>` on the harness's store: exit code and what it printed. */
  async function cli(argv: string[]) {
    let out = '';
    const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (out += t) };
    const code = await runCli(argv, io, undefined, { BOUCLE_DB: h.config.dbPath });
    return { code, out };
  }

  beforeAll(async () => {
    h = await startHarness({ hubspotClientSecret: SECRET });
    // A validation rule of the portal that this answer breaks: refused for good.
    await fetch(`${h.emulators.hubspotUrl}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        rules: [
          {
            match: '/batch/',
            recordErrorCode: 'VALIDATION_ERROR',
            recordMatch: '"api:refused-1"',
            message: 'Property values were not valid',
          },
        ],
      }),
    });
    await h.api('POST', '/v1/answers', {
      answers: [answer({ id: 'written-1', score: 8 }), answer({ id: 'refused-1', score: 8 })],
    });
    await waitFor(
      async () =>
        (await h.server.store.listDead(10)).some((job) => job.ref === 'api:refused-1') &&
        ((await h.hs()).objects.boucle_survey_response ?? []).length === 1,
      20_000,
      'the refused answer dead-lettered and the other written',
    );
  });
  afterAll(() => h?.close());

  it('lists the dead letter with the CRM error in GET /v1/sync-log?status=dead', async () => {
    const page = await h.api('GET', '/v1/sync-log?status=dead&crm=hubspot');
    expect(page.status).toBe(200);
    expect(page.body.entries).toEqual([
      expect.objectContaining({
        crm: 'hubspot',
        kind: 'answer',
        ref: 'api:refused-1',
        status: 'dead',
        detail: expect.stringContaining('Property values were not valid'),
      }),
    ]);
    expect(page.body.next).toBeNull();
  });

  it('says under which CRM id each written record went', async () => {
    const [record] = (await h.hs()).objects.boucle_survey_response!;
    const page = await h.api('GET', '/v1/sync-log?crm=hubspot&ref=api:written-1&status=synced');
    expect(page.body.entries).toEqual([
      expect.objectContaining({ ref: 'api:written-1', status: 'synced', crmId: record!.id }),
    ]);
  });

  it('pages newest first, a full page naming the next', async () => {
    const first = await h.api('GET', '/v1/sync-log?limit=1');
    const entries = first.body.entries as { id: number }[];
    expect(entries).toHaveLength(1);
    const second = await h.api('GET', `/v1/sync-log?limit=1&after=${String(first.body.next)}`);
    expect((second.body.entries as { id: number }[])[0]!.id).toBeLessThan(entries[0]!.id);
    const oldest = await h.api('GET', '/v1/sync-log?limit=1&order=oldest&since=1h');
    expect((oldest.body.entries as { id: number }[])[0]!.id).toBeLessThan(entries[0]!.id);
  });

  it('is described in OpenAPI, each parameter with its values', async () => {
    const openapi = (await (await fetch(`${h.server.url}/openapi.json`)).json()) as {
      paths: Record<string, { get?: { parameters?: unknown } }>;
    };
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/v1/sync-log', '/v1/sync-health', '/hubspot/settings/health']),
    );
    const parameters = JSON.stringify(openapi.paths['/v1/sync-log']?.get?.parameters);
    for (const text of ['"since"', '"crm"', '"status"', '"ref"', '"after"', 'replayed', 'hubspot'])
      expect(parameters).toContain(text);
  });

  it.each([
    ['status=lost', 'status'],
    ['crm=pipedrive', 'crm'],
    ['since=yesterday', 'since'],
    ['limit=0', 'limit'],
  ])('refuses %s with a 400 naming the parameter', async (query, parameter) => {
    const response = await h.api('GET', `/v1/sync-log?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'validation_failed',
      issues: [expect.objectContaining({ path: parameter })],
    });
  });

  it('counts the dead letter in GET /v1/sync-health, the HubSpot side degraded', async () => {
    const health = await h.api('GET', '/v1/sync-health');
    const hubspot = (health.body.crms as { crm: string }[]).find((c) => c.crm === 'hubspot');
    expect(hubspot).toMatchObject({ status: 'degraded', deadLetters: 1, outage: null });
    expect(
      (hubspot as unknown as { objects: { kind: string }[] }).objects.find(
        (o) => o.kind === 'answer',
      ),
    ).toMatchObject({ deadLetters: 1, lastSyncedAt: expect.any(String) });
  });

  it('prints the dead letter in `boucle sync-log --status dead`, as a table and as JSON', async () => {
    const table = await cli(['sync-log', '--status', 'dead']);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/hubspot\s+answer\s+dead\s+api:refused-1\s+-\s+.*Property values/);
    const json = await cli(['sync-log', '--status', 'dead', '--json']);
    expect(JSON.parse(json.out).entries).toEqual([
      expect.objectContaining({ ref: 'api:refused-1', status: 'dead' }),
    ]);
  });

  it('refuses a bad option of `boucle sync-log` with exit code 2, naming it', async () => {
    const bad = await cli(['sync-log', '--crm', 'pipedrive']);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('--crm must be salesforce or hubspot');
  });

  it('prints the health summary in `boucle sync-health`', async () => {
    const { code, out } = await cli(['sync-health']);
    expect(code).toBe(0);
    expect(out).toMatch(/hubspot: degraded/);
    expect(out).toContain('What failed: npx boucle sync-log --status dead');
  });

  it('gives the HubSpot settings page the health and the dead letter', async () => {
    // The rollups settled, so that the recorded backlog does not depend on timing.
    await waitFor(
      async () =>
        ((await h.api('GET', '/v1/sync-health')).body.crms as { backlog: number }[]).every(
          (c) => c.backlog === 0,
        ),
      20_000,
      'no backlog',
    );
    const response = await send(
      hubspotFetchRequest({
        base: h.server.url,
        method: 'GET',
        path: '/settings/health',
        portal: h.emulators.hubspot.portal.portalId,
        secret: SECRET,
      }),
    );
    expect(response.status).toBe(200);
    const body = response.body as {
      health: { crms: { crm: string; deadLetters: number }[] };
      deadLetters: { ref: string; crm: string; error: string }[];
    };
    expect(body.health.crms.find((c) => c.crm === 'hubspot')).toMatchObject({
      deadLetters: 1,
      // Read from the X-HubSpot-RateLimit-Daily headers of the batch writes' answers.
      apiBudget: { limit: 250_000, used: expect.any(Number) },
    });
    expect(body.deadLetters).toEqual([
      expect.objectContaining({
        crm: 'hubspot',
        ref: 'api:refused-1',
        error: expect.stringContaining('Property values were not valid'),
      }),
    ]);
    recordFixture('settings-health', {
      request: 'GET /settings/health',
      status: response.status,
      body: steady(steadyBudget(response.body), startedAt, new Map()),
    });
  });
});
