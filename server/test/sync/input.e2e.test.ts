import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../store/postgres.ts';
import { API_KEY, answer, startHarness, type Harness } from './harness.ts';

describe.each(STORES)(
  'what the API accepts and how it says no (%s store)',
  (_store, storeOptions) => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(await storeOptions());
    });
    afterAll(() => h.close());

    it('says which answers were duplicates, and whether their content differed: the first wins', async () => {
      const first = answer({ score: 2 });
      expect(await h.api('POST', '/v1/answers', first)).toEqual({
        status: 202,
        body: { accepted: 1, duplicates: 0 },
      });
      const fresh = answer();
      const again = await h.api('POST', '/v1/answers', {
        answers: [first, { ...first, score: 10 }, fresh, fresh],
      });
      expect(again).toEqual({
        status: 202,
        body: {
          accepted: 1,
          duplicates: 3,
          duplicateAnswers: [
            { id: first.id, source: 'api', sameContent: true },
            { id: first.id, source: 'api', sameContent: false },
            { id: fresh.id, source: 'api', sameContent: true },
          ],
        },
      });
      const stored = await h.server.store.getAnswers([`api:${String(first.id)}`]);
      expect(stored.get(`api:${String(first.id)}`)?.score).toBe(2);
    });

    it('refuses an answer with neither a respondent nor an account, naming both', async () => {
      const response = await h.api(
        'POST',
        '/v1/answers',
        answer({ respondent: undefined, account: undefined }),
      );
      expect(response.status).toBe(400);
      expect(
        (response.body.error as { issues: { path: string }[] }).issues.map((i) => i.path),
      ).toEqual(['respondent', 'account']);
    });

    it('says "required" for a field left out, and words a list sent as the body', async () => {
      const missing = await h.api('POST', '/v1/answers', {
        id: 'no-score',
        respondent: { email: 'a@acme.example' },
      });
      expect((missing.body.error as { issues: unknown[] }).issues).toEqual([
        { path: 'score', message: 'required' },
        { path: 'answeredAt', message: 'required' },
      ]);
      const list = await h.api('POST', '/v1/answers', [answer()]);
      expect(list.status).toBe(400);
      expect((list.body.error as { message: string }).message).toBe(
        '1 problem in the request: (root): must be one answer object, or {"answers": [...]} for several, not a list',
      );
      const ratings = await h.api('POST', '/v1/ratings', [{}]);
      expect((ratings.body.error as { issues: unknown[] }).issues).toEqual([
        { path: '(root)', message: 'must be a JSON object, not a list' },
      ]);
    });

    it('tells a missing API key from a wrong one, without revealing the right one', async () => {
      const missing = await h.api('GET', '/v1/callbacks', undefined, { authorization: '' });
      const wrong = await h.api('GET', '/v1/callbacks', undefined, {
        authorization: `Bearer ${API_KEY.slice(0, -1)}x`,
      });
      const message = (r: typeof missing) => (r.body.error as { message: string }).message;
      expect([missing.status, wrong.status]).toEqual([401, 401]);
      expect(message(missing)).toContain('No API key');
      expect(message(wrong)).toContain('This API key is not valid');
      expect(message(wrong)).not.toContain(API_KEY);
    });

    it.each([['text/plain'], ['application/x-www-form-urlencoded'], [undefined]])(
      'answers 415 to a body sent as %s',
      async (type) => {
        const response = await fetch(`${h.server.url}/v1/answers`, {
          method: 'POST',
          headers: { authorization: `Bearer ${API_KEY}`, ...(type && { 'content-type': type }) },
          body: new Blob([JSON.stringify(answer())]),
        });
        expect(response.status).toBe(415);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
          'unsupported_media_type',
        );
      },
    );
  },
);

