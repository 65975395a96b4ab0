import { DEFAULT_THRESHOLD_RULES } from '@boucle/shared';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.ts';
import { freshDatabase } from '../store/postgres.ts';
import { startHarness, type Harness } from '../sync/harness.ts';
import { hubspotFetchRequest, send } from './hubspotFetch.ts';

const SECRET = 'hubspot-app-client-secret';
/** Where HubSpot calls Boucle: a load balancer in front of the replicas. */
const PUBLIC = 'https://boucle.example.com';
const rules = (slaHours: number) => ({
  rules: [{ ...DEFAULT_THRESHOLD_RULES[0], id: 'detractor', slaHours }],
});

describe('replayed hubspot.fetch requests', () => {
  let h: Harness | undefined;
  let replica: RunningServer | undefined;
  afterEach(async () => {
    await replica?.close();
    await h?.close();
    h = undefined;
    replica = undefined;
  });
  const settings = (slaHours: number) =>
    hubspotFetchRequest({
      base: PUBLIC,
      method: 'PUT',
      path: '/settings',
      payload: rules(slaHours),
      portal: h?.emulators.hubspot.portal.portalId as number,
      secret: SECRET,
    });
  const slaInForce = async () =>
    ((await h?.server.store.getSetting<{ rules: { slaHours: number }[] }>('server'))?.rules[0]
      ?.slaHours ?? 0) as number;

  it("refuses a PUT /settings replayed within its window, which would undo an admin's later change", async () => {
    h = await startHarness({ hubspotClientSecret: SECRET });
    const first = settings(4);
    expect((await send(first, h.server.url)).status).toBe(200);
    expect((await send(settings(8), h.server.url)).status).toBe(200);
    expect(await send(first, h.server.url)).toMatchObject({
      status: 401,
      body: { error: { code: 'replayed_request' } },
    });
    expect(await slaInForce()).toBe(8);
  });

  it('refuses on one PostgreSQL replica a request another replica already received', async () => {
    h = await startHarness({ hubspotClientSecret: SECRET, databaseUrl: await freshDatabase() });
    replica = await startServer(h.config, {
      logger: pino({ level: 'silent' }),
      startEngine: false,
      hubspotRequestsPer10s: 10_000,
    });
    const first = settings(4);
    expect((await send(first, h.server.url)).status).toBe(200);
    expect((await send(settings(8), replica.url)).status).toBe(200);
    expect(await send(first, replica.url)).toMatchObject({
      status: 401,
      body: { error: { code: 'replayed_request' } },
    });
    expect(await slaInForce()).toBe(8);
  });

  it('accepts a request again after it failed with a 5xx (HubSpot retries it once)', async () => {
    h = await startHarness({ hubspotClientSecret: SECRET });
    const read = hubspotFetchRequest({
      base: h.server.url,
      method: 'GET',
      path: `/companies/${h.ids.company}/summary`,
      portal: h.emulators.hubspot.portal.portalId,
      secret: SECRET,
    });
    // HubSpot unreachable: the card read fails with a 5xx, and HubSpot's proxy retries it.
    await fetch(`${h.emulators.hubspotUrl}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules: [{ match: 'batch/read', status: 503, times: 1 }] }),
    });
    expect((await send(read)).status).toBeGreaterThanOrEqual(500);
    expect((await send(read)).status).toBe(200);
    expect((await send(read)).status).toBe(401);
  });
});
