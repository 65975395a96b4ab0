import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Answer } from '@boucle/shared/schemas';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { Metrics } from '../../src/http/metrics.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { expected } from './expectedInsights.ts';
import { API_KEY, NOW, OWNERS, seed } from './seededInsights.ts';

// The insights API on seeded data (seededInsights.ts), against figures computed with plain loops
// from the definitions (expectedInsights.ts), not with the shared functions the API uses.

let server: Server;
let base: string;
let store: SqliteStore;
const data = seed();

async function get(path: string, key = API_KEY) {
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  store = new SqliteStore(':memory:');
  await store.ingestAnswers(data.answers, [], NOW);
  await store.createCallbacks(data.callbacks, NOW);
  const app = createApp({
    store,
    apiKey: API_KEY,
    crms: ['salesforce', 'hubspot'],
    logger: pino({ level: 'silent' }),
    metrics: new Metrics(store),
    clock: () => NOW,
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await store.close();
});

describe('GET /v1/insights', () => {
  const byOwner = (a: Answer) => a.employeeEmail?.toLowerCase();

  it('gives NPS, margin and significance against the rest of the org, and loop closure, per owner', async () => {
    const { status, body } = await get('/v1/insights?by=owner&window=90d');
    expect(status).toBe(200);
    expect(body).toEqual({ by: 'owner', ...expected(data, byOwner, 'salesforce', 90, 30) });
    // The seeded owners differ enough for the comparison to say so, and the small one is a hint.
    const groups = body.groups as { key: string; comparison: { significant: boolean } }[];
    expect(groups.map((g) => g.key)).toEqual([OWNERS[0], 'unspecified', OWNERS[1], OWNERS[2]]);
    expect(groups.some((g) => g.comparison.significant)).toBe(true);
    const hints = body.hints as { key: string; sample: string; loopClosure: { total: number } }[];
    expect(hints.map((h) => [h.key, h.sample])).toEqual([
      ['dan@vendor.example', 'too_few_answers'],
      ['eve@vendor.example', 'no_answers'],
    ]);
    expect(hints[1]?.loopClosure.total).toBe(1);
  });

  it('gives the same per touchpoint, over another window and minimum sample', async () => {
    const { body } = await get('/v1/insights?by=touchpoint&window=30d&minSample=20');
    const { journey, ...ranked } = body;
    expect(journey).toBeInstanceOf(Array);
    expect(ranked).toEqual({
      by: 'touchpoint',
      ...expected(data, (a) => a.touchpoint, 'salesforce', 30, 20),
    });
  });

  it('measures the CRM asked for: each CRM keeps its own copy of a callback', async () => {
    const { body } = await get('/v1/insights?by=owner&crm=hubspot');
    expect(body).toEqual({ by: 'owner', ...expected(data, byOwner, 'hubspot', 90, 30) });
    expect((body.org as { loopClosure: { total: number } }).loopClosure.total).toBeGreaterThan(0);
  });

  it.each([
    ['by=country', 'by', /country/],
    ['window=90d', 'by', /required/],
    ['by=owner&window=3m', 'window', /3m/],
    ['by=owner&window=0d', 'window', /0d/],
    ['by=owner&crm=zoho', 'crm', /salesforce or hubspot/],
  ])('refuses ?%s with a 400 naming %s', async (query, path, message) => {
    const { status, body } = await get(`/v1/insights?${query}`);
    expect(status).toBe(400);
    const error = body.error as { code: string; message: string; issues: unknown[] };
    expect(error.code).toBe('validation_failed');
    expect(error.message).toContain(path);
    expect(error.issues).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it.each(['team', 'region'])(
    'says why there are no %s groups yet, with the org figures still',
    async (by) => {
      const { status, body } = await get(`/v1/insights?by=${by}`);
      expect(status).toBe(200);
      const reference = expected(data, byOwner, 'salesforce', 90, 30);
      expect(body).toMatchObject({ by, groups: [], hints: [], org: reference.org });
      expect(body.reason).toMatch(new RegExp(`^${by} is not stored yet`));
    },
  );

  it('needs the API key', async () => {
    expect((await get('/v1/insights?by=owner', 'wrong')).status).toBe(401);
  });

  it('is described in /openapi.json with its parameters', async () => {
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<string, { get: { parameters: { name: string; required: boolean }[] } }>;
    };
    const parameters = document.paths['/v1/insights']?.get.parameters ?? [];
    expect(parameters.map((p) => [p.name, p.required])).toEqual([
      ['by', true],
      ['window', false],
      ['crm', false],
      ['minSample', false],
    ]);
  });
});
