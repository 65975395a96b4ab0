/**
 * The sandbox's preview page at `/`: Boucle's real Lightning Web Components (account card, manager
 * queue, callback logger) running in the browser against the Salesforce emulator, and the HubSpot
 * company card's data for the same account.
 *
 * The components' Lightning Data Service calls go through `/preview/api/salesforce/*`, a bridge
 * that forwards them through the Salesforce adapter (the server's session, as LDS would use the
 * user's) to the emulator's GraphQL API and UI API record resource; what the logger saves therefore lands in the
 * emulator's records, and the sync reads it back like any change made in Salesforce. The HubSpot
 * panel calls `/hubspot/companies/:id/summary` signed as HubSpot's `hubspot.fetch` proxy signs it.
 * Only mounted in sandbox mode.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { HubSpotAdapter } from '../crm/hubspot/adapter.ts';
import type { SalesforceAdapter } from '../crm/salesforce/adapter.ts';
import { quote } from '../crm/salesforce/client.ts';
import { ApiError } from '../errors.ts';
import { buildPreview, REPO_ROOT, type PreviewBundle } from './build.ts';
import { previewPage, type PreviewContext } from './page.ts';

export interface PreviewDeps {
  /** The adapters of the sandbox's emulators. */
  readonly salesforce: SalesforceAdapter;
  readonly hubspot: HubSpotAdapter;
  /** The HubSpot app's client secret the sandbox server verifies `/hubspot/*` with. */
  readonly hubspotClientSecret: string;
  /** The Boucle server's own URL, once it listens. */
  readonly selfUrl: () => string;
  readonly logger: Logger;
  /** The account the page opens on (its key: the domain). */
  readonly accountKey?: string;
}

export const DEMO_ACCOUNT_KEY = 'acme-industrie.example';
const SLDS = join(
  dirname(
    createRequire(join(REPO_ROOT, 'server', 'package.json')).resolve(
      '@salesforce-ux/design-system/package.json',
    ),
  ),
  'assets',
);

export interface Preview {
  readonly router: express.Router;
  /** Settles once the page's script is built (or its build failed; the page then says why). */
  readonly ready: Promise<void>;
  /** Stops a build still running (the server is closing). */
  close(): Promise<void>;
}

