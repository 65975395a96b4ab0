/**
 * The sandbox's preview page at `/`: Boucle's real Lightning Web Components (account card, manager
 * queue, callback logger) running in the browser against the Salesforce emulator, and the HubSpot
 * company card's data for the same account.
 *
 * The components' Lightning Data Service calls go through `/preview/api/salesforce/*`, a bridge
 * that forwards them with jsforce (the server's session, as LDS would use the user's) to the
 * emulator's GraphQL API and UI API record resource; what the logger saves therefore lands in the
 * emulator's records, and the sync reads it back like any change made in Salesforce. The HubSpot
 * panel calls `/hubspot/companies/:id/summary` signed as HubSpot's `hubspot.fetch` proxy signs it.
 * Only mounted in sandbox mode.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Client } from '@hubspot/api-client';
import express, { type Request, type Response } from 'express';
import jsforce, { type Connection } from 'jsforce';
import type { Logger } from 'pino';
import { ApiError } from '../errors.ts';
import { buildPreview, REPO_ROOT, type PreviewBundle } from './build.ts';
import { previewPage, type PreviewContext } from './page.ts';

export interface PreviewDeps {
  readonly salesforceUrl: string;
  readonly hubspotUrl: string;
  /** The HubSpot app's client secret the sandbox server verifies `/hubspot/*` with. */
  readonly hubspotClientSecret: string;
  /** The Boucle server's own URL, once it listens. */
  readonly selfUrl: () => string;
  readonly logger: Logger;
  /** The account the page opens on (its key: the domain). */
  readonly accountKey?: string;
}

const API_VERSION = '62.0';
export const DEMO_ACCOUNT_KEY = 'acme-industrie.example';
const SLDS = join(
  dirname(
    createRequire(join(REPO_ROOT, 'server', 'package.json')).resolve(
      '@salesforce-ux/design-system/package.json',
    ),
  ),
  'assets',
);
const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export interface Preview {
  readonly router: express.Router;
  /** Settles once the page's script is built (or its build failed; the page then says why). */
  readonly ready: Promise<void>;
}

