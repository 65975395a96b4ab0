import { mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { previewPage } from '../../src/preview/page.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { waitFor } from '../sync/harness.ts';

// The preview's server side, without a browser: the page, its Lightning Data Service bridge to
// the Salesforce emulator, and the HubSpot card data it fetches signed.

let server: RunningServer;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'boucle-bridge-'));
  server = await startServer(
    loadConfig({ PORT: '0', BOUCLE_DB: join(dir, 'boucle.db'), BOUCLE_LOG_LEVEL: 'silent' }),
    { logger: pino({ level: 'silent' }), feedbackPollMs: 0 },
  );
  await server.demoReady;
}, 60_000);

afterAll(() => server.close());

const post = (path: string, body: string) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });

describe('the demo', () => {
  it('puts escalated and overdue callbacks in the queue, beside open, attempted and reached ones', async () => {
    const now = new Date().toISOString();
    const queue = await server.store.listCallbacks({ now, limit: 1000 });
    expect([...new Set(queue.map((c) => c.status))].sort()).toEqual([
      'attempted',
      'escalated',
      'open',
      'reached',
    ]);
    expect((await server.store.listCallbacks({ now, status: 'overdue' })).length).toBeGreaterThan(
      0,
    );
  });
});

describe('the preview page', () => {
  it('has an icon, so that the browser asking for /favicon.ico gets no 404', async () => {
    for (const path of ['/favicon.ico', '/preview/favicon.svg']) {
      const icon = await fetch(`${server.url}${path}`);
      expect(icon.status).toBe(200);
      expect(icon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      expect(await icon.text()).toContain('<svg');
    }
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).toContain('<link rel="icon" type="image/svg+xml" href="/preview/favicon.svg">');
  });

  it('is served at / in English and French, with its context as inert JSON', async () => {
    await server.previewReady;
    const english = await fetch(`${server.url}/`);
    expect(english.status).toBe(200);
    expect(english.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await english.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('/preview/slds/styles/salesforce-lightning-design-system.min.css');
    const context = JSON.parse(
      /<script type="application\/json" id="boucle-preview">(.*?)<\/script>/.exec(html)?.[1] ?? '',
    );
    expect(context).toMatchObject({
      language: 'en',
      accountKey: 'acme-industrie.example',
      accountId: expect.stringMatching(/^001/),
      callbackId: expect.any(String),
      userId: expect.stringMatching(/^005/),
    });
    // The signed-in user is a manager: someone reports to them, so the team overview has a team,
    // and the callback in the logger is in their queue (theirs or a report's).
    const state = (await (
      await fetch(`${server.emulators?.salesforceUrl}/__emulator/state`)
    ).json()) as {
      objects: {
        User: { Id: string; ManagerId?: string | null }[];
        Callback__c: { Id: string; Assignee__c: string }[];
      };
    };
    const team = state.objects.User.filter((user) => user.ManagerId === context.userId);
    expect(team.length).toBeGreaterThan(0);
    const assignee = state.objects.Callback__c.find(
      (c) => c.Id === context.callbackId,
    )?.Assignee__c;
    expect([context.userId, ...team.map((user) => user.Id)]).toContain(assignee);
    // The page says what is emulated, in both languages.
    expect(html).toContain('What is emulated here');
    const french = await (await fetch(`${server.url}/?lang=fr`)).text();
    expect(french).toContain('Aperçu de Boucle');
    expect(french).toContain('Ce qui est émulé ici');
    const script = await fetch(`${server.url}/preview/app.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(100_000);
    const css = await fetch(
      `${server.url}/preview/slds/styles/salesforce-lightning-design-system.min.css`,
    );
    expect(css.status).toBe(200);
  }, 120_000);

  it('passes GraphQL queries to the org and its errors back, as Lightning Data Service gets them', async () => {
    const ok = await post(
      '/preview/api/salesforce/graphql',
      JSON.stringify({
        query:
          'query { uiapi { query { Account(first: 1) { edges { node { Name { value } } } } } } }',
      }),
    );
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as {
      data: { uiapi: { query: { Account: { edges: unknown[] } } } };
    };
    expect(body.data.uiapi.query.Account.edges).toHaveLength(1);
    const wrong = (await (
      await post(
        '/preview/api/salesforce/graphql',
        JSON.stringify({
          query: 'query { uiapi { query { Account { edges { node { Nope { value } } } } } } }',
        }),
      )
    ).json()) as { errors: { message: string }[] };
    expect(wrong.errors[0]?.message).toMatch(/Nope/);
  });

  it('answers bad requests to the bridge with a 4xx that says why', async () => {
    const notJson = await post('/preview/api/salesforce/graphql', '{not json');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toMatch(
      /JSON/,
    );
    const method = await fetch(`${server.url}/preview/api/salesforce/records/a01000000000001AAA`, {
      method: 'DELETE',
    });
    expect(method.status).toBe(405);
    const missing = await fetch(
      `${server.url}/preview/api/salesforce/records/a0X000000000000AAA?fields=Callback__c.Status__c`,
    );
    expect(missing.status).toBe(404);
    const badValue = await fetch(
      `${server.url}/preview/api/salesforce/records/${
        (
          JSON.parse(
            /id="boucle-preview">(.*?)<\/script>/.exec(
              await (await fetch(`${server.url}/`)).text(),
            )?.[1] ?? '{}',
          ) as { callbackId: string }
        ).callbackId
      }`,
      {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fields: { Status__c: 'Maybe' } }),
      },
    );
    expect(badValue.status).toBe(400);
    const error = (await badValue.json()) as { output: { fieldErrors: Record<string, unknown[]> } };
    expect(error.output.fieldErrors.Status__c).toHaveLength(1);
  });

  it("serves the HubSpot company card's data, through the signed /hubspot backend", async () => {
    const response = await fetch(`${server.url}/preview/api/hubspot/company`);
    expect(response.status).toBe(200);
    const card = (await response.json()) as { company: { name: string }; overall: { n: number } };
    expect(card.company.name).toBe('Acme Industrie');
    expect(card.overall.n).toBeGreaterThan(0);
    // Unsigned, the same backend refuses: the preview does not open a side door.
    const portal = (await (
      await fetch(`${server.emulators?.hubspotUrl}/account-info/v3/details`, {
        headers: { authorization: 'Bearer pat-sandbox' },
      })
    ).json()) as { portalId: number };
    const unsigned = await fetch(
      `${server.url}/hubspot/companies/1/summary?portalId=${portal.portalId}`,
    );
    expect(unsigned.status).toBe(401);
  });

  it("shows the verbatims' themes and sentiment and the account's irritants on the HubSpot card", async () => {
    const response = await fetch(`${server.url}/preview/api/hubspot/company`);
    const card = (await response.json()) as {
      verbatims: { sentiment: string; themes: { theme: string; label: { en: string } }[] }[];
      irritants: { theme: string; unhappyCount: number }[];
    };
    expect(card.verbatims.length).toBeGreaterThan(0);
    for (const verbatim of card.verbatims) {
      expect(['positive', 'neutral', 'negative']).toContain(verbatim.sentiment);
      expect(verbatim.themes.length).toBeGreaterThan(0);
    }
    expect(card.irritants.length).toBeGreaterThan(0);
    expect(card.irritants[0]?.unhappyCount).toBeGreaterThan(0);
  });
});

describe('the demo in both emulators', () => {
  const state = async (url: string | undefined) =>
    (await (await fetch(`${url}/__emulator/state`)).json()) as Record<string, unknown>;

  it(
    'gives every demo verbatim themes and a sentiment in Salesforce and HubSpot',
    { timeout: 150_000 },
    async () => {
      const sf = (await state(server.emulators?.salesforceUrl)) as {
        objects: Record<string, Record<string, unknown>[]>;
      };
      const withComment = (sf.objects.Survey_Response__c ?? []).filter((r) => r.Comment__c);
      expect(withComment.length).toBeGreaterThan(100);
      for (const record of withComment) {
        expect(record.Themes__c, String(record.Comment__c)).toMatch(/^[a-z_]+(;[a-z_]+)*$/);
        expect(['Positive', 'Neutral', 'Negative']).toContain(record.Sentiment__c);
      }
      type HubSpotState = { objects: Record<string, { properties: Record<string, string> }[]> };
      const hubspotResponses = async () =>
        (
          ((await state(server.emulators?.hubspotUrl)) as HubSpotState).objects
            .boucle_survey_response ?? []
        ).filter((r) => r.properties.boucle_comment);
      // HubSpot's rate limit makes its side of the demo finish after Salesforce's.
      await waitFor(
        async () => (await hubspotResponses()).length === withComment.length,
        120_000,
        'the demo in HubSpot',
      );
      const responses = await hubspotResponses();
      for (const { properties } of responses) {
        expect(properties.boucle_themes, properties.boucle_comment).toMatch(/^[a-z_]+(;[a-z_]+)*$/);
        expect(['positive', 'neutral', 'negative']).toContain(properties.boucle_sentiment);
      }
    },
  );

  it(
    "gives the account card the server's org-wide norm, from every demo answer of 90 days",
    { timeout: 60_000 },
    async () => {
      const normQuery = JSON.stringify({
        query: `query { uiapi { query { norm: NPS_Norm__c(where: { External_Id__c: { eq: "org" } }, first: 1) {
          edges { node { nps: NPS__c { value } responses: Responses__c { value } } } } } } }`,
      });
      type Norm = { nps: { value: number }; responses: { value: number } };
      const read = async () =>
        (
          (await (await post('/preview/api/salesforce/graphql', normQuery)).json()) as {
            data: { uiapi: { query: { norm: { edges: { node: Norm }[] } } } };
          }
        ).data.uiapi.query.norm.edges[0]?.node;
      // Independently: the NPS answers of the last 90 days in the org, by category.
      const expected = async () => {
        const sf = (await state(server.emulators?.salesforceUrl)) as {
          objects: Record<string, Record<string, unknown>[]>;
        };
        const since = Date.now() - 90 * 86_400_000;
        const recent = (sf.objects.Survey_Response__c ?? []).filter(
          (r) => r.Metric__c === 'NPS' && Date.parse(String(r.Answered_At__c)) > since,
        );
        const share = (category: string) =>
          recent.filter((r) => r.Category__c === category).length / recent.length;
        return {
          n: recent.length,
          nps: Math.round((share('Promoter') - share('Detractor')) * 1000) / 10,
        };
      };
      await waitFor(
        async () => (await read())?.responses.value === (await expected()).n,
        50_000,
        'the org-wide norm',
      );
      const { n, nps } = await expected();
      expect(n).toBeGreaterThan(0);
      expect(await read()).toEqual({ nps: { value: nps }, responses: { value: n } });
    },
  );
});

describe('the preview bridge and DNS rebinding', () => {
  /** A request naming `host` in its Host header, as a rebinding page's browser would send it. */
  const asHost = (host: string, method: string, path: string, body?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        `${server.url}${path}`,
        { method, headers: { host, 'content-type': 'application/json' } },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  const port = () => new URL(server.url).port;

  it.each([
    ['GET', '/'],
    ['POST', '/preview/api/salesforce/graphql'],
    ['GET', '/preview/api/salesforce/records/001000000000001AAA'],
    ['PATCH', '/preview/api/salesforce/records/001000000000001AAA'],
    ['GET', '/preview/api/hubspot/company'],
  ])('refuses %s %s under another name than the loopback one', async (method, path) => {
    const body =
      method === 'GET'
        ? undefined
        : '{"query": "{ uiapi { query { Account { edges { node { Id } } } } } }"}';
    for (const host of [`rebound.attacker.example:${port()}`, 'rebound.attacker.example']) {
      const response = await asHost(host, method, path, body);
      expect(response.status).toBe(403);
      expect(JSON.parse(response.body).error.code).toBe('forbidden_host');
    }
  });

  it('answers under 127.0.0.1 and localhost with the port it listens on', async () => {
    expect((await asHost(`localhost:${port()}`, 'GET', '/')).status).toBe(200);
    expect((await asHost(`127.0.0.1:${port()}`, 'GET', '/')).status).toBe(200);
    expect((await asHost(`localhost:${Number(port()) + 9}`, 'GET', '/')).status).toBe(403);
  });
});

describe('the preview page while its components compile', () => {
  it('says so and reloads itself; a failed build says why, as text', () => {
    const building = previewPage({ language: 'en', building: true });
    expect(building).toContain('<meta http-equiv="refresh" content="3">');
    expect(building).toContain('Compiling the Lightning components');
    const failed = previewPage({ language: 'fr', failed: '<script>x</script> not found' });
    expect(failed).toContain('L’aperçu n’a pas pu être construit');
    expect(failed).toContain('&#60;script&#62;x&#60;/script&#62; not found');
    expect(failed).not.toContain('<script>x');
  });
});
