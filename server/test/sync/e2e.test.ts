import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../store/postgres.ts';
import { API_KEY, answer, startHarness, waitFor, type Harness } from './harness.ts';

const count = async (h: Harness, type: string) => ((await h.sf())[type] ?? []).length;
const hsCount = async (h: Harness, type: string) => ((await h.hs()).objects[type] ?? []).length;

describe.each(STORES)('answers in, CRM records out (%s store)', (_store, storeOptions) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(await storeOptions());
  });
  afterAll(() => h.close());

  it('writes answers, ratings, callbacks and rollups to both CRMs', async () => {
    const detractor = answer({
      id: 'det-1',
      score: 3,
      comment: 'Délai <b>beaucoup</b> trop long',
      interactionId: 'case-1',
      language: 'fr',
    });
    const promoter = answer({ id: 'pro-1', score: 10, respondent: { email: 'luc@acme.example' } });
    const passive = answer({
      id: 'pas-1',
      score: 8,
      touchpoint: 'pre-sale',
      answeredAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const csat = answer({ id: 'csat-1', metric: 'csat', score: 2 });
    const accepted = await h.api('POST', '/v1/answers', {
      answers: [detractor, promoter, passive, csat],
    });
    expect(accepted).toEqual({ status: 202, body: { accepted: 4, duplicates: 0 } });
    expect(
      await h.api('POST', '/v1/ratings', {
        id: 'r-1',
        interactionId: 'case-1',
        employeeEmail: 'paul@vendor.example',
        rating: 5,
        ratedAt: new Date().toISOString(),
      }),
    ).toEqual({ status: 202, body: { accepted: 1, duplicates: 0 } });

    await waitFor(
      async () =>
        (await count(h, 'Callback__c')) === 3 &&
        (await count(h, 'Response_Rating__c')) === 1 &&
        (await h.sf()).Account?.[0]?.NPS_Responses__c === 3,
      20_000,
      'Salesforce records',
    );
    const sf = await h.sf();
    expect(
      sf.Survey_Response__c?.map((r) => [
        r.External_Id__c,
        r.Score__c,
        r.Category__c,
        r.Account__c,
      ]).sort(),
    ).toEqual([
      ['api:csat-1', 2, 'Dissatisfied', h.ids.account],
      ['api:det-1', 3, 'Detractor', h.ids.account],
      ['api:pas-1', 8, 'Passive', h.ids.account],
      ['api:pro-1', 10, 'Promoter', h.ids.account],
    ]);
    const detractorRecord = sf.Survey_Response__c?.find((r) => r.External_Id__c === 'api:det-1');
    expect(detractorRecord).toMatchObject({
      Comment__c: 'Délai <b>beaucoup</b> trop long',
      Metric__c: 'NPS',
      NPS__c: 3,
      Touchpoint__c: 'after-sale',
      Language__c: 'fr',
      Interaction_Id__c: 'case-1',
      Source__c: 'api',
      // Read from the comment at sync time, written in the same upsert.
      Themes__c: 'delays',
      Sentiment__c: 'Negative',
    });
    const callbacks = Object.fromEntries((sf.Callback__c ?? []).map((c) => [c.Kind__c, c]));
    expect(callbacks['Detractor recovery']).toMatchObject({
      Status__c: 'Open',
      Assignee__c: h.ids.owner,
      SLA_Hours__c: 24,
      Survey_Response__c: detractorRecord?.Id,
    });
    expect(callbacks['Promoter thanks']).toMatchObject({
      Assignee__c: h.ids.owner,
      SLA_Hours__c: 72,
    });
    expect(callbacks.Dissonance).toMatchObject({ Assignee__c: h.ids.manager, SLA_Hours__c: 48 });
    expect(sf.Response_Rating__c?.[0]).toMatchObject({
      Rating__c: 5,
      Dissonance__c: 'Dissonance',
      Employee__c: h.ids.owner,
      Survey_Response__c: detractorRecord?.Id,
    });
    // NPS over promoter, passive and detractor: (1 − 1) / 3 = 0.
    expect(sf.Account?.[0]).toMatchObject({
      NPS_Score__c: 0,
      NPS_Responses__c: 3,
      Last_Survey_Score__c: 8,
      Open_Callbacks__c: 3,
    });

    await waitFor(
      async () =>
        (await hsCount(h, 'tasks')) === 3 && (await hsCount(h, 'boucle_survey_response')) === 4,
      20_000,
      'HubSpot records',
    );
    const hs = await h.hs();
    expect(
      hs.objects.boucle_survey_response?.find(
        (r) => r.properties.boucle_external_id === 'api:det-1',
      )?.properties,
    ).toMatchObject({
      boucle_score: '3',
      boucle_category: 'Detractor',
      boucle_comment: 'Délai <b>beaucoup</b> trop long',
      boucle_themes: 'delays',
      boucle_sentiment: 'negative',
    });
    expect(hs.objects.tasks?.map((t) => t.properties.boucle_callback_kind).sort()).toEqual([
      'detractor_recovery',
      'dissonance',
      'promoter_thanks',
    ]);
    expect(
      hs.objects.tasks?.every(
        (t) => t.properties.hs_task_type === 'CALL' && t.properties.hubspot_owner_id === '501',
      ),
    ).toBe(true);
    expect(
      hs.associations.filter((a) => a.from.startsWith('tasks:') && a.to.startsWith('contacts:')),
    ).toHaveLength(3);
    await waitFor(
      async () => (await h.hs()).objects.companies?.[0]?.properties.boucle_nps === '0',
      10_000,
      'company rollup',
    );
  });

  it('treats the same answers sent again as duplicates, writing nothing new', async () => {
    const again = await h.api('POST', '/v1/answers', {
      answers: [answer({ id: 'det-1', score: 3 }), answer({ id: 'pro-1', score: 10 })],
    });
    expect(again).toMatchObject({ status: 202, body: { accepted: 0, duplicates: 2 } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await count(h, 'Survey_Response__c')).toBe(4);
    expect(await hsCount(h, 'boucle_survey_response')).toBe(4);
  });

  it('summarizes the account for its card, by domain or CRM id', async () => {
    const byDomain = await h.api('GET', '/v1/accounts/acme.example/summary');
    expect(byDomain.status).toBe(200);
    expect(byDomain.body).toMatchObject({
      overall: { n: 3, nps: 0, lowSample: true, csat: { n: 1, csat: 0 } },
      window: { days: 90 },
    });
    expect((byDomain.body.verbatims as { comment: string }[])[0]?.comment).toBe(
      'Délai <b>beaucoup</b> trop long',
    );
    expect((byDomain.body.openCallbacks as unknown[]).length).toBeGreaterThanOrEqual(3);
    const byId = await h.api('GET', `/v1/accounts/${h.ids.account}/summary?window=30d`);
    expect(byId.body).toMatchObject({ overall: { n: 3 }, window: { days: 30 } });
  });

  it('logs a callback outcome, refusing moves the state machine forbids, and syncs it', async () => {
    const { body } = await h.api('GET', '/v1/callbacks?status=open');
    const callback = (body.callbacks as { id: string; kind: string; crm: string }[]).find(
      (c) => c.kind === 'detractor_recovery' && c.crm === 'salesforce',
    );
    const refused = await h.api(
      'PATCH',
      `/v1/callbacks/${encodeURIComponent(callback?.id as string)}`,
      { status: 'resolved', outcome: 'x' },
    );
    expect(refused).toMatchObject({
      status: 409,
      body: {
        error: {
          code: 'invalid_transition',
          message: 'a callback cannot go from Open to Resolved',
        },
      },
    });
    const reached = await h.api(
      'PATCH',
      `/v1/callbacks/${encodeURIComponent(callback?.id as string)}`,
      { status: 'reached', outcome: 'Avoir accordé', rootCause: 'Facturation' },
    );
    expect(reached).toMatchObject({
      status: 200,
      body: { status: 'reached', slaStatus: 'met', outcome: 'Avoir accordé' },
    });
    await waitFor(
      async () =>
        (await h.sf()).Callback__c?.some(
          (c) => c.Status__c === 'Reached' && c.Root_Cause__c === 'Facturation',
        ) ?? false,
      10_000,
      'callback update',
    );
  });

  it('writes an answer whose id fills its 255 characters, and its callback, under keys that fit', async () => {
    const id = `long-${'é'.repeat(250)}`;
    expect((await h.api('POST', '/v1/answers', answer({ id, score: 1 }))).status).toBe(202);
    const ref = `api:${id}`;
    const callbackId = `salesforce:${ref}:detractor_recovery`;
    await waitFor(
      async () =>
        Boolean((await h.server.store.getCallback(callbackId))?.crmId) &&
        ((await h.hs()).objects.tasks ?? []).some((t) =>
          t.properties.boucle_external_id?.startsWith('hubspot:api:long-'),
        ),
      20_000,
      'the long answer and its callbacks in both CRMs',
    );
    const sf = await h.sf();
    const keys = [
      ...(sf.Survey_Response__c ?? []).map((r) => String(r.External_Id__c)),
      ...(sf.Callback__c ?? []).map((r) => String(r.External_Id__c)),
    ].filter((key) => key.includes('long-'));
    expect(keys).toHaveLength(2);
    expect(keys.every((key) => key.length <= 255)).toBe(true);
    expect(keys[0]).toMatch(/^api:long-é+#[0-9a-f]{32}$/);
    expect(new Set(keys).size).toBe(2);
    expect(await h.server.store.listDead(10)).toEqual([]);
  });

  it('lists callbacks by any state of the state machine, `open` being every loop not closed', async () => {
    const open = (await h.api('GET', '/v1/callbacks?status=open')).body.callbacks as {
      status: string;
    }[];
    expect(open.map((c) => c.status)).toContain('reached');
    expect(open.every((c) => !['resolved', 'closed_no_contact'].includes(c.status))).toBe(true);
    for (const status of ['attempted', 'reached', 'resolved', 'escalated', 'closed_no_contact']) {
      const response = await h.api('GET', `/v1/callbacks?status=${status}`);
      expect(response.status).toBe(200);
      const listed = response.body.callbacks as { status: string }[];
      expect(listed.every((c) => c.status === status)).toBe(true);
      if (status === 'reached') expect(listed.length).toBeGreaterThan(0);
    }
  });

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

  it('parks an answer whose respondent is not in the CRM, and writes it once they appear', async () => {
    await h.api(
      'POST',
      '/v1/answers',
      answer({
        id: 'new-1',
        respondent: { email: 'zoe@newco.example' },
        account: { domain: 'newco.example' },
      }),
    );
    await waitFor(
      async () =>
        ((await h.api('GET', '/v1/answers?status=unmatched')).body.answers as unknown[]).length ===
        2,
      10_000,
      'parked answer',
    );
    const parked = (await h.api('GET', '/v1/answers?status=unmatched')).body.answers as {
      crm: string;
      reason: string;
      answer: { id: string };
    }[];
    expect(parked.map((p) => [p.crm, p.answer.id]).sort()).toEqual([
      ['hubspot', 'new-1'],
      ['salesforce', 'new-1'],
    ]);
    expect(parked[0]?.reason).toContain('zoe@newco.example / newco.example');
    h.emulators.salesforce.org.create('Account', { Name: 'NewCo', Website: 'newco.example' });
    h.emulators.hubspot.portal.create('companies', {
      properties: { name: 'NewCo', domain: 'newco.example' },
    });
    await waitFor(
      async () =>
        (await h.sf()).Survey_Response__c?.some((r) => r.External_Id__c === 'api:new-1') ?? false,
      10_000,
      'unparked answer',
    );
    await waitFor(
      async () =>
        ((await h.api('GET', '/v1/answers?status=unmatched')).body.answers as unknown[]).length ===
        0,
      10_000,
      'nothing parked',
    );
  });
});

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
