import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { openApiDocument } from '../../src/http/openapi.ts';
import { hubspotApp } from '../../src/http/hubspotApp.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import type { Store } from '../../src/store/store.ts';
import { hubspotFetchRequest, send } from './hubspotFetch.ts';

describe('the sandbox with HUBSPOT_CLIENT_SECRET set', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(
      loadConfig({
        PORT: '0',
        BOUCLE_SANDBOX: '1',
        BOUCLE_DB: join(mkdtempSync(join(tmpdir(), 'boucle-sandbox-')), 'boucle.db'),
        BOUCLE_LOG_LEVEL: 'silent',
        HUBSPOT_CLIENT_SECRET: 'integrator-own-secret',
      }),
      { logger: pino({ level: 'silent' }), preview: false, demo: false, startEngine: false },
    );
  });
  afterAll(() => server.close());

  const settings = (secret: string) =>
    send(
      hubspotFetchRequest({
        base: server.url,
        method: 'GET',
        path: '/settings',
        portal: server.emulators?.hubspot.portal.portalId as number,
        secret,
      }),
    );

  it('verifies /hubspot requests with that secret, so an integrator can test their own signing', async () => {
    expect((await settings('integrator-own-secret')).status).toBe(200);
    expect((await settings('another-secret')).status).toBe(401);
  });
});

describe('/openapi.json', () => {
  it('describes every /hubspot route the HubSpot cards and settings page call', () => {
    const router = hubspotApp({
      store: {} as Store,
      crms: [],
      logger: pino({ level: 'silent' }),
    });
    const routes = (
      router.stack as { route?: { path: string; methods: Record<string, boolean> } }[]
    ).flatMap((layer) =>
      layer.route
        ? Object.keys(layer.route.methods).map(
            (method) => `${method} /hubspot${layer.route?.path.replace(/:(\w+)/g, '{$1}')}`,
          )
        : [],
    );
    expect(routes.length).toBeGreaterThanOrEqual(6);
    const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
    const described = Object.entries(paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path}`),
    );
    expect(described).toEqual(expect.arrayContaining(routes));
  });
});
