import { DEFAULT_THRESHOLD_RULES, DEFAULT_TOUCHPOINTS } from '@boucle/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, startHarness, waitFor, type Harness } from '../sync/harness.ts';
import { recordFixture, steady } from './fixtures.ts';
import { hubspotFetchRequest, send } from './hubspotFetch.ts';

const SECRET = 'hubspot-app-client-secret';

describe('the backend of the HubSpot cards and settings page (/hubspot)', () => {
  let h: Harness;
  let portalId: number;
  const signed = (
    method: string,
    path: string,
    payload?: unknown,
    options: { portal?: number; at?: number; secret?: string } = {},
  ) =>
    hubspotFetchRequest({
      base: h.server.url,
      method,
      path,
      payload,
      portal: options.portal ?? portalId,
      secret: options.secret ?? SECRET,
      ...(options.at !== undefined && { at: options.at }),
    });
  const call = (...args: Parameters<typeof signed>) => send(signed(...args));
  const startedAt = Date.now();
  const ids = new Map<string, string>();
  let globex: { id: string };
  /** `call`, keeping what the server answered as the fixture `name` the card tests replay. */
  const recorded = async (name: string, ...args: Parameters<typeof signed>) => {
    const response = await call(...args);
    const [method, path] = args;
    recordFixture(name, {
      request: `${method} ${steady(path.split('?')[0], startedAt, ids) as string}`,
      status: response.status,
      body: steady(response.body, startedAt, ids),
    });
    return response;
  };

  beforeAll(async () => {
    h = await startHarness({ hubspotClientSecret: SECRET });
    portalId = h.emulators.hubspot.portal.portalId;
    // Created before any sync activity, so that its emulator id (in a committed fixture) does not
    // depend on how many records the sync's rounds happened to write first.
    globex = h.emulators.hubspot.portal.create('companies', {
      properties: { name: 'Globex', domain: 'globex.example' },
    });
    await h.api('POST', '/v1/answers', {
      answers: [
        answer({ id: 'hs-1', score: 2, comment: 'Trop lent', interactionId: 'case-9' }),
        answer({ id: 'hs-2', score: 10, respondent: { email: 'luc@acme.example' } }),
        // CSAT and CES beside NPS: 1 satisfied of 2 (50 %, the other neutral), an effort of 3.
        ...[
          { id: 'hs-csat-1', metric: 'csat', score: 5 },
          { id: 'hs-csat-2', metric: 'csat', score: 3 },
          { id: 'hs-ces-1', metric: 'ces', score: 3 },
        ].map((a) => answer({ ...a, respondent: { email: 'luc@acme.example' } })),
      ],
    });
    await h.api('POST', '/v1/ratings', {
      id: 'r-9',
      interactionId: 'case-9',
      employeeEmail: 'paul@vendor.example',
      rating: 5,
      ratedAt: new Date().toISOString(),
    });
    await waitFor(
      async () => ((await h.hs()).objects.tasks ?? []).length >= 2,
      10_000,
      'callbacks in HubSpot',
    );
  });
  afterAll(() => h.close());

  it('shows the company card, computed like the v1 summary', async () => {
    const card = await recorded('company-summary', 'GET', `/companies/${h.ids.company}/summary`);
    expect(card.status).toBe(200);
    expect(card.body).toMatchObject({
      company: { id: h.ids.company, name: 'Acme' },
      overall: { n: 2, nps: 0, csat: { n: 2, csat: 50 }, ces: { n: 1, ces: 3 } },
    });
    const v1 = await h.api('GET', '/v1/accounts/acme.example/summary');
    expect(card.body.overall).toEqual(v1.body.overall);
    // One callback per answer and kind, written to both CRMs: the card lists it once.
    const open = card.body.openCallbacks as { kind: string; crms: { crm: string }[] }[];
    expect(open.some((c) => c.crms.some((side) => side.crm === 'hubspot'))).toBe(true);
    expect(new Set(open.map((c) => c.kind)).size).toBe(open.length);
  });

  it('shows the journey on the company card in order, each touchpoint against its target', async () => {
    const card = await call('GET', `/companies/${h.ids.company}/summary`);
    const journey = card.body.journey as {
      key: string;
      kind: string;
      labelFr: string;
      n: number;
      targetNps: number;
      status: { nps: string };
    }[];
    expect(journey.map((s) => [s.key, s.kind, s.labelFr, s.targetNps, s.status.nps])).toEqual([
      ['pre-sale', 'configured', 'Avant-vente', 40, 'not_enough'],
      ['contracting', 'configured', 'Contractualisation', 30, 'not_enough'],
      ['after-sale', 'configured', 'Après-vente', 20, 'not_enough'],
    ]);
    expect(journey[2]?.n).toBeGreaterThanOrEqual(2);
    const v1 = await h.api('GET', '/v1/accounts/acme.example/summary');
    expect(v1.body.journey).toEqual(card.body.journey);
  });

  it('edits the journey on the settings page, refusing a bad touchpoint with its field named', async () => {
    const settings = (await recorded('settings', 'GET', '/settings')).body;
    expect(settings.touchpoints).toEqual(DEFAULT_TOUCHPOINTS);
    const onboarding = {
      key: 'onboarding',
      labelEn: 'Onboarding',
      labelFr: 'Après-vente',
      journey: 'b2b',
      order: 5,
      targetNps: 150,
    };
    const bad = await recorded('settings-invalid-touchpoint', 'PUT', '/settings', {
      ...settings,
      touchpoints: [...DEFAULT_TOUCHPOINTS, onboarding],
    });
    expect(bad.status).toBe(400);
    expect((bad.body.error as { issues: unknown[] }).issues).toEqual([
      { path: 'touchpoints.3.targetNps', message: 'must be an NPS from -100 to 100' },
      {
        path: 'touchpoints.3.labelFr',
        message: expect.stringContaining('touchpoint "after-sale"'),
      },
      { path: 'touchpoints.3.order', message: expect.stringContaining('from 1 to 4') },
    ]);
    expect((await call('GET', '/settings')).body.touchpoints).toEqual(DEFAULT_TOUCHPOINTS);
    const good = [
      ...DEFAULT_TOUCHPOINTS,
      { ...onboarding, labelFr: 'Accueil', order: 4, targetNps: 10 },
    ];
    try {
      expect(
        (await recorded('settings-saved', 'PUT', '/settings', { ...settings, touchpoints: good }))
          .status,
      ).toBe(200);
      const card = await call('GET', `/companies/${h.ids.company}/summary`);
      expect((card.body.journey as { key: string }[]).map((s) => s.key)).toEqual([
        'pre-sale',
        'contracting',
        'after-sale',
        'onboarding',
      ]);
      const hubspot = await h.api('GET', '/v1/touchpoints?crm=hubspot');
      expect(hubspot.body).toMatchObject({ crm: 'hubspot', advice: [] });
      expect((hubspot.body.touchpoints as { key: string }[]).map((t) => t.key)).toContain(
        'onboarding',
      );
      // Salesforce keeps its Touchpoint__mdt, and is the journey in force by default.
      const salesforce = await h.api('GET', '/v1/touchpoints');
      expect(salesforce.body.crm).toBe('salesforce');
      expect((salesforce.body.touchpoints as { key: string }[]).map((t) => t.key)).toEqual([
        'pre-sale',
        'contracting',
        'after-sale',
      ]);
    } finally {
      await call('PUT', '/settings', { rules: settings.rules, pressure: settings.pressure });
    }
  });

  it('keeps the business hours and survey caps the settings page saves', async () => {
    const settings = (await call('GET', '/settings')).body;
    const businessHours = {
      timeZone: 'Europe/Paris',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: '09:00',
      end: '18:00',
      holidays: ['2026-12-25'],
    };
    const pressure = { ...(settings.pressure as object), accountMaxSurveys: 3 };
    try {
      const saved = await recorded('settings-with-caps', 'PUT', '/settings', {
        ...settings,
        businessHours,
        pressure,
      });
      expect(saved).toMatchObject({ status: 200, body: { businessHours, pressure } });
      expect((await call('GET', '/settings')).body).toMatchObject({ businessHours, pressure });
    } finally {
      await call('PUT', '/settings', { rules: settings.rules, pressure: settings.pressure });
    }
  });

  it('lists the portal’s owners and teams for the escalation owners, refusing an owner it does not have', async () => {
    const team = { id: '7', name: 'Key accounts', primary: true };
    const portal = h.emulators.hubspot.portal;
    portal.owners = [
      { ...portal.owners[0]!, teams: [team] },
      {
        id: '502',
        email: 'marc@vendor.example',
        firstName: 'Marc',
        lastName: 'Lefèvre',
        userId: 2,
        teams: [{ ...team, primary: false }],
        archived: false,
        createdAt: '',
        updatedAt: '',
      },
    ];
    const directory = await recorded('owners', 'GET', '/owners');
    expect(directory.body).toEqual({
      owners: [
        { id: '501', name: 'Paul Roux', email: 'paul@vendor.example' },
        { id: '502', name: 'Marc Lefèvre', email: 'marc@vendor.example' },
      ],
      teams: [{ id: '7', name: 'Key accounts' }],
    });
    const settings = (await call('GET', '/settings')).body;
    try {
      const refused = await recorded('settings-invalid-escalation', 'PUT', '/settings', {
        ...settings,
        escalation: { defaultOwnerId: '999', teams: [{ teamId: '7', ownerId: '502' }] },
      });
      expect(refused).toMatchObject({
        status: 400,
        body: {
          error: {
            issues: [
              {
                path: 'escalation.defaultOwnerId',
                message: 'is not an owner of this portal (999)',
              },
            ],
          },
        },
      });
      const saved = await recorded('settings-with-escalation', 'PUT', '/settings', {
        ...settings,
        escalation: { defaultOwnerId: '502', teams: [{ teamId: '7', ownerId: '502' }] },
        rules: [
          ...(settings.rules as object[]),
          {
            id: 'contracting-passives',
            metric: 'nps',
            minScore: 7,
            maxScore: 8,
            touchpoint: 'contracting',
            kind: 'account_alert',
            slaHours: 12,
            assignTo: 'account_owner',
          },
        ],
      });
      expect(saved.status).toBe(200);
    } finally {
      await call('PUT', '/settings', { rules: settings.rules, pressure: settings.pressure });
    }
  });

  it("shows a contact's answers, the ratings of their interactions and their open callbacks", async () => {
    const claire = h.emulators.hubspot.portal
      .list('contacts')
      .find((c) => c.properties.email === 'claire@acme.example')?.id as string;
    const card = await recorded('contact', 'GET', `/contacts/${claire}`);
    expect(card.status).toBe(200);
    expect(card.body).toMatchObject({
      contact: { email: 'claire@acme.example' },
      answers: [{ id: 'hs-1', comment: 'Trop lent' }],
      ratings: [{ interactionId: 'case-9', rating: 5 }],
    });
    expect((card.body.openCallbacks as { kind: string }[]).map((c) => c.kind).sort()).toEqual([
      'detractor_recovery',
      'dissonance',
    ]);
  });

  it('logs a callback outcome, idempotently under HubSpot retries, refusing forbidden moves', async () => {
    const { body } = await h.api('GET', '/v1/callbacks');
    const found = (body.callbacks as { id: string; kind: string; crms: { crm: string }[] }[]).find(
      (c) => c.crms.some((side) => side.crm === 'hubspot') && c.kind === 'detractor_recovery',
    ) as { id: string };
    const contactId = ((await h.hs()).objects.contacts ?? []).find(
      (c) => c.properties.email === 'claire@acme.example',
    )?.id as string;
    const callback = { ...found, crmContactId: contactId };
    const path = `/callbacks/${encodeURIComponent(callback.id)}`;
    const reached = await recorded('callback-reached', 'POST', path, {
      status: 'reached',
      outcome: 'Rappel fait',
      rootCause: 'Délais',
    });
    expect(reached).toMatchObject({
      status: 200,
      body: { status: 'reached', outcome: 'Rappel fait' },
    });
    expect(
      await call('POST', path, { status: 'reached', outcome: 'Rappel fait', rootCause: 'Délais' }),
    ).toMatchObject({ status: 200, body: { status: 'reached' } });
    const contact = await recorded(
      'contact-callback-reached',
      'GET',
      `/contacts/${callback.crmContactId}`,
    );
    expect(contact.body.openCallbacks).toContainEqual(
      expect.objectContaining({ id: callback.id, status: 'reached', outcome: 'Rappel fait' }),
    );
    expect(
      await recorded('callback-invalid-transition', 'POST', path, { status: 'attempted' }),
    ).toMatchObject({
      status: 409,
      body: {
        error: {
          code: 'invalid_transition',
          message: 'a callback cannot go from Reached to Attempted',
        },
      },
    });
    await waitFor(
      async () =>
        ((await h.hs()).objects.tasks ?? []).some(
          (t) =>
            t.properties.boucle_callback_status === 'reached' &&
            t.properties.boucle_outcome === 'Rappel fait',
        ),
      10_000,
      'the task updated in HubSpot',
    );
  });

  it('records an employee rating from the card', async () => {
    expect(
      await recorded('rating-accepted', 'POST', '/ratings', {
        id: 'card-1',
        interactionId: 'case-10',
        employeeEmail: 'paul@vendor.example',
        rating: 4,
        ratedAt: new Date().toISOString(),
      }),
    ).toEqual({ status: 202, body: { accepted: 1, duplicates: 0 } });
    expect(
      await recorded('rating-duplicate', 'POST', '/ratings', {
        id: 'card-1',
        interactionId: 'case-10',
        employeeEmail: 'paul@vendor.example',
        rating: 4,
        ratedAt: new Date().toISOString(),
      }),
    ).toEqual({ status: 202, body: { accepted: 0, duplicates: 1 } });
    expect(
      await recorded('rating-invalid', 'POST', '/ratings', {
        id: 'card-2',
        interactionId: 'case-10',
        employeeEmail: 'paul',
        rating: 6,
        ratedAt: 'now',
      }),
    ).toMatchObject({
      status: 400,
      body: {
        error: {
          issues: expect.arrayContaining([
            { path: 'rating', message: 'must be an integer from 1 to 5' },
          ]),
        },
      },
    });
  });

  it('saves settings from the settings page, validated, effective on the next answer', async () => {
    expect((await call('GET', '/settings')).body).toMatchObject({ rules: DEFAULT_THRESHOLD_RULES });
    const bad = await recorded('settings-invalid-rule', 'PUT', '/settings', {
      rules: [{ ...DEFAULT_THRESHOLD_RULES[0], maxScore: 12 }],
    });
    expect(bad).toMatchObject({
      status: 400,
      body: {
        error: {
          issues: [{ path: 'rules.0.maxScore', message: 'must be from 0 to 10 for metric nps' }],
        },
      },
    });
    const strict = [
      { ...DEFAULT_THRESHOLD_RULES[0], id: 'fast-detractor', slaHours: 4, escalateAfterHours: 8 },
    ];
    expect((await call('PUT', '/settings', { rules: strict })).status).toBe(200);
    await h.api(
      'POST',
      '/v1/answers',
      answer({ id: 'hs-3', score: 1, respondent: { email: 'luc@acme.example' } }),
    );
    await waitFor(
      async () =>
        (
          (await h.api('GET', '/v1/callbacks')).body.callbacks as {
            answerId: string;
            crms: unknown[];
          }[]
        ).some((c) => c.answerId === 'hs-3' && c.crms.length === 2),
      10_000,
      'the new callback in each CRM',
    );
    const callbacks = (
      (await h.api('GET', '/v1/callbacks')).body.callbacks as {
        answerId: string;
        slaHours: number;
      }[]
    ).filter((c) => c.answerId === 'hs-3');
    // One callback for both CRMs: the tighter SLA of theirs (HubSpot's 4 h, Salesforce's
    // Alert_Threshold__mdt 24 h) stands, whichever CRM raised it first.
    expect(callbacks.map((c) => c.slaHours)).toEqual([4]);
  });

  it('says a company without answers has none', async () => {
    const company = globex;
    expect(await recorded('company-empty', 'GET', `/companies/${company.id}/summary`)).toEqual({
      status: 200,
      body: { company: { id: company.id, name: 'Globex' }, empty: true },
    });
  });

  it.each([
    [
      'another portal',
      () => recorded('wrong-portal', 'GET', '/settings', undefined, { portal: 999 }),
      403,
      'wrong_portal',
    ],
    [
      'a wrong secret',
      () => recorded('invalid-signature', 'GET', '/settings', undefined, { secret: 'nope' }),
      401,
      'invalid_signature',
    ],
    [
      'a stale timestamp',
      () => call('GET', '/settings', undefined, { at: Date.now() - 301_000 }),
      401,
      'invalid_signature',
    ],
    [
      'a company of no portal of ours',
      () => recorded('company-not-found', 'GET', '/companies/999999/summary'),
      404,
      'not_found',
    ],
    [
      'no signature',
      async () => ({
        status: (await fetch(`${h.server.url}/hubspot/settings?portalId=${portalId}`)).status,
        body: { error: { code: 'invalid_signature' } },
      }),
      401,
      'invalid_signature',
    ],
  ])('refuses %s', async (_label, send, status, code) => {
    expect(await send()).toMatchObject({ status, body: { error: { code } } });
  });
});
