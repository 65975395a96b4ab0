import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { DEFAULT_TOUCHPOINTS } from '@boucle/shared';
import pino, { type Logger } from 'pino';
import type { Config } from './config/config.ts';
import { HubSpotAdapter } from './crm/hubspot/adapter.ts';
import { SalesforceAdapter } from './crm/salesforce/adapter.ts';
import { listening } from './emulators/common.ts';
import { startEmulators, type RunningEmulators } from './emulators/start.ts';
import { createApp } from './http/app.ts';
import { currentSettings, hubspotApp, hubspotJourney, pageSettings } from './http/hubspotApp.ts';
import { Metrics } from './http/metrics.ts';
import { DEMO_TAXONOMY, demoData, demoTeamsOf, type DemoData } from './sandbox/demo.ts';
import { settleDemoCallbacks } from './sandbox/demoCallbacks.ts';
import { seedDemoSettings } from './sandbox/demoSettings.ts';
import { openStore } from './store/open.ts';
import type { Store } from './store/store.ts';
import type { CrmAdapter } from './crm/adapter.ts';
import { DEFAULT_ALERT_THRESHOLDS, SyncAlerts, type AlertSender } from './health/alerts.ts';
import { SyncEngine } from './loop/engine.ts';
import {
  DEFAULT_VERBATIMS,
  loadTaxonomy,
  withExtension,
  type Verbatims,
} from './verbatims/taxonomy.ts';
import { VendorFetcher } from './webhooks/fetcher.ts';
import { HubSpotFeedbackPoller } from './readback/hubspotFeedback.ts';
import type { Outbound, OutboundDeliveries } from './outbound/index.ts';
import type { Surveys } from './surveys/index.ts';
import { surveyRouter } from './surveys/router.ts';
import { outboundAndSurveys } from './surveys/running.ts';

export interface RunningServer {
  readonly url: string;
  readonly apiKey: string;
  readonly store: Store;
  readonly engine: SyncEngine;
  readonly emulators?: RunningEmulators;
  /** Resolves when the demo's first sync (and its callback states) is done. */
  readonly demoReady: Promise<void>;
  /** Settles once the sandbox's preview page is built (at once when there is none). */
  readonly previewReady: Promise<void>;
  /** The HubSpot feedback poller, when HubSpot is configured. */
  readonly poller?: HubSpotFeedbackPoller;
  /** Boucle's signed outbound webhooks (survey requests, alerts), and their delivery loop. */
  readonly outbound: Outbound;
  readonly deliveries: OutboundDeliveries;
  /** Survey pressure, survey requests and the follow-up sweep. */
  readonly surveys: Surveys;
  close(): Promise<void>;
}

export interface ServerOptions {
  readonly logger?: Logger;
  readonly host?: string;
  /** Load the demo data in sandbox mode (once per database); default true. */
  readonly demo?: boolean;
  readonly engine?: {
    leaseMs?: number;
    heartbeatMs?: number;
    idleMs?: number;
    backoffBaseMs?: number;
    unmatchedRetryMs?: number;
    maxAttempts?: number;
    rollupDelayMs?: number;
    rollupRefreshMs?: number;
    /** The engine's clock (tests move it forward a day to see the daily refresh). */
    clock?: () => number;
  };
  /** How often to poll HubSpot feedback submissions; 0 turns polling off (tests poll by hand). */
  readonly feedbackPollMs?: number;
  /** Serve the preview page in sandbox mode (default true; tests of other things skip its build). */
  readonly preview?: boolean;
  /** Start the sync loops at once (default); benchmarks start them after ingest. */
  readonly startEngine?: boolean;
  /** How often the survey follow-up sweep runs; 0: never (tests sweep by hand). */
  readonly surveySweepMs?: number;
  /** HubSpot requests per 10 s (the sandbox emulator allows 100). */
  readonly hubspotRequestsPer10s?: number;
  /** Where sync alerts are delivered (tests); default: the outbound webhooks. */
  readonly alertSender?: AlertSender;
}

