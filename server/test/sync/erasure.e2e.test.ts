import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { SURVEY_OBJECT } from '../../src/crm/hubspot/setup.ts';
import { startEmulators, type RunningEmulators } from '../../src/emulators/start.ts';
import type { SqliteStore } from '../../src/store/sqlite.ts';
import { API_KEY, answer, spawnWorker, startHarness, waitFor, type Harness } from './harness.ts';

// An erasure end to end over HTTP: a person's answers, rating and callbacks written to both
// emulators, then erased; every trace of them looked for in the store's tables and in the
// emulators' full state (archived HubSpot records included: HubSpot keeps them 90 days).

const CLAIRE = 'claire@acme.example';
const VERBATIM = 'Claire Martin ici : livraison en retard de trois semaines';
const PRAISE = 'Merci à Claire pour sa patience';
const RATING_COMMENT = 'Claire était furieuse au téléphone';
const NOTES = 'Rappelée, Claire attend un avoir';
/** What must be gone: her address, her name, her words, the manager's notes about her. */
const TRACES = ['claire', 'martin', 'livraison', 'patience', 'furieuse', 'avoir'];

const BOUCLE_SF = ['Survey_Response__c', 'Response_Rating__c', 'Callback__c'];
const BOUCLE_HS = [SURVEY_OBJECT, 'notes', 'tasks'];

/** Every table of the SQLite store, as text (the tombstone's hash is not the address). */
function storeDump(h: Harness): string {
  const db = (h.server.store as SqliteStore).db;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
    name: string;
  }[];
  return JSON.stringify(tables.map((t) => db.prepare(`SELECT * FROM "${t.name}"`).all()));
}

async function boucleRecords(h: Harness) {
  const sf = await h.sf();
  const hs = await h.hs();
  return {
    sf: Object.fromEntries(BOUCLE_SF.map((type) => [type, sf[type] ?? []])),
    hs: Object.fromEntries(BOUCLE_HS.map((type) => [type, hs.objects[type] ?? []])),
  };
}

const noTrace = (text: string) => {
  for (const trace of TRACES) expect(text.toLowerCase()).not.toContain(trace);
};

/** Claire's two answers (a detractor with a callback, a promoter), a rating, and Luc's answer. */
async function claireEverywhere(h: Harness) {
  const answeredAt = new Date(Date.now() - 3_600_000).toISOString();
  const answers = [
    answer({
      id: 'resp-101',
      score: 3,
      comment: VERBATIM,
      interactionId: 'case-77',
      respondent: { email: CLAIRE, name: 'Claire Martin' },
      answeredAt,
    }),
    answer({ id: 'resp-102', score: 10, comment: PRAISE, respondent: { email: CLAIRE } }),
    answer({
      id: 'resp-201',
      score: 8,
      comment: 'Correct',
      respondent: { email: 'luc@acme.example' },
    }),
  ];
  expect((await h.api('POST', '/v1/answers', { answers })).status).toBe(202);
  const rated = await h.api('POST', '/v1/ratings', {
    id: 'rating-77',
    interactionId: 'case-77',
    employeeEmail: 'paul@vendor.example',
    rating: 5,
    comment: RATING_COMMENT,
    ratedAt: new Date().toISOString(),
  });
  expect(rated.status).toBe(202);
  const settled = async () => {
    const open = await h.server.store.openJobCounts();
    return Object.entries(open).every(([key, n]) => key.endsWith('.dead') || n === 0);
  };
  await waitFor(
    async () => {
      const { sf, hs } = await boucleRecords(h);
      return (
        sf.Survey_Response__c!.length === 3 &&
        sf.Response_Rating__c!.length === 1 &&
        hs[SURVEY_OBJECT]!.length === 3 &&
        hs.notes!.length === 1 &&
        (await settled())
      );
    },
    30_000,
    "Claire's answers, rating and callbacks in both CRMs",
  );
  const recovery = (await h.server.store.listCallbacks({ now: new Date().toISOString() })).find(
    (c) => c.kind === 'detractor_recovery' && c.links.some((l) => l.crm === 'salesforce'),
  );
  const logged = await h.api('PATCH', `/v1/callbacks/${recovery?.id}`, {
    status: 'reached',
    notes: NOTES,
  });
  expect(logged.status).toBe(200);
  await waitFor(
    async () => JSON.stringify((await h.sf()).Callback__c).includes(NOTES) && (await settled()),
    20_000,
    "the manager's notes in Salesforce",
  );
  const callbacks = await h.server.store.callbacksCreatedSince('1970-01-01T00:00:00Z');
  return {
    callbacks: callbacks.length,
    // One callback per answer and kind, with a side in each CRM it is written to.
    salesforce: callbacks.filter((c) => c.links.some((l) => l.crm === 'salesforce')).length,
    hubspot: callbacks.filter((c) => c.links.some((l) => l.crm === 'hubspot')).length,
  };
}

