import type { Server } from 'node:http';
import { answerSchema } from '@boucle/shared/schemas';
import { analyzeVerbatim, DEFAULT_TAXONOMY, type VerbatimAnalyser } from '@boucle/shared/themes';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { Metrics } from '../../src/http/metrics.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import type { Verbatims } from '../../src/verbatims/taxonomy.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const DAY = 86_400_000;
const answer = (id: string, score: number, comment: string, daysAgo: number) =>
  answerSchema.parse({
    id,
    score,
    comment,
    answeredAt: new Date(NOW - daysAgo * DAY).toISOString(),
    account: { domain: 'acme.example' },
  });

// The analyser the app is given, counting its calls.
let calls = 0;
const counting: VerbatimAnalyser = (text, options) => {
  calls += 1;
  return analyzeVerbatim(text, options);
};
const verbatims: Verbatims = { taxonomy: DEFAULT_TAXONOMY, analyse: counting };

let server: Server;
let url = '';
const store = new SqliteStore(':memory:');
const get = async (query: string) => {
  const response = await fetch(`${url}/v1/themes${query}`, {
    headers: { authorization: 'Bearer test-key-0123456789' },
  });
  expect(response.status).toBe(200);
  return response.json();
};

beforeAll(async () => {
  await store.ingestAnswers(
    [
      answer('c-1', 2, 'Livraison en retard, encore.', 5),
      answer('c-2', 3, 'Delivery was late and nobody called us back.', 10),
      answer('c-3', 9, 'Facture claire.', 100),
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
    verbatims,
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

describe('GET /v1/themes: analyses cached per answer and taxonomy', () => {
  it('analyses each stored comment once, not again on a repeated request', async () => {
    const first = await get('?by=account&window=90d');
    expect(calls).toBe(3);
    const second = await get('?by=account&window=90d');
    expect(calls).toBe(3);
    expect(second).toEqual(first);
  });

  it('lets the account card read the analyses GET /v1/themes made, and the reverse', async () => {
    const before = calls;
    const response = await fetch(`${url}/v1/accounts/acme.example/summary`, {
      headers: { authorization: 'Bearer test-key-0123456789' },
    });
    expect(response.status).toBe(200);
    const card = (await response.json()) as { verbatims: { themes: unknown[] }[] };
    expect(card.verbatims.length).toBeGreaterThan(0);
    expect(calls).toBe(before);
  });

  it('analyses only the comment of a new answer on the next request', async () => {
    const before = calls;
    await store.ingestAnswers([answer('c-4', 1, 'Facture fausse.', 1)], [], NOW);
    const body = (await get('?by=org&window=90d')) as { groups: { n: number }[] };
    expect(calls - before).toBe(1);
    expect(body.groups[0]?.n).toBe(3);
  });
});
