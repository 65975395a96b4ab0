import type { Server } from 'node:http';
import express from 'express';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { VendorFetcher } from '../../src/webhooks/fetcher.ts';

// What the fetcher sends where: real HTTP to local servers standing for a vendor API and for
// another host it might redirect to.

interface Recorded {
  url: string;
  close: () => Promise<void>;
  calls: { path: string; token?: string }[];
}

async function listen(app: express.Express, host: string): Promise<Recorded> {
  const calls: Recorded['calls'] = [];
  const recorder = express();
  recorder.use((req, _res, next) => {
    const token = req.get('x-api-token') ?? req.get('authorization');
    calls.push({ path: req.path, ...(token && { token }) });
    next();
  });
  recorder.use(app);
  const server: Server = await new Promise((resolve) => {
    const s = recorder.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://${host}:${(server.address() as { port: number }).port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const qualtricsResponse = {
  result: {
    responseId: 'R_1a2B3c4D5e6F7g8',
    values: { QID1: 9, endDate: '2026-05-04T09:14:37Z' },
  },
};

describe('the vendor fetcher', () => {
  const open: Recorded[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  async function fetchOnce(apiUrl: string, ref: string) {
    const store = new SqliteStore(':memory:');
    const fetcher = new VendorFetcher({
      store,
      crms: ['salesforce'],
      config: {
        ratePerMinute: 600,
        qualtrics: { tokens: ['t'], apiToken: 'q-secret-token', apiUrl },
        surveymonkey: { credentials: [], accessToken: 'sm-secret-token', apiUrl },
      },
      logger: pino({ level: 'silent' }),
    });
    await store.enqueue('fetch', 'answer', [ref], Date.now());
    await fetcher.runOnce();
    return store;
  }

  it('never follows a redirect to another host, so the API token stays with the vendor', async () => {
    const elsewhere = await listen(
      express().get('/{*any}', (_req, res) => void res.json(qualtricsResponse)),
      'localhost',
    );
    open.push(elsewhere);
    const vendor = await listen(
      express().get('/{*any}', (req, res) => res.redirect(302, `${elsewhere.url}${req.path}`)),
      '127.0.0.1',
    );
    open.push(vendor);
    const store = await fetchOnce(vendor.url, 'qualtrics:SV_0Ab1Cd2Ef3Gh4Ij:R_1a2B3c4D5e6F7g8');
    expect(vendor.calls).toHaveLength(1);
    expect(elsewhere.calls).toEqual([]);
    const [dead] = await store.listDead(10);
    expect(dead?.lastError).toMatch(
      /redirected to http:\/\/localhost:\d+.*follows redirects only within/,
    );
    expect((await store.getAnswers(['qualtrics:R_1a2B3c4D5e6F7g8'])).size).toBe(0);
  });

  it('follows a redirect within the vendor host, with its token', async () => {
    const vendor = await listen(
      express()
        .get('/API/v3/surveys/SV_0Ab1Cd2Ef3Gh4Ij/responses/R_1a2B3c4D5e6F7g8', (_req, res) =>
          res.redirect(301, '/API/v3/moved/R_1a2B3c4D5e6F7g8'),
        )
        .get('/API/v3/moved/R_1a2B3c4D5e6F7g8', (_req, res) => void res.json(qualtricsResponse)),
      '127.0.0.1',
    );
    open.push(vendor);
    const store = await fetchOnce(vendor.url, 'qualtrics:SV_0Ab1Cd2Ef3Gh4Ij:R_1a2B3c4D5e6F7g8');
    expect(vendor.calls.map((c) => c.token)).toEqual(['q-secret-token', 'q-secret-token']);
    expect((await store.getAnswers(['qualtrics:R_1a2B3c4D5e6F7g8'])).size).toBe(1);
  });

  it.each([
    ['a survey id of ..', 'surveymonkey:..:114123456789'],
    ['a survey id with a slash', 'surveymonkey:1%2F..:114123456789'],
    ['a response id with a colon', 'qualtrics:SV_0Ab1:R_1:extra'],
    ['an empty response id', 'qualtrics:SV_0Ab1:'],
  ])('calls nothing for %s, and dead-letters the job', async (_what, ref) => {
    const vendor = await listen(
      express().get('/{*any}', (_req, res) => void res.json({})),
      '127.0.0.1',
    );
    open.push(vendor);
    const store = await fetchOnce(vendor.url, ref);
    expect(vendor.calls).toEqual([]);
    expect((await store.listDead(10))[0]?.lastError).toContain(
      'does not name a survey and a response',
    );
  });
});