/** Starts Boucle: store, CRM adapters, sync engine and HTTP API; in sandbox, emulators and demo. */
export async function startServer(
  config: Config,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const host = options.host ?? config.host;
  const store = await openStore(config);
  let emulators: RunningEmulators | undefined;
  let salesforce = config.salesforce;
  let hubspot = config.hubspot;
  if (config.sandbox) {
    emulators = await startEmulators({
      host,
      salesforcePort: config.port === 0 ? 0 : config.port + 1,
      hubspotPort: config.port === 0 ? 0 : config.port + 2,
      ...(config.dbPath !== ':memory:' && { data: join(dirname(config.dbPath), 'emulators') }),
      // The server logs in as an org's integration user would: with Boucle Integration only.
      salesforce: { integrationPermissionSet: 'Boucle_Integration' },
    }).catch(async (error: unknown) => {
      await store.close();
      throw error;
    });
    salesforce = {
      auth: 'client_credentials',
      loginUrl: emulators.salesforceUrl,
      clientId: 'boucle-sandbox',
      clientSecret: 'sandbox',
      apiVersion: '62.0',
    };
    // The HubSpot app backend is on in sandbox too: the preview page calls it signed as HubSpot's
    // hubspot.fetch proxy does. HUBSPOT_CLIENT_SECRET, when set, is the secret (so an integrator
    // can test their own signing against the sandbox); else a secret of this run.
    const secret =
      config.hubspot?.clientSecret ?? config.webhooks.hubspot?.secrets.join(',') ?? undefined;
    hubspot = {
      baseUrl: emulators.hubspotUrl,
      accessToken: 'pat-sandbox',
      clientSecret: secret || randomBytes(24).toString('base64url'),
    };
  }
  const salesforceAdapter = salesforce && new SalesforceAdapter(salesforce);
  const hubspotAdapter =
    hubspot &&
    // Thresholds from the HubSpot settings page apply from the next answer.
    new HubSpotAdapter(hubspot, {
      requestsPer10s: options.hubspotRequestsPer10s ?? 100,
      rules: async () => (await currentSettings(store)).rules,
      touchpoints: () => hubspotJourney(store),
      settings: () => pageSettings(store),
    });
  const adapters: CrmAdapter[] = [salesforceAdapter, hubspotAdapter].filter(
    (a): a is SalesforceAdapter | HubSpotAdapter => a !== undefined,
  );
  // A bad taxonomy file is refused with its entries named, and the default taxonomy is kept.
  // The sandbox shows an admin's extension at work unless it is given a taxonomy file.
  let verbatims: Verbatims = config.sandbox ? withExtension(DEMO_TAXONOMY) : DEFAULT_VERBATIMS;
  try {
    if (config.taxonomyFile) verbatims = loadTaxonomy(config.taxonomyFile);
  } catch (error) {
    logger.error(
      { err: error },
      `BOUCLE_TAXONOMY_FILE refused, default taxonomy kept: ${(error as Error).message}`,
    );
  }
  const { deliveries, outbound, surveys } = outboundAndSurveys(
    store,
    config,
    logger,
    options.engine,
    adapters,
  );
  const engine = new SyncEngine({
    store,
    adapters,
    logger,
    alerts: new SyncAlerts({
      store,
      // The outbound channel (below): stored once per key, delivered signed with retries.
      sender: options.alertSender ?? { send: (event) => outbound.send(event) },
      logger,
      clock: Date.now,
      thresholds: config.alerts ?? DEFAULT_ALERT_THRESHOLDS,
      crms: adapters.map((a) => a.crm),
    }),
    syncLogRetentionMs: (config.syncLogRetentionDays ?? 30) * 86_400_000,
    analyse: verbatims.analyse,
    jobRetentionMs: (config.jobRetentionDays ?? 7) * 86_400_000,
    answerPressure: () => surveys.answerPressure(),
    ...options.engine,
  });
  const poller =
    hubspotAdapter &&
    new HubSpotFeedbackPoller({
      store,
      hubspot: hubspotAdapter,
      crms: adapters.map((a) => a.crm),
      logger,
      intervalMs: options.feedbackPollMs ?? config.hubspotFeedbackPollSeconds * 1000,
    });
  const fetcher = new VendorFetcher({
    store,
    crms: adapters.map((a) => a.crm),
    config: config.webhooks,
    logger,
    ...(options.engine?.backoffBaseMs && { backoffBaseMs: options.engine.backoffBaseMs }),
    ...(options.engine?.idleMs && { idleMs: options.engine.idleMs }),
  });
  const apiKey = config.apiKey ?? sandboxApiKey(config);
  const metrics = new Metrics(store);
  let url = '';
  // Loaded only in sandbox: the LWC compiler and rollup are heavy, and servers never need them.
  const previewPage =
    emulators && salesforceAdapter && hubspotAdapter && options.preview !== false
      ? (await import('./preview/routes.ts')).preview({
          salesforce: salesforceAdapter,
          hubspot: hubspotAdapter,
          hubspotClientSecret: (hubspot?.clientSecret ?? '').split(',')[0]!.trim(),
          selfUrl: () => url,
          logger,
        })
      : undefined;
  let health: { at: number; value: Record<string, { ok: boolean; detail: string }> } | undefined;
  const app = createApp({
    store,
    apiKey,
    ...(config.metricsToken && { metricsToken: config.metricsToken }),
    crms: adapters.map((a) => a.crm),
    logger,
    metrics,
    onQueued: () => engine.poke(),
    verbatims,
    webhooks: config.webhooks,
    ...(config.trustProxy !== undefined && { trustProxy: config.trustProxy }),
    erasureKeepStatistics: config.erasureKeepStatistics ?? false,
    onFetchQueued: () => fetcher.poke(),
    hubspotApp: hubspotApp({
      store,
      crms: adapters.map((a) => a.crm),
      ...(hubspotAdapter && { hubspot: hubspotAdapter }),
      ...(hubspot?.clientSecret && {
        secrets: hubspot.clientSecret
          .split(',')
          .map((secret) => secret.trim())
          .filter(Boolean),
      }),
      logger,
      onQueued: () => engine.poke(),
      verbatims,
    }),
    ...(previewPage && { preview: previewPage.router }),
    surveys: surveyRouter({ store, surveys }),
    // The journey of the CRM named, or of the first configured (Salesforce's Touchpoint__mdt
    // when Salesforce is connected).
    journey: async (crm) => {
      const adapter = crm ? adapters.find((a) => a.crm === crm) : adapters[0];
      return adapter ? adapter.touchpoints() : DEFAULT_TOUCHPOINTS;
    },
    crmHealth: async () => {
      if (!health || Date.now() - health.at > 30_000) {
        const entries = await Promise.all(
          adapters.map(async (a) => [a.crm, await a.check()] as const),
        );
        health = { at: Date.now(), value: Object.fromEntries(entries) };
      }
      return health.value;
    },
  });
  const server: Server = await listening(app, config.port, host).catch(async (error: unknown) => {
    // Nothing left listening or open: the command that started us can exit.
    await emulators?.close();
    await store.close();
    throw error;
  });
  // Listening on every interface, the server is reached on this machine at its loopback address.
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  url = `http://${reachable}:${(server.address() as { port: number }).port}`;
  let demoReady: Promise<void> = Promise.resolve();
  let closing = false;
  if (
    config.sandbox &&
    emulators &&
    options.demo !== false &&
    (await store.answersSince('1970-01-01T00:00:00Z')).length === 0
  ) {
    const demo = demoData(Date.now());
    seedEmulators(emulators, demo);
    await seedDemoSettings(store, demo);
    await store.ingestAnswers(
      demo.answers,
      adapters.map((a) => a.crm),
      Date.now(),
    );
    await store.ingestRatings(
      demo.ratings,
      adapters.map((a) => a.crm),
      Date.now(),
    );
    demoReady = settleDemoCallbacks(store, logger, () => closing).catch(
      (error: Error) =>
        // Stopped before the demo's callbacks were ready: nothing to report.
        void (closing || logger.warn({ err: error.message }, 'demo callbacks not settled')),
    );
  }
  // Where this sandbox runs, for `boucle doctor` (which otherwise looks at PORT+1 and PORT+2).
  const sandboxFile =
    emulators && config.dbPath !== ':memory:'
      ? join(dirname(config.dbPath), SANDBOX_FILE)
      : undefined;
  if (sandboxFile && emulators)
    writeFileSync(
      sandboxFile,
      `${JSON.stringify({ pid: process.pid, url, salesforceUrl: emulators.salesforceUrl, hubspotUrl: emulators.hubspotUrl })}\n`,
    );
  if (options.startEngine !== false) engine.start();
  fetcher.start();
  deliveries.start();
  if (options.surveySweepMs !== 0) surveys.start();
  poller?.start();
  return {
    url,
    apiKey,
    store,
    engine,
    ...(emulators && { emulators }),
    ...(poller && { poller }),
    outbound,
    deliveries,
    surveys,
    demoReady,
    previewReady: previewPage?.ready ?? Promise.resolve(),
    close: async () => {
      closing = true;
      await previewPage?.close();
      await poller?.stop();
      await fetcher.stop();
      await surveys.stop();
      await deliveries.stop();
      await engine.stop();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await emulators?.close();
      if (sandboxFile) rmSync(sandboxFile, { force: true });
      await store.close();
    },
  };
}

