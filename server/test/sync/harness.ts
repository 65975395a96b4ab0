import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { Config, WebhooksConfig } from '../../src/config/config.ts';
import { startEmulators, type RunningEmulators } from '../../src/emulators/start.ts';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server.ts';

export const API_KEY = 'test-key-0123456789abcdef';

/**
 * A Boucle server in a child process (`worker.ts`) with this environment, for the tests that kill
 * one with SIGKILL: `url` settles with its address once it listens, and fails if it exits first.
 */
export function spawnWorker(env: NodeJS.ProcessEnv): { child: ChildProcess; url: Promise<string> } {
  const child = fork(fileURLToPath(new URL('./worker.ts', import.meta.url)), [], {
    env,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const url = new Promise<string>((resolve, reject) => {
    child.on('message', (message) => resolve(String((message as { url: string }).url)));
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  return { child, url };
}

/** Polls until `check` holds (or fails after `timeoutMs`): no fixed sleeps. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface Harness {
  readonly emulators: RunningEmulators;
  readonly server: RunningServer;
  readonly config: Config;
  readonly ids: {
    owner: string;
    manager: string;
    account: string;
    hubspotOwner: string;
    company: string;
  };
  api(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  sf(): Promise<Record<string, Record<string, unknown>[]>>;
  hs(): Promise<{
    objects: Record<string, { id: string; properties: Record<string, string | null> }[]>;
    associations: { from: string; to: string }[];
  }>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The server as it runs against real CRMs (not sandbox), pointed at both emulators, with an org
 * and a portal holding Acme: its owner (whose manager is Marc), two contacts, a queue.
 */
export async function startHarness(
  options: {
    customObjects?: boolean;
    dbPath?: string;
    /** PostgreSQL instead of SQLite (a fresh database from ../store/postgres.ts). */
    databaseUrl?: string;
    /** Log in to Salesforce with the JWT bearer flow: the emulator checks this key pair. */
    jwt?: { certificate: string; privateKeyFile: string };
    webhooks?: Partial<WebhooksConfig>;
    /** The HubSpot app's client secret (turns on the /hubspot backend). */
    hubspotClientSecret?: string;
    /** Bulk API 2.0 settings of the Salesforce connection (threshold, polling). */
    salesforceBulk?: NonNullable<Config['salesforce']>['bulk'];
    /** Engine settings over the harness's fast ones (a smaller attempt budget, say). */
    engine?: ServerOptions['engine'];
    /** BOUCLE_ERASURE_KEEP_STATISTICS. */
    erasureKeepStatistics?: boolean;
  } = {},
): Promise<Harness> {
  const emulators = await startEmulators({
    hubspot: { customObjects: options.customObjects ?? true, burstLimit: 10_000 },
    // The integration user holds the package's Boucle Integration set alone, as the README says:
    // every sync test then proves that set grants what the server writes.
    salesforce: {
      integrationPermissionSet: 'Boucle_Integration',
      ...(options.jwt && { jwtCertificate: options.jwt.certificate }),
    },
  });
  const org = emulators.salesforce.org;
  const manager = org.create('User', {
    Username: 'marc@vendor.example',
    LastName: 'Lefèvre',
    Email: 'marc@vendor.example',
  }) as { id: string };
  const owner = org.create('User', {
    Username: 'paul@vendor.example',
    LastName: 'Roux',
    Email: 'paul@vendor.example',
    ManagerId: manager.id,
  }) as { id: string };
  const account = org.create('Account', {
    Name: 'Acme',
    Website: 'https://www.acme.example',
    OwnerId: owner.id,
  }) as { id: string };
  org.create('Contact', {
    LastName: 'Martin',
    Email: 'claire@acme.example',
    AccountId: account.id,
  });
  org.create('Contact', { LastName: 'Durand', Email: 'luc@acme.example', AccountId: account.id });
  org.create('Group', { Name: 'CX Team', DeveloperName: 'CX_Team', Type: 'Queue' });
  const integration = org.create('User', {
    Username: 'integration@acme.example',
    LastName: 'Integration',
    Email: 'integration@acme.example',
  }) as { id: string };
  org.assign(integration.id, 'Boucle_Integration'); // the JWT flow's user

  const portal = emulators.hubspot.portal;
  portal.owners = [
    {
      id: '501',
      email: 'paul@vendor.example',
      firstName: 'Paul',
      lastName: 'Roux',
      userId: 1,
      teams: [],
      archived: false,
      createdAt: '',
      updatedAt: '',
    },
  ];
  const company = portal.create('companies', {
    properties: { name: 'Acme', domain: 'acme.example', hubspot_owner_id: '501' },
  });
  for (const email of ['claire@acme.example', 'luc@acme.example']) {
    const contact = portal.create('contacts', { properties: { email } });
    portal.link('contacts', contact.id, 'companies', company.id);
  }
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    dbPath: options.dbPath ?? join(mkdtempSync(join(tmpdir(), 'boucle-e2e-')), 'boucle.db'),
    ...(options.databaseUrl && { databaseUrl: options.databaseUrl }),
    sandbox: false,
    apiKey: API_KEY,
    salesforce: options.jwt
      ? {
          auth: 'jwt',
          loginUrl: emulators.salesforceUrl,
          clientId: 'boucle-sandbox',
          username: 'integration@acme.example',
          privateKeyFile: options.jwt.privateKeyFile,
          apiVersion: '62.0',
        }
      : {
          auth: 'client_credentials',
          loginUrl: emulators.salesforceUrl,
          clientId: 'boucle-sandbox',
          clientSecret: 'sandbox',
          apiVersion: '62.0',
          ...(options.salesforceBulk && { bulk: options.salesforceBulk }),
        },
    hubspot: {
      baseUrl: emulators.hubspotUrl,
      accessToken: 'pat-sandbox',
      ...(options.hubspotClientSecret && { clientSecret: options.hubspotClientSecret }),
    },
    logLevel: 'silent',
    webhooks: { ratePerMinute: 10_000, ...options.webhooks },
    hubspotFeedbackPollSeconds: 0,
    ...(options.erasureKeepStatistics && { erasureKeepStatistics: true }),
  };
  const start = () =>
    startServer(config, {
      logger: pino({ level: 'silent' }),
      engine: {
        idleMs: 20,
        backoffBaseMs: 20,
        unmatchedRetryMs: 300,
        leaseMs: 3_000,
        heartbeatMs: 500,
        rollupDelayMs: 50,
        ...options.engine,
      },
      hubspotRequestsPer10s: 10_000,
    });
  let server = await start();
  const harness: Harness = {
    emulators,
    get server() {
      return server;
    },
    config,
    ids: {
      owner: owner.id,
      manager: manager.id,
      account: account.id,
      hubspotOwner: '501',
      company: company.id,
    },
    async api(method, path, body, headers = {}) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${API_KEY}`,
          'content-type': 'application/json',
          ...headers,
        },
        ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      };
    },
    async sf() {
      return (
        (await (await fetch(`${emulators.salesforceUrl}/__emulator/state`)).json()) as {
          objects: Record<string, Record<string, unknown>[]>;
        }
      ).objects;
    },
    async hs() {
      return (await (await fetch(`${emulators.hubspotUrl}/__emulator/state`)).json()) as Awaited<
        ReturnType<Harness['hs']>
      >;
    },
    async restart() {
      await server.close();
      server = await start();
    },
    async close() {
      await server.close();
      await emulators.close();
    },
  };
  return harness;
}

let counter = 0;
/** A valid answer of the API, with overrides. */
export function answer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter++;
  return {
    id: `ans-${counter}`,
    score: 9,
    answeredAt: new Date(Date.now() - 3_600_000).toISOString(),
    respondent: { email: 'claire@acme.example' },
    account: { domain: 'acme.example' },
    touchpoint: 'after-sale',
    ...overrides,
  };
}