export function preview(deps: PreviewDeps): Preview {
  const router = express.Router();
  const accountKey = deps.accountKey ?? DEMO_ACCOUNT_KEY;
  let bundle: PreviewBundle | undefined;
  let buildError: string | undefined;
  const building = buildPreview((message) => deps.logger.info(`preview: ${message}`))
    .then((built) => {
      bundle = built;
      deps.logger.info(
        { cached: !built.built },
        'preview: the page is ready (the Lightning components against the Salesforce emulator)',
      );
    })
    .catch((error: Error) => {
      buildError = error.message;
      deps.logger.error({ err: error.message }, 'preview: the components could not be compiled');
    });

  let connection: Promise<Connection> | undefined;
  const salesforce = () =>
    (connection ??= (async () => {
      const conn = new jsforce.Connection({
        oauth2: {
          clientId: 'boucle-sandbox',
          clientSecret: 'sandbox',
          loginUrl: deps.salesforceUrl,
        },
        version: API_VERSION,
      });
      await conn.authorize({ grant_type: 'client_credentials' });
      return conn;
    })().catch((error: Error) => {
      connection = undefined;
      throw error;
    }));
  const hubspot = new Client({ accessToken: 'pat-sandbox', basePath: deps.hubspotUrl });

  /** Where the page opens: the demo account, its first open callback, and who is signed in. */
  async function context(language: 'en' | 'fr'): Promise<PreviewContext> {
    const conn = await salesforce();
    const account = (
      await conn.query<{ Id: string; Name: string }>(
        `SELECT Id, Name FROM Account WHERE Website = ${quote(`https://www.${accountKey}`)} LIMIT 1`,
      )
    ).records[0];
    // The logger opens on the account's next callback still to reach (open, escalated or tried),
    // or else the org's; the signed-in user is its assignee, whose queue the page shows.
    const open = "Status__c IN ('Open', 'Escalated', 'Attempted')";
    const firstOpen = async (where: string) =>
      (
        await conn.query<{ Id: string; Name: string; Assignee__c: string | null }>(
          `SELECT Id, Name, Assignee__c FROM Callback__c WHERE ${where} ORDER BY Due_At__c ASC LIMIT 1`,
        )
      ).records[0];
    const callback =
      (account && (await firstOpen(`Account__c = ${quote(account.Id)} AND ${open}`))) ||
      (await firstOpen(open));
    const user = callback?.Assignee__c
      ? (
          await conn.query<{ Id: string; Name: string }>(
            `SELECT Id, Name FROM User WHERE Id = ${quote(callback.Assignee__c)}`,
          )
        ).records[0]
      : undefined;
    return {
      language,
      accountKey,
      ...(account && { accountId: account.Id, accountName: account.Name }),
      ...(callback && { callbackId: callback.Id, callbackName: callback.Name }),
      ...(user && { userId: user.Id, userName: user.Name }),
    };
  }

  router.get('/', async (req: Request, res: Response) => {
    const language = req.query.lang === 'fr' ? 'fr' : 'en';
    res.set(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
    );
    if (buildError)
      return void res
        .status(503)
        .type('html')
        .send(previewPage({ language, failed: buildError }));
    if (!bundle) return void res.type('html').send(previewPage({ language, building: true }));
    res.type('html').send(previewPage({ language, context: await context(language) }));
  });
  router.get('/preview/app.js', async (_req, res) => {
    await building;
    if (!bundle)
      throw new ApiError(503, 'preview_unavailable', buildError ?? 'The preview is not built');
    res.type('text/javascript').set('Cache-Control', 'no-cache').send(readFileSync(bundle.path));
  });
  router.use('/preview/slds', express.static(SLDS, { fallthrough: false, maxAge: '1h' }));

  // The Lightning Data Service bridge: only the two resources the stand-ins call.
  router.post(
    '/preview/api/salesforce/graphql',
    express.json({ limit: '256kb' }),
    async (req, res) => {
      const conn = await salesforce();
      const result = await conn.request({
        method: 'POST',
        url: `/services/data/v${API_VERSION}/graphql`,
        body: JSON.stringify({ query: req.body?.query, variables: req.body?.variables ?? {} }),
        headers: { 'content-type': 'application/json' },
      });
      res.json(result);
    },
  );
  router.all(
    '/preview/api/salesforce/records/:id',
    express.json({ limit: '256kb' }),
    async (req, res) => {
      if (req.method !== 'GET' && req.method !== 'PATCH')
        throw new ApiError(405, 'method_not_allowed', 'Records are read (GET) and updated (PATCH)');
      const conn = await salesforce();
      const query = new URLSearchParams(req.query as Record<string, string>).toString();
      const response = await fetch(
        `${conn.instanceUrl}/services/data/v${API_VERSION}/ui-api/records/${encodeURIComponent(String(req.params.id))}${query ? `?${query}` : ''}`,
        {
          method: req.method,
          headers: {
            authorization: `Bearer ${conn.accessToken}`,
            'content-type': 'application/json',
          },
          ...(req.method === 'PATCH' && { body: JSON.stringify(req.body ?? {}) }),
        },
      );
      res
        .status(response.status)
        .type('json')
        .send(await response.text());
    },
  );

  // The HubSpot company card's data, fetched as the card does (a signed hubspot.fetch call).
  router.get('/preview/api/hubspot/company', async (_req, res) => {
    const [company] = (
      await hubspot.crm.companies.batchApi.read({
        idProperty: 'domain',
        inputs: [{ id: accountKey }],
        properties: ['name', 'domain'],
        propertiesWithHistory: [],
      })
    ).results;
    if (!company)
      throw new ApiError(404, 'not_found', `No HubSpot company has the domain ${accountKey}`);
    const details = await hubspot.apiRequest({ method: 'GET', path: '/account-info/v3/details' });
    const { portalId } = (await details.json()) as { portalId: number };
    const url = `${deps.selfUrl()}/hubspot/companies/${company.id}/summary?portalId=${portalId}`;
    const timestamp = String(Date.now());
    const signature = createHmac('sha256', deps.hubspotClientSecret)
      .update(`GET${url}${timestamp}`)
      .digest('base64');
    const response = await fetch(url, {
      headers: { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp },
    });
    res
      .status(response.status)
      .type('json')
      .send(await response.text());
  });
  return { router, ready: building };
}
