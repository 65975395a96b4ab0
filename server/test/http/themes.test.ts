import type { Server } from 'node:http';
import { answerSchema, type AnswerInput } from '@boucle/shared/schemas';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { Metrics } from '../../src/http/metrics.ts';
import { openApiDocument } from '../../src/http/openapi.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const DAY = 86_400_000;
const at = (daysAgo: number) => new Date(NOW - daysAgo * DAY).toISOString();
let n = 0;
const answer = (
  score: number,
  comment: string | undefined,
  daysAgo: number,
  extra: Partial<AnswerInput> = {},
) =>
  answerSchema.parse({
    id: `t-${(n += 1)}`,
    score,
    ...(comment !== undefined && { comment }),
    answeredAt: at(daysAgo),
    account: { domain: 'acme.example' },
    touchpoint: 'after-sale',
    ...extra,
  });

interface ThemesBody {
  by: string;
  window: unknown;
  groups: { key: string; themes: Record<string, unknown>[]; candidates: unknown[] }[];
  error: { issues: unknown[] };
}

let server: Server;
let url = '';
const store = new SqliteStore(':memory:');
const get = async (query: string) => {
  const response = await fetch(`${url}/v1/themes${query}`, {
    headers: { authorization: 'Bearer test-key-0123456789' },
  });
  return { status: response.status, body: (await response.json()) as ThemesBody };
};

beforeAll(async () => {
  await store.ingestAnswers(
    [
      answer(2, 'Livraison en retard, encore.', 5),
      answer(3, 'Delivery was late and nobody called us back.', 10),
      answer(1, 'Facture fausse.', 20),
      answer(9, 'Livraison parfaite.', 3),
      answer(10, undefined, 2),
      answer(4, 'Portail client illisible', 4, { account: { domain: 'globex.example' } }),
      answer(3, 'Portail client incompréhensible', 6, { account: { domain: 'globex.example' } }),
      answer(2, 'Le portail client est confus', 7, { account: { domain: 'globex.example' } }),
      answer(8, 'Facture claire', 120),
      answer(2, 'Plus tard', -3),
    ],
    [],
    NOW,
  );
  const app = createApp({
    store,
    apiKey: 'test-key-0123456789',
    crms: [],
    logger: pino({ level: 'silent' }),
    metrics: new Metrics(store),
    clock: () => NOW,
  });
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await store.close();
});

describe('GET /v1/themes', () => {
  it('ranks the org-wide themes by how often detractors name them, with share and margin', async () => {
    const { status, body } = await get('?window=90d');
    expect(status).toBe(200);
    expect(body.by).toBe('org');
    expect(body.window).toEqual({ from: at(90), to: at(0), days: 90 });
    const org = body.groups[0]!;
    expect(org).toMatchObject({ key: 'org', n: 8, unhappy: 6, previousN: 1, lowSample: true });
    expect(org.themes[0]).toMatchObject({
      theme: 'delivery',
      label: { en: 'Delivery', fr: 'Livraison' },
      count: 3,
      unhappyCount: 2,
      unhappyShare: 33.3,
      margin: 37.7,
    });
  });

  it('proposes recurring phrases that no theme covers', async () => {
    const { body } = await get('?window=90d');
    expect(body.groups[0]?.candidates).toEqual([{ phrase: 'portail client', count: 3 }]);
  });

  it('groups by account and by touchpoint', async () => {
    const byAccount = await get('?by=account&window=30d');
    expect(byAccount.body.groups.map((g) => g.key)).toEqual(['acme.example', 'globex.example']);
    const byTouchpoint = await get('?by=touchpoint');
    expect(byTouchpoint.body.groups.map((g) => g.key)).toEqual(['after-sale']);
  });

  it('answers by=team with no groups and the reason, as /v1/insights does', async () => {
    const { status, body } = await get('?by=team');
    expect(status).toBe(200);
    expect(body).toMatchObject({ by: 'team', groups: [] });
    expect((body as unknown as { reason: string }).reason).toContain('team is not stored yet');
  });

  it.each([
    ['?by=region', 'by', 'must be one of account, team, touchpoint, org'],
    ['?window=3m', 'window', 'must be a number of days'],
    ['?window=0d', 'window', 'must be a number of days'],
    ['?minSample=abc', 'minSample', 'must be a whole number'],
    ['?color=red', 'color', 'unknown field'],
  ])('refuses %s with a 400 naming %s', async (query, path, message) => {
    const { status, body } = await get(query);
    expect(status).toBe(400);
    expect(body.error.issues).toEqual([
      expect.objectContaining({ path, message: expect.stringContaining(message) }),
    ]);
  });

  it('is described in /openapi.json', () => {
    const doc = openApiDocument() as { paths: Record<string, { get?: unknown }> };
    expect(doc.paths['/v1/themes']?.get).toBeDefined();
  });
});