export function preview(deps: PreviewDeps): Preview {
  const router = express.Router();
  const accountKey = deps.accountKey ?? DEMO_ACCOUNT_KEY;
  let bundle: PreviewBundle | undefined;
  let buildError: string | undefined;
  const stop = new AbortController();
  const building = buildPreview((message) => deps.logger.info(`preview: ${message}`), stop.signal)
    .then((built) => {
      bundle = built;
      deps.logger.info(
        { cached: !built.built, ...(built.built && { seconds: Math.round(built.ms / 1000) }) },
        'preview: the page is ready (the Lightning components against the Salesforce emulator)',
      );
    })
    .catch((error: Error) => {
      buildError = error.message;
      if (stop.signal.aborted) return;
      deps.logger.error({ err: error.message }, 'preview: the components could not be compiled');
    });

  /** Where the page opens: the demo account, its next callback to make, and who is signed in. */
  async function context(language: 'en' | 'fr'): Promise<PreviewContext> {
    const website = `https://www.${accountKey}`;
    // The logger opens on the account's next callback still to reach (open, escalated or tried),
    // or else the org's; the signed-in user is its assignee's manager (or the assignee, a manager),
    // whose queue and team the page shows.
    type Callback = {
      Id: string;
      Name: string;
      Assignee__c: string | null;
      Assignee__r: {
        Name: string;
        ManagerId: string | null;
        Manager: { Name: string } | null;
      } | null;
      Account__r: { Website: string | null } | null;
    };
    const [accounts, callbacks, reports] = await Promise.all([
      deps.salesforce.queries<{ Id: string; Name: string }>([
        `SELECT Id, Name FROM Account WHERE Website = ${quote(website)} LIMIT 1`,
      ]),
      deps.salesforce.queries<Callback>([
        `SELECT Id, Name, Assignee__c, Assignee__r.Name, Assignee__r.ManagerId, Assignee__r.Manager.Name, Account__r.Website FROM Callback__c
         WHERE Status__c IN ('Open', 'Escalated', 'Attempted') ORDER BY Due_At__c ASC LIMIT 200`,
      ]),
      deps.salesforce.queries<{ ManagerId: string }>([
        'SELECT ManagerId FROM User WHERE ManagerId != null',
      ]),
    ]);
    const account = accounts[0];
    // A manager's callback first (someone reports to its assignee), so that the Home page's team
    // overview has a team to show; a rep's callback signs in the rep's manager, whose queue and
    // team hold it.
    const managers = new Set(reports.map((user) => user.ManagerId));
    const onAccount = callbacks.filter((c) => c.Account__r?.Website === website);
    const callback =
      onAccount.find((c) => c.Assignee__c && managers.has(c.Assignee__c)) ??
      onAccount[0] ??
      callbacks[0];
    const assignee = callback?.Assignee__c && callback.Assignee__r;
    const signedIn =
      assignee && !managers.has(callback.Assignee__c as string) && assignee.ManagerId
        ? { userId: assignee.ManagerId, userName: assignee.Manager?.Name ?? assignee.Name }
        : assignee
          ? { userId: callback.Assignee__c as string, userName: assignee.Name }
          : undefined;
    return {
      language,
      accountKey,
      ...(account && { accountId: account.Id, accountName: account.Name }),
      ...(callback && { callbackId: callback.Id, callbackName: callback.Name }),
      ...signedIn,
    };
  }

  // The bridge reads and writes emulator records without a key because only this machine can
  // reach it; a DNS-rebinding page would reach it through the browser under its own name, so
  // requests must name the loopback address and port in Host.
  const loopbackOnly = (req: Request, _res: Response, next: (error?: unknown) => void) => {
    const port = new URL(deps.selfUrl()).port;
    const host = (req.get('host') ?? '').toLowerCase();
    if ([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host)) return next();
    next(
      new ApiError(
        403,
        'forbidden_host',
        `The preview answers only as http://127.0.0.1:${port} or http://localhost:${port}, not as ${host || 'no Host'}`,
      ),
    );
  };
  router.use('/preview', loopbackOnly);

  router.get('/', loopbackOnly, async (req: Request, res: Response) => {
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
  // The page's icon (browsers ask for /favicon.ico; a 404 shows as a console error).
  router.get(['/favicon.ico', '/preview/favicon.svg'], (_req, res) => {
    res.type('image/svg+xml').set('Cache-Control', 'max-age=86400').send(FAVICON);
  });
  router.use('/preview/slds', express.static(SLDS, { fallthrough: false, maxAge: '1h' }));

  // The Lightning Data Service bridge: only the two resources the stand-ins call, answered with
  // Salesforce's own status and body.
  const relay = (res: Response, answer: { status: number; body: string }) =>
    void res.status(answer.status).type('json').send(answer.body);
  router.post(
    '/preview/api/salesforce/graphql',
    express.json({ limit: '256kb' }),
    async (req, res) => {
      relay(
        res,
        await deps.salesforce.uiApi('POST', 'graphql', {
          query: req.body?.query,
          variables: req.body?.variables ?? {},
        }),
      );
    },
  );
  router.all(
    '/preview/api/salesforce/records/:id',
    express.json({ limit: '256kb' }),
    async (req, res) => {
      if (req.method !== 'GET' && req.method !== 'PATCH')
        throw new ApiError(405, 'method_not_allowed', 'Records are read (GET) and updated (PATCH)');
      const query = new URLSearchParams(req.query as Record<string, string>).toString();
      const path = `ui-api/records/${encodeURIComponent(String(req.params.id))}${query ? `?${query}` : ''}`;
      relay(
        res,
        req.method === 'GET'
          ? await deps.salesforce.uiApi('GET', path)
          : await deps.salesforce.uiApi('PATCH', path, req.body ?? {}),
      );
    },
  );

  // The HubSpot company card's data, fetched as the card does (a signed hubspot.fetch call).
  router.get('/preview/api/hubspot/company', async (_req, res) => {
    const company = await deps.hubspot.companyByDomain(accountKey);
    if (!company)
      throw new ApiError(404, 'not_found', `No HubSpot company has the domain ${accountKey}`);
    const url = `${deps.selfUrl()}/hubspot/companies/${company.id}/summary?portalId=${await deps.hubspot.portalId()}`;
    const timestamp = String(Date.now());
    const signature = createHmac('sha256', deps.hubspotClientSecret)
      .update(`GET${url}${timestamp}`)
      .digest('base64');
    const response = await fetch(url, {
      headers: { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp },
    });
    relay(res, { status: response.status, body: await response.text() });
  });
  return {
    router,
    ready: building,
    close: async () => {
      stop.abort();
      await building;
    },
  };
}

/** Boucle's loop in Salesforce blue. */
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="11" fill="none" stroke="#0176d3" stroke-width="5"/></svg>';
