import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitFor, type Harness } from '../sync/harness.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/webhooks/${name}`, import.meta.url));
const TYPEFORM_SECRET = 'tf_test_secret';
const GENERIC_SECRET = `whsec_${Buffer.from('generic-webhook-secret-for-tests').toString('base64')}`;
const typeformSignature = (body: Buffer) =>
  `sha256=${createHmac('sha256', TYPEFORM_SECRET).update(body).digest('base64')}`;
function standardHeaders(body: Buffer, id: string, at = Math.floor(Date.now() / 1000)) {
  const key = Buffer.from(GENERIC_SECRET.slice(6), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${at}.`).update(body).digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(at),
    'webhook-signature': `v1,${signature}`,
  };
}

describe('survey-tool webhooks', () => {
  let h: Harness;
  const post = async (
    source: string,
    body: Buffer | string,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${h.server.url}/webhooks/${source}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  };

  beforeAll(async () => {
    h = await startHarness({
      webhooks: {
        typeform: { secrets: ['previous-secret', TYPEFORM_SECRET], mappings: {} },
        generic: { secrets: [GENERIC_SECRET] },
        ratePerMinute: 10_000,
      },
    });
    // The fixture's respondent and account, in both CRMs.
    const org = h.emulators.salesforce.org;
    org.create('Account', { Name: 'Fixture Co', Website: 'fixture.example' }, '001XX0000067890AAA');
    org.create('Contact', { LastName: 'Customer', Email: 'pat.customer@example.com' });
    h.emulators.hubspot.portal.create('contacts', {
      properties: { email: 'pat.customer@example.com' },
    });
  });
  afterAll(() => h.close());

  it('turns the Typeform fixture into one answer in both CRMs, whatever the retries', async () => {
    const body = fixture('typeform-form_response.raw-body.json');
    const headers = { 'typeform-signature': 'sha256=Rwsa7+hUUjHda4Ubc1dv8sxLeVi9N/FwlnZFAuDdzbY=' };
    const first = await post('typeform', body, headers);
    expect(first).toEqual({ status: 202, body: { accepted: 1, duplicates: 0 } });
    // The same delivery four more times, three of them at once.
    const again = await Promise.all([
      post('typeform', body, headers),
      post('typeform', body, headers),
      post('typeform', body, headers),
    ]);
    again.push(await post('typeform', body, headers));
    // A replay answers 200 {"duplicate": true}, as the contract says.
    expect(again).toEqual(
      Array.from({ length: 4 }, () => ({ status: 200, body: { duplicate: true } })),
    );
    await waitFor(
      async () =>
        ((await h.sf()).Survey_Response__c ?? []).length === 1 &&
        ((await h.hs()).objects.boucle_survey_response ?? []).length === 1,
      10_000,
      'the Typeform answer in both CRMs',
    );
    const record = (await h.sf()).Survey_Response__c?.[0];
    expect(record).toMatchObject({
      External_Id__c: 'typeform:0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      Score__c: 3,
      Source__c: 'typeform',
      Comment__c: 'Waited 40 minutes and nobody explained the delay.',
    });
    expect(String(record?.Account__c).slice(0, 15)).toBe('001XX0000067890');
  });

  it.each([
    [
      'a changed byte',
      (b: Buffer) => Buffer.from(b.toString().replace('Waited', 'Waiter')),
      'sha256=Rwsa7+hUUjHda4Ubc1dv8sxLeVi9N/FwlnZFAuDdzbY=',
      'the Typeform signature does not match the body',
    ],
    [
      'a wrong secret',
      (b: Buffer) => b,
      `sha256=${createHmac('sha256', 'wrong').update(fixture('typeform-form_response.raw-body.json')).digest('base64')}`,
      'the Typeform signature does not match the body',
    ],
    ['a missing signature', (b: Buffer) => b, undefined, 'missing Typeform-Signature header'],
  ])(
    'refuses a Typeform delivery with %s (401), storing nothing',
    async (_label, change, signature, message) => {
      const body = change(fixture('typeform-form_response.raw-body.json'));
      const response = await post(
        'typeform',
        body,
        signature ? { 'typeform-signature': signature } : {},
      );
      expect(response).toEqual({
        status: 401,
        body: { error: { code: 'invalid_signature', message, issues: [] } },
      });
    },
  );

  it('names what a form that does not map to an answer lacks (422)', async () => {
    const payload = JSON.parse(fixture('typeform-form_response.raw-body.json').toString());
    payload.event_id = 'no-score';
    payload.form_response.token = 'no-score';
    payload.form_response.answers = payload.form_response.answers.filter(
      (a: { field: { type: string } }) => a.field.type !== 'nps',
    );
    const body = Buffer.from(JSON.stringify(payload));
    const response = await post('typeform', body, {
      'typeform-signature': typeformSignature(body),
    });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({
      error: { code: 'unmappable', issues: [{ path: 'score', message: 'must be a number' }] },
    });
  });

  it('refuses a signed delivery whose event id holds a control character (400, not a store error)', async () => {
    const payload = JSON.parse(fixture('typeform-form_response.raw-body.json').toString());
    payload.event_id = 'ev\u0000nul';
    payload.form_response.token = 'nul-token';
    const body = Buffer.from(JSON.stringify(payload));
    const response = await post('typeform', body, {
      'typeform-signature': typeformSignature(body),
    });
    expect(response).toMatchObject({
      status: 400,
      body: {
        error: {
          issues: [{ path: 'delivery id', message: 'must not contain control characters' }],
        },
      },
    });
  });

  it('accepts answers of the API from the generic Standard Webhooks endpoint, once', async () => {
    const body = Buffer.from(
      JSON.stringify({
        answers: [
          {
            id: 'form-1',
            score: 10,
            answeredAt: new Date().toISOString(),
            respondent: { email: 'pat.customer@example.com' },
          },
        ],
      }),
    );
    expect(await post('generic', body, standardHeaders(body, 'msg_1'))).toEqual({
      status: 202,
      body: { accepted: 1, duplicates: 0 },
    });
    expect(await post('generic', body, standardHeaders(body, 'msg_1'))).toEqual({
      status: 200,
      body: { duplicate: true },
    });
    expect((await h.server.store.getAnswers(['generic:form-1'])).size).toBe(1);
  });

  it.each([
    [
      'a stale timestamp',
      (b: Buffer) => standardHeaders(b, 'msg_2', Math.floor(Date.now() / 1000) - 301),
      'the timestamp is more than 5 minutes old',
    ],
    [
      'a future timestamp',
      (b: Buffer) => standardHeaders(b, 'msg_2', Math.floor(Date.now() / 1000) + 301),
      'the timestamp is more than 5 minutes in the future',
    ],
    ['no headers', () => ({}), 'missing webhook-id header'],
  ])('refuses a generic delivery with %s', async (_label, headers, message) => {
    const body = Buffer.from('{"id":"x","score":1,"answeredAt":"2026-11-20T09:14:00Z"}');
    expect(await post('generic', body, headers(body) as Record<string, string>)).toMatchObject({
      status: 401,
      body: { error: { message } },
    });
  });

  it('answers bad deliveries with a clear 4xx', async () => {
    expect((await post('nowhere', '{}')).body).toMatchObject({ error: { code: 'unknown_source' } });
    expect((await post('qualtrics', '{}')).status).toBeLessThan(500);
    const big = Buffer.alloc(1_100_000, 'x');
    expect(
      await post('typeform', big, { 'typeform-signature': typeformSignature(big) }),
    ).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    const notJson = Buffer.from('{"answers": [');
    expect(await post('generic', notJson, standardHeaders(notJson, 'msg_3'))).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_json' } },
    });
    expect((await fetch(`${h.server.url}/webhooks/surveymonkey`, { method: 'HEAD' })).status).toBe(
      200,
    );
  });

  it('never answers 5xx to any bytes or JSON, signed or not (fuzzing)', async () => {
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
      fc.json().map((j) => Buffer.from(j)),
      fc
        .jsonValue()
        .map((v) =>
          Buffer.from(
            JSON.stringify({ event_id: 'e', event_type: 'form_response', form_response: v }),
          ),
        ),
    );
    await fc.assert(
      fc.asyncProperty(
        bodies,
        fc.constantFrom('typeform', 'generic'),
        fc.boolean(),
        async (body, source, signed) => {
          const headers: Record<string, string> = !signed
            ? {}
            : source === 'typeform'
              ? { 'typeform-signature': typeformSignature(body) }
              : standardHeaders(body, `fuzz-${Math.random()}`);
          const response = await fetch(`${h.server.url}/webhooks/${source}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body,
          });
          await response.arrayBuffer();
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