/** The file beside the store where a running sandbox says where it is. */
export const SANDBOX_FILE = 'sandbox.json';

/**
 * The sandbox's API key: generated at the first start and kept beside the store (`./data/`), so
 * that it survives restarts as the demo data does; a new one comes with a fresh `./data/`.
 */
function sandboxApiKey(config: Config): string {
  const generate = () => `sandbox-${randomBytes(18).toString('base64url')}`;
  if (config.dbPath === ':memory:') return generate();
  const file = join(dirname(config.dbPath), 'sandbox-api-key');
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 16) return kept;
  }
  const key = generate();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/** Loads the demo's people, accounts and contacts into both emulators (not counted as API calls). */
function seedEmulators(emulators: RunningEmulators, demo: DemoData): void {
  const org = emulators.salesforce.org;
  const userIds = new Map<string, string>();
  for (const person of demo.people) {
    const managerId = person.managerKey ? userIds.get(person.managerKey) : undefined;
    const result = org.create('User', {
      Username: person.email,
      FirstName: person.firstName,
      LastName: person.lastName,
      Email: person.email,
      ...(managerId && { ManagerId: managerId }),
    });
    if (result.success) userIds.set(person.key, result.id);
  }
  org.create('Group', { Name: 'CX Team', DeveloperName: 'CX_Team', Type: 'Queue' });
  const portal = emulators.hubspot.portal;
  portal.owners = demo.people.map((p, i) => ({
    id: String(70_000 + i),
    email: p.email,
    firstName: p.firstName,
    lastName: p.lastName,
    userId: 9_000 + i,
    teams: demoTeamsOf(p),
    archived: false,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  }));
  const ownerOf = (key: string) => String(70_000 + demo.people.findIndex((p) => p.key === key));
  for (const account of demo.accounts) {
    const created = org.create('Account', {
      Name: account.name,
      Website: `https://www.${account.domain}`,
      OwnerId: userIds.get(account.ownerKey),
    });
    const company = portal.create('companies', {
      properties: {
        name: account.name,
        domain: account.domain,
        hubspot_owner_id: ownerOf(account.ownerKey),
      },
    });
    for (const contact of account.contacts) {
      org.create('Contact', {
        FirstName: contact.firstName,
        LastName: contact.lastName,
        Email: contact.email,
        Title: contact.title,
        ...(created.success && { AccountId: created.id }),
      });
      const hs = portal.create('contacts', {
        properties: {
          email: contact.email,
          firstname: contact.firstName,
          lastname: contact.lastName,
          jobtitle: contact.title,
          hubspot_owner_id: ownerOf(account.ownerKey),
        },
      });
      portal.link('contacts', hs.id, 'companies', company.id);
    }
  }
}
