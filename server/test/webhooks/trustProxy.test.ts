import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrustProxy } from '../../src/config/config.ts';
import { createApp } from '../../src/http/app.ts';
import { Metrics } from '../../src/http/metrics.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';

// The refused-requests limiter of /webhooks counts per client: behind a trusted proxy the client
// is the one X-Forwarded-For names, from any other peer the header is ignored.

const SECRET = `whsec_${Buffer.from('generic-webhook-secret-for-tests').toString('base64')}`;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** The app on loopback with a limit of 3 refused requests a minute per client. */
async function serve(trustProxy: TrustProxy): Promise<string> {
  const store = new SqliteStore(':memory:');
  const app = createApp({
    store,
    apiKey: 'test-key-0123456789',
    crms: ['salesforce'],
    logger: pino({ level: 'silent' }),
    metrics: new Metrics(store),
    webhooks: { generic: { secrets: [SECRET] }, ratePerMinute: 3 },
    trustProxy,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/generic`;
}

/** A delivery as the proxy forwards it for `client`: signed with the secret when `id` is given. */
async function post(url: string, client: string, id?: string): Promise<number> {
  const body = JSON.stringify({
    id: id ?? 'forged',
    score: 9,
    answeredAt: new Date().toISOString(),
    respondent: { email: 'claire@acme.example' },
  });
  const at = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(SECRET.slice(6), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${at}.${body}`).digest('base64');
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': client,
      ...(id && {
        'webhook-id': id,
        'webhook-timestamp': at,
        'webhook-signature': `v1,${signature}`,
      }),
    },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

const unsigned = async (url: string, client: (i: number) => string, n: number) => {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push(await post(url, client(i)));
  return statuses;
};

describe('webhook limiter behind a trusted proxy (BOUCLE_TRUST_PROXY)', () => {
  it('limits two clients behind one proxy separately', async () => {
    const url = await serve(['loopback']);
    expect(await unsigned(url, () => '203.0.113.1', 4)).toEqual([401, 401, 401, 429]);
    expect(await unsigned(url, () => '203.0.113.2', 1)).toEqual([401]);
  });

  it('counts hops: with 1, the client is the last address the proxy appended', async () => {
    const url = await serve(1);
    expect(await unsigned(url, (i) => `198.51.100.${i}, 203.0.113.1`, 4)).toEqual([
      401, 401, 401, 429,
    ]);
    expect(await unsigned(url, () => '203.0.113.2', 1)).toEqual([401]);
  });

  it('counts refusals per real client, with no exemption for a client that delivered', async () => {
    const url = await serve(['loopback']);
    expect(await post(url, '203.0.113.1', 'genuine-1')).toBe(202);
    expect(await unsigned(url, () => '203.0.113.1', 4)).toEqual([401, 401, 401, 429]);
    expect(await post(url, '203.0.113.3', 'genuine-2')).toBe(202);
  });
});

describe('webhook limiter with an untrusted peer', () => {
  it.each([
    ['no proxy trusted (the default)', false as const],
    ['another network trusted', ['10.0.0.0/8']],
  ])('ignores a forged X-Forwarded-For: %s', async (_, trustProxy) => {
    const url = await serve(trustProxy);
    expect(await unsigned(url, (i) => `203.0.113.${i}`, 4)).toEqual([401, 401, 401, 429]);
  });

  it('keeps exempting an address that delivered, as every sender may share the proxy address', async () => {
    const url = await serve(false);
    expect(await post(url, '203.0.113.1', 'genuine-3')).toBe(202);
    expect(await unsigned(url, () => '203.0.113.2', 4)).toEqual([401, 401, 401, 401]);
    expect(await post(url, '203.0.113.1', 'genuine-4')).toBe(202);
  });
});