/** A POST from a given loopback address (127.0.0.2 is another client of the same machine). */
function postFrom(
  localAddress: string,
  url: string,
  body: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', ...headers } },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            ...(response.headers['retry-after'] && {
              retryAfter: String(response.headers['retry-after']),
            }),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('webhook rate limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      webhooks: { generic: { secrets: [GENERIC_SECRET] }, ratePerMinute: 600 },
    });
  });
  afterAll(() => h.close());

  const genuine = (id: string) => {
    const body = Buffer.from(
      JSON.stringify({
        id,
        score: 9,
        answeredAt: new Date().toISOString(),
        respondent: { email: 'claire@acme.example' },
      }),
    );
    return { body, headers: standardHeaders(body, id) };
  };
  const unsigned = (from: string, n: number) =>
    Promise.all(
      Array.from({ length: n }, () =>
        postFrom(from, `${h.server.url}/webhooks/generic`, Buffer.from('{}')),
      ),
    );

  it('accepts a genuine delivery after 620 unsigned posts, which are limited per client address', async () => {
    const statuses = await unsigned('127.0.0.2', 620);
    expect(statuses.filter((s) => s.status === 401)).toHaveLength(600);
    expect(statuses.filter((s) => s.status === 429)).toHaveLength(20);
    expect(Number(statuses.find((s) => s.status === 429)?.retryAfter)).toBeGreaterThan(0);
    const { body, headers } = genuine('after-flood-1');
    expect(
      (await postFrom('127.0.0.1', `${h.server.url}/webhooks/generic`, body, headers)).status,
    ).toBe(202);
  });
});

