import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { waitFor } from '../sync/harness.ts';

// The preview page in a real browser (Debian's Chromium driven by playwright-core): Boucle's
// Lightning components compiled with LWC OSS, reading and writing the Salesforce emulator.
// `.ci/run` installs Chromium; elsewhere set BOUCLE_CHROMIUM to a Chromium or Chrome binary.
// Screenshots go to BOUCLE_SCREENSHOTS (`npm run screenshots` refreshes the README's) or a
// temporary folder.

const CHROMIUM = process.env.BOUCLE_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI)
  throw new Error(`CI runs the browser test but there is no Chromium at ${CHROMIUM}`);
const SHOTS = process.env.BOUCLE_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'boucle-shots-'));
const ACCOUNT = 'acme-industrie.example';
const HOSTILE = '<img src=x onerror="window.__pwned = 1">Livraison en retard, <b>encore</b>.';

let server: RunningServer;
let browser: Browser;
let page: Page;

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${server.apiKey}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
  expect(response.ok, `${path}: ${response.status}`).toBe(true);
  return (await response.json()) as T;
}

/** Until the sync has written everything queued to both CRMs. */
async function synced() {
  await waitFor(
    async () =>
      Object.entries(await server.store.queueStats())
        .filter(([key]) => key.endsWith('.ready') || key.endsWith('.running'))
        .every(([, n]) => n === 0),
    90_000,
    'the sync queue to drain',
  );
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** What axe-core finds serious or critical on the page (WCAG 2.1 AA rules). */
async function accessibilityProblems(): Promise<string[]> {
  await page.evaluate(AXE); // through the DevTools protocol: the page's CSP rightly refuses inline scripts
  const result = (await page.evaluate(() =>
    (
      window as unknown as {
        axe: { run: (context: Document, options: object) => Promise<unknown> };
      }
    ).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    }),
  )) as {
    violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

const signed = (n: number | null) => (n === null ? '—' : `${n > 0 ? '+' : ''}${n.toFixed(1)}`);

describe.skipIf(!available)('the preview page in Chromium', () => {
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boucle-preview-'));
    server = await startServer(
      loadConfig({ PORT: '0', BOUCLE_DB: join(dir, 'boucle.db'), BOUCLE_LOG_LEVEL: 'silent' }),
      { logger: pino({ level: 'silent' }), feedbackPollMs: 0 },
    );
    await server.demoReady;
    await synced();
    await server.previewReady;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    mkdirSync(SHOTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows the demo account's NPS on the account card, as the server's summary has it", async () => {
    await page.goto(`${server.url}/`);
    const nps = page.locator('c-nps-account-card .nps');
    await nps.waitFor({ timeout: 60_000 });
    const summary = await api<{
      overall: { nps: number | null; margin: number | null; n: number };
      norm: { nps: number } | null;
    }>(`/v1/accounts/${ACCOUNT}/summary`);
    expect(summary.overall.n).toBeGreaterThan(0);
    expect((await nps.textContent())?.trim()).toBe(signed(summary.overall.nps));
    expect((await page.locator('c-nps-account-card .margin').textContent())?.trim()).toBe(
      `± ${summary.overall.margin?.toFixed(1)}`,
    );
    expect(await page.locator('c-nps-account-card .count').textContent()).toContain(
      String(summary.overall.n),
    );
    // The org-wide norm: the server's NPS_Norm__c record, the same figure as its summary's norm.
    expect(summary.norm).not.toBeNull();
    expect(await page.locator('c-nps-account-card .norm').textContent()).toContain(
      `org-wide NPS of ${signed(summary.norm?.nps ?? null)}`,
    );
    // The monthly trend as a chart: a dot per month with answers, the margin as a band, and the
    // figures behind it in a table for screen readers.
    const chart = page.locator('c-nps-account-card svg.trend-chart');
    expect(await chart.getAttribute('role')).toBe('img');
    expect(await chart.getAttribute('aria-label')).toContain('Monthly NPS');
    expect(await chart.locator('circle.dot').count()).toBeGreaterThan(1);
    expect(await chart.locator('path.band').count()).toBeGreaterThan(0);
    expect((await chart.boundingBox())?.height).toBeGreaterThan(50);
    expect(await page.locator('c-nps-account-card table.trend tbody tr').count()).toBe(12);
    expect(await page.locator('c-nps-account-card .touchpoints-chart .tp-bar').count()).toBe(
      await page.locator('c-nps-account-card table.touchpoints tbody tr').count(),
    );
    // The HubSpot company card's data for the same account, from the signed /hubspot backend.
    await expect
      .poll(async () => (await page.locator('.hubspot-nps').textContent())?.trim(), {
        timeout: 30_000,
      })
      .toBe(signed(summary.overall.nps));
  });

  it("lists the signed-in manager's team callbacks in the queue; the page passes axe-core's WCAG AA rules", async () => {
    const rows = page.locator('c-nps-callback-queue tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(0);
    // The manager's team overview beside the queue: a row per member who reports to them, then
    // the whole team, each against the org-wide NPS.
    const members = page.locator('c-nps-team-overview tr.member');
    await members.first().waitFor({ timeout: 30_000 });
    expect(await members.count()).toBeGreaterThan(0);
    expect(await page.locator('c-nps-team-overview [role="alert"]').count()).toBe(0);
    expect(await page.locator('c-nps-team-overview tr.total th').textContent()).toContain(
      'Whole team',
    );
    await page.screenshot({ path: join(SHOTS, 'preview.png'), fullPage: true });
    expect(await accessibilityProblems()).toEqual([]);
    expect(statSync(join(SHOTS, 'preview.png')).size).toBeGreaterThan(10_000);
  });

  it('logs a callback outcome in the logger, and the record lands in the Salesforce emulator', async () => {
    const context = JSON.parse((await page.locator('#boucle-preview').textContent()) as string) as {
      callbackId: string;
    };
    expect(context.callbackId).toBeTruthy();
    const logger = page.locator('c-nps-callback-logger');
    await logger.getByText('Customer reached').click();
    await logger
      .locator('lightning-textarea.notes textarea')
      .fill('Called back: invoice corrected.');
    await logger.locator('lightning-input.root-cause input').fill('Billing');
    await logger.getByRole('button', { name: 'Log' }).click();
    await page.locator('#toasts', { hasText: 'Callback logged' }).waitFor({ timeout: 15_000 });
    const state = (await (
      await fetch(`${server.emulators?.salesforceUrl}/__emulator/state`)
    ).json()) as { objects: { Callback__c: Record<string, unknown>[] } };
    const record = state.objects.Callback__c.find((c) => c.Id === context.callbackId);
    expect(record).toMatchObject({
      Status__c: 'Reached',
      Notes__c: 'Called back: invoice corrected.',
      Root_Cause__c: 'Billing',
    });
    expect(record?.Reached_At__c).toEqual(expect.any(String));
    // The logger now offers the moves after "reached" only, blank, saying what it saved.
    await expect
      .poll(() => logger.locator('lightning-radio-group').getByText('Customer reached').count(), {
        timeout: 10_000,
      })
      .toBe(0);
    expect(await logger.locator('.saved').textContent()).toContain('Customer reached');
    expect(await logger.locator('.saved').textContent()).toContain('Billing');
    expect(await logger.locator('lightning-textarea.notes textarea').inputValue()).toBe('');
  });

  it('puts a callback of the queue in the logger when its link is clicked', async () => {
    const link = page.locator('c-nps-callback-queue a.open').last();
    const name = ((await link.textContent()) ?? '').trim();
    await link.click();
    await page.locator('#logging-for', { hasText: `Logging for ${name}` }).waitFor();
    // Still the preview: a link to a Salesforce record page is not followed here.
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('reads in French, labels and all, with no serious accessibility problem', async () => {
    await page.goto(`${server.url}/?lang=fr`);
    await page.locator('c-nps-account-card .nps').waitFor({ timeout: 60_000 });
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await page.getByText('Avis clients (NPS)').waitFor();
    await page.getByText('Aperçu de Boucle').waitFor();
    // Figures and months the French way: a decimal comma, French month names.
    expect((await page.locator('c-nps-account-card .nps').textContent())?.trim()).toMatch(
      /^([+-]?\d+,\d|—)$/,
    );
    const month = new Intl.DateTimeFormat('fr-FR', {
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(new Date());
    expect(
      (
        await page.locator('c-nps-account-card table.trend tbody tr:last-child th').textContent()
      )?.trim(),
    ).toBe(month);
    expect(
      await page.locator('c-nps-account-card svg.trend-chart').getAttribute('aria-label'),
    ).toContain('NPS mensuel');
    await page.screenshot({ path: join(SHOTS, 'preview-fr.png'), fullPage: true });
    expect(await accessibilityProblems()).toEqual([]);
  });

  it('shows customer text as text: a verbatim holding HTML runs nothing and renders no element', async () => {
    // A verbatim that would run script if any display treated customer text as HTML.
    await api('/v1/answers', {
      method: 'POST',
      body: JSON.stringify({
        id: 'preview-hostile-1',
        score: 4,
        comment: HOSTILE,
        answeredAt: new Date().toISOString(),
        account: { domain: ACCOUNT },
        touchpoint: 'after-sale',
        language: 'fr',
      }),
    });
    await synced();
    await page.goto(`${server.url}/`);
    const verbatim = page.locator('c-nps-account-card .comment', {
      hasText: 'Livraison en retard',
    });
    await verbatim.waitFor();
    expect(await verbatim.textContent()).toBe(HOSTILE);
    expect(
      await page.locator('c-nps-account-card .comment img, c-nps-account-card .comment b').count(),
    ).toBe(0);
    const hubspotVerbatim = page.locator('#hubspot-card li', { hasText: 'Livraison en retard' });
    await hubspotVerbatim.waitFor();
    expect(await hubspotVerbatim.textContent()).toBe(HOSTILE);
    expect(await page.locator('#hubspot-card img').count()).toBe(0);
    expect(
      await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
    ).toBeUndefined();
  });
});
