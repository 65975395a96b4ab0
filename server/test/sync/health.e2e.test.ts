import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../store/postgres.ts';
import { API_KEY, startHarness, type Harness } from './harness.ts';

describe.each(STORES)('its description, health and metrics (%s store)', (_store, storeOptions) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(await storeOptions());
  });
  afterAll(() => h.close());

  it('describes itself in OpenAPI without a key, and health and metrics with it', async () => {
    const openapi = await fetch(`${h.server.url}/openapi.json`).then(
      (r) =>
        r.json() as Promise<{
          paths: object;
          components: { schemas: { Answer: { properties: object } } };
        }>,
    );
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/v1/answers',
        '/v1/ratings',
        '/v1/accounts/{key}/summary',
        '/v1/callbacks',
        '/v1/callbacks/{id}',
        '/health',
        '/metrics',
      ]),
    );
    expect(Object.keys(openapi.components.schemas.Answer.properties)).toEqual(
      expect.arrayContaining(['id', 'score', 'metric', 'answeredAt', 'respondent']),
    );
    // What a duplicate does, and every callback status filter, are part of the description.
    const paths = openapi.paths as Record<string, Record<string, Record<string, unknown>>>;
    expect(paths['/v1/answers']?.post?.description).toContain('the first one stored wins');
    expect(JSON.stringify(paths['/v1/callbacks']?.get?.parameters)).toContain('closed_no_contact');
    const key = { authorization: `Bearer ${API_KEY}` };
    const health = await fetch(`${h.server.url}/health`, { headers: key }).then((r) => r.json());
    expect(health).toMatchObject({
      status: 'ok',
      store: 'ok',
      crms: { salesforce: { ok: true }, hubspot: { ok: true } },
    });
    const metrics = await fetch(`${h.server.url}/metrics`, { headers: key }).then((r) => r.text());
    expect(metrics).toContain('boucle_answers_accepted_total');
    expect(metrics).toContain('# TYPE boucle_jobs gauge');
  });

  it('says only up or down to whoever asks without a key, and keeps its metrics for the key', async () => {
    const health = await fetch(`${h.server.url}/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'up' }]);
    const metrics = await fetch(`${h.server.url}/metrics`);
    expect(metrics.status).toBe(401);
    const text = await metrics.text();
    expect(text).not.toContain('nodejs_version_info');
    expect(text).not.toContain('boucle_jobs');
    const wrong = await fetch(`${h.server.url}/health`, {
      headers: { authorization: 'Bearer not-the-key-0123456789' },
    });
    expect(await wrong.json()).toEqual({ status: 'up' });
  });
});
