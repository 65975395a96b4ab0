import { DEFAULT_THRESHOLD_RULES } from '@boucle/shared';
import { serverSettingsSchema } from '@boucle/shared/schemas';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, TEST_SECRET } from '../outbound/receiver.ts';
import { STORES } from '../store/postgres.ts';
import { startSurveyApp, type SurveyApp } from './surveyApp.ts';

// Survey pressure over HTTP: GET /v1/survey-permission and POST /v1/survey-requests on a clock
// the tests move, the history made of requests announced and answers received.

const WEEKLY = { contactMinDays: 0, contactMaxSurveys: 2, contactWindowDays: 7 };

describe.each(STORES)('survey pressure over the API (%s)', (_name, location) => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const item of open.splice(0)) await item.close();
  });
  async function app(now = '2026-06-15T12:00:00Z', outbound = {}) {
    const started = await startSurveyApp({ now, outbound, location: await location() });
    open.push(started);
    return started;
  }
  const request = (s: SurveyApp, email: string, extra: Record<string, unknown> = {}) =>
    s.api('POST', '/v1/survey-requests', { email, touchpoint: 'after-sale', ...extra });
  const permission = (s: SurveyApp, query: string) =>
    s.api('GET', `/v1/survey-permission?${query}`);

  it('refuses the third survey in a week, with when the next one is allowed', async () => {
    const s = await app();
    await s.saveCaps(WEEKLY);
    expect((await request(s, 'claire@acme.example')).status).toBe(201);
    s.advanceDays(2);
    expect((await request(s, 'claire@acme.example')).status).toBe(201);
    s.advanceDays(1);

    const asked = await permission(s, 'email=claire@acme.example&touchpoint=after-sale');
    expect(asked).toEqual({
      status: 200,
      body: {
        allowed: false,
        reason: 'this contact already had 2 surveys in the last 7 days (cap 2)',
        reasons: [{ code: 'contact_cap_reached', message: expect.any(String) }],
        // The first of the two leaves the week seven days after it was sent.
        nextAllowedAt: '2026-06-22T12:00:00.000Z',
      },
    });
    const third = await request(s, 'claire@acme.example', { reason: 'case closed' });
    expect(third.status).toBe(200);
    expect(third.body).toMatchObject({
      allowed: false,
      nextAllowedAt: '2026-06-22T12:00:00.000Z',
      request: { status: 'refused', reason: 'case closed', email: 'claire@acme.example' },
    });
    // Another contact is not held back by Claire's surveys.
    expect((await permission(s, 'email=luc@acme.example')).body.allowed).toBe(true);
    s.clock.now = Date.parse('2026-06-22T12:00:00.000Z');
    expect((await permission(s, 'email=claire@acme.example')).body.allowed).toBe(true);
  });

  it('counts answers received as surveys sent, and a request with its answer as one', async () => {
    const s = await app();
    await s.saveCaps(WEEKLY);
    await request(s, 'claire@acme.example');
    s.advanceDays(1);
    const answered = await s.api('POST', '/v1/answers', {
      id: 'a-1',
      score: 8,
      answeredAt: new Date(s.clock.now).toISOString(),
      respondent: { email: 'Claire@Acme.example' },
    });
    expect(answered.status).toBe(202);
    // The request and the answer that followed it are one survey: a second one is allowed...
    expect((await permission(s, 'email=claire@acme.example')).body.allowed).toBe(true);
    await s.api('POST', '/v1/answers', {
      id: 'a-2',
      score: 9,
      answeredAt: new Date(s.clock.now).toISOString(),
      respondent: { email: 'claire@acme.example' },
    });
    // ...and an answer that follows no request counts as one more.
    expect((await permission(s, 'email=claire@acme.example')).body).toMatchObject({
      allowed: false,
      reasons: [{ code: 'contact_cap_reached' }],
    });
  });

  it('caps an account across its contacts', async () => {
    const s = await app();
    await s.saveCaps({ contactMinDays: 0, accountMaxSurveys: 1, accountWindowDays: 30 });
    expect((await request(s, 'claire@acme.example')).status).toBe(201);
    s.advanceDays(3);

    const luc = await permission(s, 'email=luc@acme.example');
    expect(luc.body).toEqual({
      allowed: false,
      reason: 'this account already had 1 surveys in the last 30 days (cap 1)',
      reasons: [{ code: 'account_cap_reached', message: expect.any(String) }],
      nextAllowedAt: '2026-07-15T12:00:00.000Z',
    });
    // Asked by the account alone, the same cap answers.
    expect((await permission(s, 'account=acme.example')).body).toMatchObject({
      allowed: false,
      nextAllowedAt: '2026-07-15T12:00:00.000Z',
    });
    expect((await permission(s, 'email=paul@globex.example')).body.allowed).toBe(true);
    expect((await request(s, 'luc@acme.example')).body).toMatchObject({
      allowed: false,
      request: { status: 'refused', accountKey: 'acme.example' },
    });
  });

  it('refuses every survey in a quiet period, allowed again the day after it ends', async () => {
    const s = await app('2026-12-24T10:00:00Z');
    await s.saveCaps({
      contactMinDays: 0,
      quietPeriods: [{ from: '12-20', to: '01-05', label: 'year-end closing' }],
    });
    expect((await permission(s, 'email=claire@acme.example')).body).toEqual({
      allowed: false,
      reason: 'no surveys from 12-20 to 01-05 (year-end closing)',
      reasons: [{ code: 'quiet_period', message: expect.any(String) }],
      nextAllowedAt: '2027-01-06T00:00:00.000Z',
    });
    s.clock.now = Date.parse('2027-01-06T00:00:00Z');
    expect((await permission(s, 'email=claire@acme.example')).body.allowed).toBe(true);
  });

  it('applies no cap until the caps are saved enabled', async () => {
    const s = await app();
    await s.store.setSetting(
      'server',
      serverSettingsSchema.parse({
        rules: DEFAULT_THRESHOLD_RULES,
        pressure: { contactMinDays: 0, contactMaxSurveys: 1, contactWindowDays: 7 },
      }),
      s.clock.now,
    );
    for (let i = 0; i < 3; i++) expect((await request(s, 'claire@acme.example')).status).toBe(201);
    expect((await permission(s, 'email=claire@acme.example')).body).toEqual({
      allowed: true,
      reason: null,
      reasons: [],
      nextAllowedAt: null,
    });
  });

  it('links the answer that follows a request to it, with or without caps', async () => {
    const s = await app();
    const { body } = await request(s, 'claire@acme.example');
    const id = (body.request as { id: string }).id;
    s.advanceDays(2);
    const answer = {
      id: 'late-1',
      source: 'api',
      metric: 'nps' as const,
      score: 7,
      answeredAt: new Date(s.clock.now).toISOString(),
      respondent: { email: 'claire@acme.example' },
    };
    // What the answer sync asks of each recent answer (loop/answers.ts).
    const beyondCaps = await s.surveys.answerPressure();
    expect(await beyondCaps(answer, 'api:late-1')).toBe(false);
    expect((await s.api('GET', `/v1/survey-requests/${id}`)).body).toMatchObject({
      status: 'answered',
      answerRef: 'api:late-1',
    });
  });

  it('announces a request under the caps once, signed so that standardwebhooks verifies it', async () => {
    const receiver = await startReceiver();
    open.push(receiver);
    const s = await app(new Date().toISOString(), {
      survey: { url: receiver.url, secret: TEST_SECRET },
    });
    await s.saveCaps(WEEKLY);
    const body = {
      id: 'flow-0001',
      reason: 'opportunity closed won',
      account: 'acme.example',
      unrelated: 'a field a workflow adds is ignored',
    };
    const created = await request(s, 'claire@acme.example', body);
    expect(created.status).toBe(201);
    const again = await request(s, 'claire@acme.example', body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, request: created.body.request });
    await s.deliveries.runOnce();
    await s.deliveries.runOnce();

    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    const payload = new Webhook(TEST_SECRET).verify(
      delivery!.body,
      delivery!.headers as Record<string, string>,
    ) as { type: string; data: Record<string, unknown> };
    const stored = created.body.request as { id: string; deliveryId: string };
    expect(payload).toEqual({
      type: 'survey.requested',
      timestamp: expect.any(String),
      data: {
        requestId: stored.id,
        email: 'claire@acme.example',
        account: 'acme.example',
        touchpoint: 'after-sale',
        reason: 'opportunity closed won',
        origin: 'api',
        requestedAt: expect.any(String),
      },
    });
    expect(delivery!.headers['webhook-id']).toBe(stored.deliveryId);
    const listed = await s.api('GET', '/v1/survey-requests?status=requested');
    expect(listed.body).toEqual({ requests: [created.body.request], next: null });
  });

  it('takes touchpoint, reason and account from the query string when the body has none', async () => {
    const s = await app();
    const { status, body } = await s.api(
      'POST',
      '/v1/survey-requests?touchpoint=onboarding&reason=welcome&account=acme.example',
      { email: 'claire@acme.example', reason: 'from the body' },
    );
    expect(status).toBe(201);
    expect(body.request).toMatchObject({
      touchpoint: 'onboarding',
      reason: 'from the body',
      accountKey: 'acme.example',
    });
  });

  it('lists survey requests page by page, newest first, filtered by status', async () => {
    const s = await app();
    await s.saveCaps({ contactMinDays: 0, contactMaxSurveys: 1, contactWindowDays: 7 });
    await request(s, 'a@one.example');
    s.advanceDays(0.01);
    await request(s, 'b@two.example');
    s.advanceDays(0.01);
    await request(s, 'a@one.example'); // refused
    s.advanceDays(0.01);
    await request(s, 'c@three.example');
    const first = await s.api('GET', '/v1/survey-requests?status=requested&limit=2');
    const emails = (page: typeof first) =>
      (page.body.requests as { email: string }[]).map((r) => r.email);
    expect(emails(first)).toEqual(['c@three.example', 'b@two.example']);
    const second = await s.api(
      'GET',
      `/v1/survey-requests?status=requested&limit=2&cursor=${String(first.body.next)}`,
    );
    expect(emails(second)).toEqual(['a@one.example']);
    expect(second.body.next).toBeNull();
    const refused = await s.api('GET', '/v1/survey-requests?status=refused');
    expect(emails(refused)).toEqual(['a@one.example']);
  });

  it('is described in /openapi.json', async () => {
    const s = await app();
    const { body } = await s.api('GET', '/openapi.json');
    const paths = body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/v1/survey-permission']!)).toEqual(['get']);
    expect(Object.keys(paths['/v1/survey-requests']!).sort()).toEqual(['get', 'post']);
    expect(paths['/v1/survey-requests/{id}']).toHaveProperty('get');
  });

  describe('bad input', () => {
    it.each([
      ['', 'email', /give email or account/],
      ['touchpoint=after-sale', 'email', /neither was given/],
      ['email=not-an-email', 'email', /must be an email address/],
      ['account=', 'account', /must not be empty/],
    ])('GET /v1/survey-permission?%s is a 400 naming %s', async (query, path, message) => {
      const s = await app();
      const { status, body } = await permission(s, query);
      expect(status).toBe(400);
      expect(body.error?.code).toBe('validation_failed');
      expect(body.error?.issues).toEqual([{ path, message: expect.stringMatching(message) }]);
    });

    it.each([
      [{ touchpoint: 'after-sale' }, 'email', 'required'],
      [{ email: 'claire@acme.example' }, 'touchpoint', 'required'],
      [{ email: 'claire', touchpoint: 'after-sale' }, 'email', 'must be an email address'],
      [{ email: 'claire@acme.example', touchpoint: '' }, 'touchpoint', 'must not be empty'],
      [{ email: 'claire@acme.example', touchpoint: 'x', reason: 5 }, 'reason', 'must be a text'],
    ])('POST /v1/survey-requests %j is a 400 naming %s', async (body, path, message) => {
      const s = await app();
      const response = await s.api('POST', '/v1/survey-requests', body);
      expect(response.status).toBe(400);
      expect(response.body.error?.issues).toEqual([{ path, message }]);
      expect((await s.api('GET', '/v1/survey-requests')).body.requests).toEqual([]);
    });

    it.each([
      ['status=sent', 'status'],
      ['origin=robot', 'origin'],
      ['limit=0', 'limit'],
      ['cursor=bm9wZQ', 'cursor'],
    ])('GET /v1/survey-requests?%s is a 400 naming %s', async (query, path) => {
      const s = await app();
      const { status, body } = await s.api('GET', `/v1/survey-requests?${query}`);
      expect(status).toBe(400);
      expect(body.error?.issues).toEqual([{ path, message: expect.any(String) }]);
    });

    it('answers 404 for a survey request that does not exist', async () => {
      const s = await app();
      expect((await s.api('GET', '/v1/survey-requests/sr_nope')).status).toBe(404);
    });
  });
});