async function erase(h: Harness, email = 'Claire@Acme.example') {
  const requested = await h.api('POST', '/v1/erasures', { email });
  expect(requested.status).toBe(202);
  const id = String(requested.body.id);
  await waitFor(
    async () => (await h.api('GET', `/v1/erasures/${id}`)).body.status !== 'pending',
    30_000,
    'the erasure in both CRMs',
  );
  return (await h.api('GET', `/v1/erasures/${id}`)).body;
}

describe('erasure', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('erases the survey requests asked for the person and their survey.requested announcements', async () => {
    h = await startHarness();
    const asked = await h.api('POST', '/v1/survey-requests', {
      email: CLAIRE,
      touchpoint: 'after_sale',
      reason: 'renewal',
    });
    expect(asked.status).toBe(201);
    expect(storeDump(h)).toContain('claire');
    await erase(h);
    noTrace(storeDump(h));
    expect((await h.api('GET', '/v1/survey-requests')).body.requests).toEqual([]);
  });

  it('leaves no trace of the person in the store, Salesforce or HubSpot, and refuses their old answers later', async () => {
    h = await startHarness();
    const callbacks = await claireEverywhere(h);
    expect(callbacks.salesforce).toBeGreaterThan(0);
    const lastScore = () =>
      h?.emulators.hubspot.portal.list('contacts').find((c) => c.properties.email === CLAIRE)
        ?.properties.boucle_last_score ?? '';
    await waitFor(
      async () => (await h?.sf())?.Account?.[0]?.NPS_Responses__c === 3 && lastScore() !== '',
      20_000,
      'the rollups with her answers',
    );
    const erasure = await erase(h);
    expect(erasure).toMatchObject({
      status: 'done',
      origin: 'api',
      keepStatistics: false,
      found: { answers: 2, ratings: 1, callbacks: callbacks.callbacks },
      crms: { salesforce: { state: 'done' }, hubspot: { state: 'done' } },
    });
    noTrace(JSON.stringify(erasure));
    noTrace(storeDump(h));
    const { sf, hs } = await boucleRecords(h);
    noTrace(JSON.stringify(sf));
    noTrace(JSON.stringify(hs)); // archived records included
    // Answers and rating deleted; Luc's answer and the callbacks (redacted) stay.
    expect(sf.Survey_Response__c!.map((r) => r.External_Id__c)).toEqual(['api:resp-201']);
    expect(sf.Response_Rating__c).toEqual([]);
    expect(sf.Callback__c).toHaveLength(callbacks.salesforce);
    expect(sf.Callback__c!.every((c) => !c.Notes__c && !c.Contact__c)).toBe(true);
    const portal = h.emulators.hubspot.portal;
    expect(portal.list(SURVEY_OBJECT).map((r) => r.properties.boucle_external_id)).toEqual([
      'api:resp-201',
    ]);
    expect(portal.list('notes')).toEqual([]);
    expect(portal.list('tasks')).toHaveLength(callbacks.hubspot);
    // The account's NPS no longer counts her answers, in either CRM; her contact's last score is gone.
    await waitFor(
      async () =>
        (await h?.sf())?.Account?.[0]?.NPS_Responses__c === 1 &&
        portal.list('companies')[0]?.properties.boucle_nps_responses === '1',
      20_000,
      'the rollups without her answers',
    );
    expect(lastScore()).toBe('');
    // The CRMs' own contacts are not Boucle's to delete.
    expect(h.emulators.salesforce.org.rows('Contact').some((c) => c.Email === CLAIRE)).toBe(true);

    // Her old answers delivered again: by the API, and in a file import.
    const again = await h.api('POST', '/v1/answers', {
      answers: [
        answer({ id: 'resp-101', score: 3, comment: VERBATIM, respondent: { email: CLAIRE } }),
      ],
    });
    expect(again.body).toEqual({ accepted: 0, duplicates: 0, erased: 1 });
    const file = join(mkdtempSync(join(tmpdir(), 'boucle-erased-')), 'old.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify(answer({ id: 'resp-100', comment: VERBATIM, respondent: { email: CLAIRE } }))}\n`,
    );
    let out = '';
    const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (out += t) };
    expect(
      await runCli(['import', file, '--no-progress'], io, undefined, {
        BOUCLE_DB: h.config.dbPath,
        BOUCLE_API_KEY: 'test-key-0123456789abcdef',
        HUBSPOT_ACCESS_TOKEN: 'pat-sandbox',
        HUBSPOT_BASE_URL: h.emulators.hubspotUrl,
      }),
    ).toBe(0);
    expect(out).toContain('1 answer refused (their respondent was erased on request)');
    noTrace(storeDump(h));
  });

  it('keeps the scores, anonymised and unlinked from the contact, when statistics are kept', async () => {
    h = await startHarness({ erasureKeepStatistics: true });
    await claireEverywhere(h);
    expect(await erase(h)).toMatchObject({ status: 'done', keepStatistics: true });
    const { sf, hs } = await boucleRecords(h);
    noTrace(JSON.stringify(sf));
    noTrace(JSON.stringify(hs));
    noTrace(storeDump(h));
    const responses = sf.Survey_Response__c!;
    expect(responses.map((r) => [r.External_Id__c, r.Score__c]).sort()).toEqual([
      ['api:resp-101', 3],
      ['api:resp-102', 10],
      ['api:resp-201', 8],
    ]);
    expect(responses.filter((r) => r.Contact__c).map((r) => r.External_Id__c)).toEqual([
      'api:resp-201',
    ]);
    expect(sf.Response_Rating__c!.map((r) => [r.Rating__c, r.Comment__c ?? null])).toEqual([
      [5, null],
    ]);
    const portal = h.emulators.hubspot.portal;
    const kept = portal
      .list(SURVEY_OBJECT)
      .filter((r) => String(r.properties.boucle_external_id).startsWith('api:resp-10'));
    expect(kept.map((r) => r.properties.boucle_score).sort()).toEqual(['10', '3']);
    for (const record of kept) {
      expect(portal.associated(SURVEY_OBJECT, record.id, 'contacts')).toEqual([]);
      expect(portal.associated(SURVEY_OBJECT, record.id, 'companies')).toHaveLength(1);
    }
    expect((await h.api('GET', '/v1/accounts/acme.example/summary')).body).toMatchObject({
      overall: { n: 3 },
    });
  });

  it('dead-letters the erasure in a CRM that refuses the delete, with its reason, and completes the other', async () => {
    h = await startHarness();
    await claireEverywhere(h);
    const faults = (rules: unknown[]) =>
      fetch(`${h?.emulators.salesforceUrl}/__emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rules }),
      });
    await faults([
      {
        match: 'DELETE /services/data',
        recordErrorCode: 'INSUFFICIENT_ACCESS_OR_READONLY',
        message: 'insufficient access rights on object id',
      },
    ]);
    const erasure = await erase(h);
    expect(erasure).toMatchObject({
      status: 'incomplete',
      crms: { salesforce: { state: 'dead' }, hubspot: { state: 'done' } },
    });
    const reason = (erasure.crms as Record<string, { detail: string }>).salesforce?.detail;
    expect(reason).toContain('INSUFFICIENT_ACCESS_OR_READONLY: insufficient access rights');
    // The verbatims were cleared before the delete was refused.
    noTrace(JSON.stringify((await boucleRecords(h)).sf));
    const dead = await h.server.store.listDead(10);
    expect(dead.map((j) => [j.crm, j.kind, j.ref])).toEqual([
      ['salesforce', 'erasure', erasure.id],
    ]);
    await faults([]);
    expect(await h.server.store.replay('all', Date.now())).toBe(1);
    h.server.engine.poke();
    await waitFor(
      async () => (await h?.api('GET', `/v1/erasures/${erasure.id}`))?.body.status === 'done',
      20_000,
      'the replayed erasure',
    );
    expect((await h.sf()).Survey_Response__c!.map((r) => r.External_Id__c)).toEqual([
      'api:resp-201',
    ]);
  });

  it('dead-letters the erasure in HubSpot when it refuses the archive, and completes Salesforce', async () => {
    h = await startHarness();
    await claireEverywhere(h);
    await fetch(`${h.emulators.hubspotUrl}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        rules: [
          {
            match: 'batch/archive',
            status: 403,
            errorCode: 'MISSING_SCOPES',
            message: 'This app has not been granted all required scopes',
          },
        ],
      }),
    });
    const erasure = await erase(h);
    expect(erasure).toMatchObject({
      status: 'incomplete',
      crms: { salesforce: { state: 'done' }, hubspot: { state: 'dead' } },
    });
    expect((erasure.crms as Record<string, { detail: string }>).hubspot?.detail).toContain(
      'This app has not been granted all required scopes',
    );
    noTrace(JSON.stringify((await boucleRecords(h)).hs));
  });

  it('erases answer notes on a HubSpot portal without custom objects, keeping the score in the note when statistics are kept', async () => {
    h = await startHarness({ customObjects: false, erasureKeepStatistics: true });
    await h.api('POST', '/v1/answers', {
      answers: [
        answer({ id: 'resp-301', score: 6, comment: VERBATIM, respondent: { email: CLAIRE } }),
      ],
    });
    const notes = () => h?.emulators.hubspot.portal.list('notes') ?? [];
    await waitFor(
      () => notes().some((n) => String(n.properties.hs_note_body).includes(VERBATIM)),
      20_000,
      'the answer as a note',
    );
    expect(await erase(h)).toMatchObject({ status: 'done' });
    noTrace(JSON.stringify((await h.hs()).objects.notes));
    expect(notes().map((n) => n.properties.hs_note_body)).toEqual([
      'Survey answer (NPS 6, Detractor, after-sale)',
    ]);
  });

  it.each([
    ['a malformed e-mail', { email: 'claire-at-acme' }],
    ['no e-mail', {}],
    ['an unknown field', { email: CLAIRE, name: 'Claire' }],
  ])('refuses %s with 400 naming the field', async (_label, body) => {
    h ??= await startHarness();
    const response = await h.api('POST', '/v1/erasures', body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'validation_failed' } });
    const issues = (response.body.error as { issues: { path: string }[] }).issues;
    expect(issues.map((i) => i.path)).toEqual([
      Object.keys(body).includes('name') ? 'name' : 'email',
    ]);
  });

  it('answers an unknown e-mail with 202, nothing to erase, and the same erasure when asked twice', async () => {
    h = await startHarness();
    const first = await h.api('POST', '/v1/erasures', { email: 'nobody@acme.example' });
    const second = await h.api('POST', '/v1/erasures', { email: ' Nobody@ACME.example ' });
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.body.id).toBe(first.body.id);
    expect((await h.api('GET', `/v1/erasures/${first.body.id}`)).body).toMatchObject({
      status: 'nothing_to_erase',
      found: { answers: 0, ratings: 0, callbacks: 0 },
      crms: {
        salesforce: { state: 'done', detail: 'nothing to erase' },
        hubspot: { state: 'done', detail: 'nothing to erase' },
      },
    });
    expect((await h.api('GET', '/v1/erasures/era_unknown')).status).toBe(404);
    const openapi = (await (await fetch(`${h.server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/v1/erasures', '/v1/erasures/{id}']),
    );
    expect(JSON.stringify(openapi.paths['/v1/erasures']?.post?.requestBody)).toContain(
      '"required":["email"]',
    );
  });

  it('completes after the worker is killed (SIGKILL) in the middle of the erasure', async () => {
    const emulators: RunningEmulators = await startEmulators({ hubspot: { burstLimit: 10_000 } });
    const workers: ReturnType<typeof spawnWorker>[] = [];
    try {
      const org = emulators.salesforce.org;
      const account = org.create('Account', { Name: 'Acme', Website: 'acme.example' }) as {
        id: string;
      };
      org.create('Contact', { LastName: 'Martin', Email: CLAIRE, AccountId: account.id });
      emulators.hubspot.portal.create('companies', {
        properties: { name: 'Acme', domain: 'acme.example' },
      });
      emulators.hubspot.portal.create('contacts', { properties: { email: CLAIRE } });
      const env = {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        BOUCLE_DB: join(mkdtempSync(join(tmpdir(), 'boucle-erase-kill-')), 'boucle.db'),
        BOUCLE_API_KEY: API_KEY,
        BOUCLE_SANDBOX: '0',
        SALESFORCE_LOGIN_URL: emulators.salesforceUrl,
        SALESFORCE_CLIENT_ID: 'boucle-sandbox',
        SALESFORCE_CLIENT_SECRET: 'sandbox',
        HUBSPOT_BASE_URL: emulators.hubspotUrl,
        HUBSPOT_ACCESS_TOKEN: 'pat-sandbox',
        BOUCLE_LOG_LEVEL: 'silent',
      };
      const call = async (url: string, method: string, path: string, body?: unknown) => {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        });
        return (await response.json()) as Record<string, unknown>;
      };
      workers.push(spawnWorker(env));
      const first = await workers[0]!.url;
      const answers = Array.from({ length: 20 }, (_, i) =>
        answer({
          id: `kill-${i}`,
          score: 7,
          comment: `${VERBATIM} (${i})`,
          respondent: { email: CLAIRE },
        }),
      );
      await call(first, 'POST', '/v1/answers', { answers });
      const inPortal = () => {
        try {
          return emulators.hubspot.portal.list(SURVEY_OBJECT).length;
        } catch {
          return 0; // the custom object is not defined yet
        }
      };
      const written = () => ({ sf: org.rows('Survey_Response__c').length, hs: inPortal() });
      await waitFor(() => written().sf === 20 && written().hs === 20, 30_000, 'the answers');
      // The delete is slow, so that the kill lands while the erasure is under way.
      await fetch(`${emulators.salesforceUrl}/__emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          rules: [{ match: 'DELETE /services/data', latencyMs: 1_500, times: 1 }],
        }),
      });
      const { id } = await call(first, 'POST', '/v1/erasures', { email: CLAIRE });
      await waitFor(
        async () => {
          const calls = (await (
            await fetch(`${emulators.salesforceUrl}/__emulator/calls`)
          ).json()) as {
            byEndpoint: Record<string, number>;
          };
          return Object.keys(calls.byEndpoint).some((key) => key.startsWith('DELETE '));
        },
        20_000,
        'the Salesforce delete under way',
      );
      workers[0]!.child.kill('SIGKILL');
      await new Promise((resolve) => workers[0]!.child.once('exit', resolve));
      workers.push(spawnWorker(env));
      const second = await workers[1]!.url;
      await waitFor(
        async () => (await call(second, 'GET', `/v1/erasures/${String(id)}`)).status === 'done',
        30_000,
        'the erasure after the restart',
      );
      expect(written()).toEqual({ sf: 0, hs: 0 });
      noTrace(JSON.stringify(org.rows('Survey_Response__c')));
      const objects = emulators.hubspot.portal.state().objects as Record<string, unknown>;
      noTrace(JSON.stringify(objects[SURVEY_OBJECT])); // archived records included
    } finally {
      for (const worker of workers) worker.child.kill('SIGKILL');
      await emulators.close();
    }
  });
});
