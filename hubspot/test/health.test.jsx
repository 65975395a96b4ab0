import { describe, expect, it } from 'vitest';
import { LoadingSpinner, StatusTag, TableCell, TableRow, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { HealthView } from '../src/app/settings/HealthView.jsx';
import { fakeFetch, fromServer, likeServer, serverRoutes, settle } from './fakeBoucle.js';

// What GET /hubspot/settings/health answered in server/test/sync/syncLog.e2e.test.ts: HubSpot
// refused one answer for good, Salesforce wrote everything.
const health = fromServer('settings-health');

function renderHealth(routes, locale = 'en') {
  const renderer = createRenderer('settings');
  renderer.render(<HealthView context={{ user: { id: 1, locale } }} fetch={fakeFetch(routes)} />);
  return renderer;
}

const rowTexts = (findAll) =>
  findAll(TableRow).map((row) => row.findAll(TableCell).map((cell) => cell.text));

describe('the sync health on the HubSpot settings page', () => {
  it('shows each CRM with its status, backlog, refused records and API calls', async () => {
    const { find, findAll, maybeFind } = renderHealth(serverRoutes(health));
    expect(find(LoadingSpinner)).toBeTruthy();
    await settle();
    expect(maybeFind(LoadingSpinner)).toBeNull();
    const tags = findAll(StatusTag).map((tag) => [tag.text, tag.props.variant]);
    expect(tags).toEqual([
      ['Syncing', 'success'],
      ['Records refused', 'warning'],
    ]);
    const rows = rowTexts(findAll);
    // The status cell holds the tag above.
    expect(rows).toContainEqual([
      'HubSpot',
      null,
      expect.stringMatching(/UTC$/),
      '0',
      '1',
      '1,000 of 250,000 (0.4%)',
    ]);
  });

  it('lists the record the CRM refused, with its error', async () => {
    const { findAll } = renderHealth(serverRoutes(health));
    await settle();
    const row = rowTexts(findAll).find((cells) => cells.includes('Answers: api:refused-1'));
    expect(row).toEqual([
      expect.stringMatching(/UTC$/),
      'HubSpot',
      'Answers: api:refused-1',
      expect.stringContaining('Property values were not valid'),
      '1',
    ]);
    expect(findAll(Text).some((t) => t.text.includes('npx boucle dead-letters replay'))).toBe(true);
  });

  it('speaks French to a French-speaking admin', async () => {
    const { findAll } = renderHealth(serverRoutes(health), 'fr-FR');
    await settle();
    expect(findAll(StatusTag).map((tag) => tag.text)).toEqual([
      'Synchronise',
      'Enregistrements refusés',
    ]);
    expect(rowTexts(findAll)).toContainEqual(
      expect.arrayContaining([
        'HubSpot',
        expect.stringMatching(/sur 250\u202f000 \(0,4\u00a0%\)|sur 250\s000 \(0,4\s%\)/),
      ]),
    );
  });

  it('says since when a CRM fails, and why', async () => {
    const [salesforce, hubspot] = health.body.health.crms;
    const failing = likeServer(health.body, {
      health: {
        ...health.body.health,
        status: 'failing',
        crms: [
          {
            ...salesforce,
            status: 'failing',
            outage: { since: '2026-11-22T11:00:00.000Z', error: 'network_error: ECONNREFUSED' },
          },
          hubspot,
        ],
      },
    });
    const { findAll } = renderHealth({ [health.request]: { body: failing } });
    await settle();
    expect(findAll(StatusTag)[0].props.variant).toBe('danger');
    expect(findAll(Text).map((t) => t.text)).toContain(
      'Salesforce has been failing since 22 Nov 2026, 11:00 UTC: network_error: ECONNREFUSED',
    );
  });

  it('shows verbatim CRM errors as text, markup and all', async () => {
    const [dead] = health.body.deadLetters;
    const marked = likeServer(health.body, {
      deadLetters: [{ ...dead, error: 'VALIDATION_ERROR: <img src=x onerror=alert(1)>' }],
    });
    const { findAll } = renderHealth({ [health.request]: { body: marked } });
    await settle();
    expect(findAll(TableCell).map((cell) => cell.text)).toContain(
      'VALIDATION_ERROR: <img src=x onerror=alert(1)>',
    );
  });

  it('says so when the sync health cannot be loaded', async () => {
    const { findAll } = renderHealth({
      [health.request]: { status: 401, body: fromServer('invalid-signature').body },
    });
    await settle();
    expect(findAll(Text)[0].text).toMatch(/^Boucle could not load the sync health: /);
  });
});