describe('webhook rate limit behind a proxy', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      webhooks: { generic: { secrets: [GENERIC_SECRET] }, ratePerMinute: 3 },
    });
  });
  afterAll(() => h.close());

  it('never turns away at the door an address that delivers genuine requests', async () => {
    const send = (id?: string) => {
      const body = Buffer.from(
        JSON.stringify({
          id: id ?? 'x',
          score: 9,
          answeredAt: new Date().toISOString(),
          respondent: { email: 'claire@acme.example' },
        }),
      );
      return postFrom(
        '127.0.0.3',
        `${h.server.url}/webhooks/generic`,
        body,
        id ? standardHeaders(body, id) : {},
      );
    };
    expect((await send('behind-proxy-1')).status).toBe(202);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await send()).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
    expect((await send('behind-proxy-2')).status).toBe(202);
  });
});

describe('webhook rate limit of a source', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      webhooks: { generic: { secrets: [GENERIC_SECRET] }, ratePerMinute: 3 },
    });
  });
  afterAll(() => h.close());

  it('answers 429 with Retry-After past the per-source rate of verified deliveries', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const body = Buffer.from(
        JSON.stringify({
          id: `rate-${i}`,
          score: 9,
          answeredAt: new Date().toISOString(),
          respondent: { email: 'claire@acme.example' },
        }),
      );
      const response = await fetch(`${h.server.url}/webhooks/generic`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...standardHeaders(body, `rate-${i}`) },
        body: new Uint8Array(body),
      });
      statuses.push(response.status);
      retryAfter = response.headers.get('retry-after') ?? retryAfter;
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
