import { DEFAULT_THRESHOLD_RULES } from '@boucle/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { SalesforceAdapter } from '../../src/crm/salesforce/adapter.ts';
import { answer, startHarness, waitFor, type Harness } from './harness.ts';
import { hubspotFetchRequest, send } from '../hubspot/hubspotFetch.ts';

const SECRET = 'settings-app-client-secret';
const DAY_MS = 86_400_000;
const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

type Callback = {
  id: string;
  answerId: string;
  crm: string;
  kind: string;
  slaHours: number;
  dueAt: string;
  assignee?: string;
  crms: { crm: string; dueAt?: string; assignee?: string }[];
};
/** A callback's side in one CRM, as the API lists it. */
const sideOf = (callback: Callback | undefined, crm: string) =>
  callback?.crms.find((side) => side.crm === crm);

describe('the settings in force in each CRM', () => {
  let h: Harness;
  let portalId: number;
  const hubspotCall = (method: string, path: string, payload?: unknown) =>
    send(
      hubspotFetchRequest({
        base: h.server.url,
        method,
        path,
        payload,
        portal: portalId,
        secret: SECRET,
      }),
    );
  const callbacksOf = async (answerId: string) =>
    ((await h.api('GET', '/v1/callbacks')).body.callbacks as Callback[]).filter(
      (c) => c.answerId === answerId,
    );

  beforeAll(async () => {
    h = await startHarness({ hubspotClientSecret: SECRET });
    portalId = h.emulators.hubspot.portal.portalId;
    // Paul (owner 501) owns Acme and handles its cases; Marc (502) leads Paul's team.
    const team = { id: '7', name: 'Key accounts', primary: true };
    h.emulators.hubspot.portal.owners = [
      { ...h.emulators.hubspot.portal.owners[0]!, teams: [team] },
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
  });
  afterAll(() => h.close());

  it('counts a Salesforce callback’s SLA in the business hours and holidays of its custom metadata', async () => {
    // Every day works 09:00–18:00 UTC, but the next ten days are holidays: whenever the test runs,
    // the 24 working hours start on day 10 at 09:00 and end on day 12 at 15:00 (9 + 9 + 6 hours).
    const today = Date.parse(`${utcDate(Date.now())}T00:00:00Z`);
    const org = h.emulators.salesforce.org;
    org.replaceCustomMetadata('Business_Hours__mdt', [
      {
        DeveloperName: 'Default',
        Active__c: true,
        Time_Zone__c: 'UTC',
        Days__c: 'mon;tue;wed;thu;fri;sat;sun',
        Start__c: '09:00',
        End__c: '18:00',
      },
    ]);
    org.replaceCustomMetadata(
      'Holiday__mdt',
      Array.from({ length: 10 }, (_, day) => ({
        DeveloperName: `Day_${day}`,
        Date__c: utcDate(today + day * DAY_MS),
        Active__c: true,
      })),
    );
    const expected = new Date(today + 12 * DAY_MS + 15 * 3_600_000).toISOString();
    await h.api('POST', '/v1/answers', answer({ id: 'bh-1', score: 3 }));
    // One callback, written to both CRMs, each side due as its CRM's settings say.
    await waitFor(
      async () => (await callbacksOf('bh-1')).some((c) => c.crms.length === 2),
      15_000,
      'the callback in both CRMs',
    );
    const callbacks = await callbacksOf('bh-1');
    expect(callbacks).toHaveLength(1);
    expect(sideOf(callbacks[0], 'salesforce')?.dueAt).toBe(expected);
    // HubSpot's tasks follow the HubSpot settings page, which sets no business hours: 24 h.
    const hubspot = sideOf(callbacks[0], 'hubspot');
    expect(Date.parse(hubspot?.dueAt ?? '')).toBeLessThan(Date.parse(expected) - 9 * DAY_MS);
    await waitFor(
      async () =>
        ((await h.sf()).Callback__c ?? []).some((c) => c.External_Id__c === callbacks[0]?.id),
      15_000,
      'the Callback__c record',
    );
    const record = ((await h.sf()).Callback__c ?? []).find(
      (c) => c.External_Id__c === callbacks[0]?.id,
    );
    expect(Date.parse(String(record?.Due_At__c))).toBe(Date.parse(expected));
  });

  it('keeps the last valid business hours when a record turns invalid, and doctor names the record and field', async () => {
    let now = Date.now();
    const salesforce = new SalesforceAdapter(h.config.salesforce!, () => now);
    const valid = await salesforce.businessHours();
    expect(valid).toMatchObject({ timeZone: 'UTC', start: '09:00' });
    h.emulators.salesforce.org.replaceCustomMetadata('Business_Hours__mdt', [
      {
        DeveloperName: 'Default',
        Active__c: true,
        Time_Zone__c: 'Mars/Olympus',
        Days__c: 'mon;tue;wed;thu;fri',
        Start__c: '09:00',
        End__c: '18:00',
      },
    ]);
    now += 5 * 60_000; // the cache's refresh interval
    expect(await salesforce.businessHours()).toEqual(valid);
    const problem =
      'Business_Hours__mdt Default: Time_Zone__c must be an IANA time zone such as Europe/Paris';
    expect(salesforce.settings.problems()).toEqual([problem]);

    let stdout = '';
    await runCli(['doctor'], { stdout: (t) => (stdout += t), stderr: () => undefined }, undefined, {
      BOUCLE_API_KEY: 'doctor-key-0123456789',
      BOUCLE_DB: h.config.dbPath,
      SALESFORCE_LOGIN_URL: h.emulators.salesforceUrl,
      SALESFORCE_CLIENT_ID: 'boucle-sandbox',
      SALESFORCE_CLIENT_SECRET: 'sandbox',
    });
    expect(stdout).toContain('Settings in force');
    expect(stdout).toContain(`✗ ${problem}`);
    expect(stdout).toContain('the last valid setting stays in force meanwhile');
    expect(stdout).toMatch(
      /✓ Salesforce dissonance bands: employee confident at 4–5.*\(from Dissonance_Band__mdt CES, /,
    );
    expect(stdout).toContain(
      "✓ Salesforce escalation: every kind: the owner's manager (from Escalation_Target__mdt Default)",
    );
  });

  it('escalates in Salesforce to the Escalation_Target__mdt of the kind, else of every kind, never to the employee rated', async () => {
    const org = h.emulators.salesforce.org;
    const lead = org.create('User', {
      Username: 'lea@vendor.example',
      LastName: 'Garnier',
      Email: 'lea@vendor.example',
    }) as { id: string };
    org.replaceCustomMetadata('Escalation_Target__mdt', [
      { DeveloperName: 'Default', Escalate_To__c: 'User', User_Email__c: 'lea@vendor.example' },
      {
        DeveloperName: 'Reviews',
        Alert_Kind__c: 'Dissonance',
        Escalate_To__c: 'Queue',
        Queue__c: 'CX_Team',
      },
    ]);
    const salesforce = new SalesforceAdapter(h.config.salesforce!);
    const queue = await salesforce.resolveQueue('CX_Team');
    const request = { ownerId: h.ids.owner, managerId: h.ids.manager, ratedIds: [] };
    expect(await salesforce.escalationOwner({ ...request, kind: 'dissonance' })).toBe(queue);
    expect(await salesforce.escalationOwner({ ...request, kind: 'detractor_recovery' })).toBe(
      lead.id,
    );
    // Léa rated herself: her manager's turn; and nobody when the manager is rated too.
    expect(
      await salesforce.escalationOwner({
        ...request,
        kind: 'promoter_thanks',
        ratedIds: [lead.id],
      }),
    ).toBe(h.ids.manager);
    expect(
      await salesforce.escalationOwner({
        ...request,
        kind: 'promoter_thanks',
        ratedIds: [lead.id, h.ids.manager],
      }),
    ).toBeUndefined();
    org.replaceCustomMetadata('Escalation_Target__mdt', [
      { DeveloperName: 'Default', Escalate_To__c: "Owner's manager" },
    ]);
  });

  it('applies a rule added on the HubSpot settings page, with its touchpoint, from the next answer', async () => {
    const settings = (await hubspotCall('GET', '/settings')).body;
    const rule = {
      id: 'contracting-passives',
      label: 'Passives at contracting',
      metric: 'nps',
      minScore: 7,
      maxScore: 8,
      touchpoint: 'Contractualisation',
      kind: 'account_alert',
      slaHours: 12,
      assignTo: 'account_owner',
    };
    const saved = await hubspotCall('PUT', '/settings', {
      ...settings,
      rules: [...DEFAULT_THRESHOLD_RULES, rule],
    });
    expect(saved.status).toBe(200);
    await h.api('POST', '/v1/answers', {
      answers: [
        answer({ id: 'tp-contracting', score: 8, touchpoint: 'contracting' }),
        answer({ id: 'tp-after-sale', score: 8, touchpoint: 'after-sale' }),
      ],
    });
    await waitFor(
      async () => (await callbacksOf('tp-contracting')).some((c) => c.crm === 'hubspot'),
      15_000,
      'the account alert in HubSpot',
    );
    expect(await callbacksOf('tp-contracting')).toEqual([
      expect.objectContaining({ crm: 'hubspot', kind: 'account_alert', slaHours: 12 }),
    ]);
    expect(await callbacksOf('tp-after-sale')).toEqual([]);
  });

  it('assigns a HubSpot dissonance review to the rated employee’s team escalation owner, never to the employee', async () => {
    const settings = (await hubspotCall('GET', '/settings')).body;
    const refused = await hubspotCall('PUT', '/settings', {
      ...settings,
      escalation: { teams: [{ teamId: '7', ownerId: '999' }] },
    });
    expect(refused).toMatchObject({
      status: 400,
      body: {
        error: {
          issues: [
            { path: 'escalation.teams.0.ownerId', message: 'is not an owner of this portal (999)' },
          ],
        },
      },
    });
    expect(
      (
        await hubspotCall('PUT', '/settings', {
          ...settings,
          escalation: { teams: [{ teamId: '7', ownerId: '502' }] },
        })
      ).status,
    ).toBe(200);
    await h.api('POST', '/v1/ratings', {
      id: 'r-dis',
      interactionId: 'case-dis',
      employeeEmail: 'paul@vendor.example',
      rating: 5,
      ratedAt: new Date(Date.now() - 60_000).toISOString(),
    });
    await h.api(
      'POST',
      '/v1/answers',
      answer({
        id: 'dis-1',
        score: 2,
        interactionId: 'case-dis',
        employeeEmail: 'paul@vendor.example',
      }),
    );
    await waitFor(
      async () =>
        (await callbacksOf('dis-1')).some(
          (c) => sideOf(c, 'hubspot') !== undefined && c.kind === 'dissonance',
        ),
      15_000,
      'the dissonance review',
    );
    const review = (await callbacksOf('dis-1')).find(
      (c) => sideOf(c, 'hubspot') !== undefined && c.kind === 'dissonance',
    );
    expect(sideOf(review, 'hubspot')?.assignee).toBe('502');
    const recovery = await h.server.store.getCallbacks(
      (await callbacksOf('dis-1')).filter((c) => sideOf(c, 'hubspot')).map((c) => c.id),
    );
    const stored = [...recovery.values()];
    expect(
      stored.find((c) => c.kind === 'detractor_recovery')?.links.find((l) => l.crm === 'hubspot'),
    ).toMatchObject({ assignee: '501', escalateTo: '502' });
    await waitFor(
      async () =>
        ((await h.hs()).objects.tasks ?? []).some(
          (t) =>
            t.properties.boucle_external_id === review?.id &&
            t.properties.hubspot_owner_id === '502',
        ),
      15_000,
      'the review task owned by Marc',
    );
  });
});