describe.each(STORES)('bad input (%s store)', (_store, storeOptions) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(await storeOptions());
  });
  afterAll(() => h.close());

  it.each([
    ['no API key', 'POST', '/v1/answers', answer(), { authorization: '' }, 401, 'unauthorized'],
    [
      'a wrong API key',
      'POST',
      '/v1/answers',
      answer(),
      { authorization: 'Bearer nope' },
      401,
      'unauthorized',
    ],
    ['invalid JSON', 'POST', '/v1/answers', '{"id":', {}, 400, 'invalid_json'],
    [
      'an unknown status filter',
      'GET',
      '/v1/callbacks?status=late',
      undefined,
      {},
      400,
      'validation_failed',
    ],
    [
      'a negative limit',
      'GET',
      '/v1/answers?status=unmatched&limit=-5',
      undefined,
      {},
      400,
      'validation_failed',
    ],
    [
      'an unknown account',
      'GET',
      '/v1/accounts/nobody.example/summary',
      undefined,
      {},
      404,
      'not_found',
    ],
    [
      'a bad window',
      'GET',
      '/v1/accounts/acme.example/summary?window=3m',
      undefined,
      {},
      400,
      'validation_failed',
    ],
    [
      'an unknown callback',
      'PATCH',
      '/v1/callbacks/nope',
      { status: 'attempted' },
      {},
      404,
      'not_found',
    ],
    ['an unknown route', 'GET', '/v1/nothing', undefined, {}, 404, 'not_found'],
  ])('answers %s with $5 $6', async (_label, method, path, body, headers, status, code) => {
    const response = await h.api(
      method as string,
      path as string,
      body,
      headers as Record<string, string>,
    );
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({
      error: { code, message: expect.any(String), issues: expect.any(Array) },
    });
  });

  it('refuses answers and ratings dated ahead of its clock, naming the field', async () => {
    const ahead = new Date(Date.now() + 86_400_000).toISOString();
    const single = await h.api('POST', '/v1/answers', answer({ id: 'ahead-1', answeredAt: ahead }));
    expect(single.status).toBe(400);
    expect((single.body.error as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(
      ['answeredAt'],
    );
    const batch = await h.api('POST', '/v1/answers', {
      answers: [answer({ id: 'ahead-2' }), answer({ id: 'ahead-3', answeredAt: ahead })],
    });
    expect((batch.body.error as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
      'answers.1.answeredAt',
    ]);
    const rating = await h.api('POST', '/v1/ratings', {
      id: 'r-ahead',
      interactionId: 'case-ahead',
      employeeEmail: 'paul@vendor.example',
      rating: 2,
      ratedAt: ahead,
    });
    expect((rating.body.error as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(
      ['ratedAt'],
    );
    expect((await h.server.store.getAnswers(['api:ahead-2'])).size).toBe(0);
    // A few minutes of clock drift are no reason to refuse an answer.
    const drift = new Date(Date.now() + 60_000).toISOString();
    expect(
      (await h.api('POST', '/v1/answers', answer({ id: 'drift-1', answeredAt: drift }))).status,
    ).toBe(202);
  });

  it.each([['0000-01-01T00:00:00Z'], ['9999-12-31T23:59:59-14:00']])(
    'refuses answeredAt %s, which Salesforce would never take',
    async (answeredAt) => {
      const response = await h.api('POST', '/v1/answers', answer({ answeredAt }));
      expect(response.status).toBe(400);
      expect(
        (response.body.error as { issues: { path: string }[] }).issues.map((i) => i.path),
      ).toEqual(['answeredAt']);
    },
  );

  it('names every invalid field of every answer of a batch, storing none', async () => {
    const response = await h.api('POST', '/v1/answers', {
      answers: [answer({ id: 'ok-1' }), answer({ score: 11, respondent: { email: 'nope' } })],
    });
    expect(response.status).toBe(400);
    expect((response.body.error as { issues: unknown[] }).issues).toEqual([
      { path: 'answers.1.respondent.email', message: 'must be an email address' },
      { path: 'answers.1.score', message: 'must be an integer from 0 to 10 for metric nps' },
    ]);
    expect((await h.server.store.getAnswers(['api:ok-1'])).size).toBe(0);
  });

  it('refuses a body over 1 MB with 413 before parsing it', async () => {
    const response = await h.api(
      'POST',
      '/v1/answers',
      JSON.stringify({ answers: [answer({ comment: 'x'.repeat(1_100_000) })] }),
    );
    expect(response).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
  });
});
