import { describe, expect, it } from 'vitest';
import * as ui from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { CompanyCardView } from '../src/app/cards/CompanyCardView.jsx';
import { ContactCardView } from '../src/app/cards/ContactCardView.jsx';
import { RatingCardView } from '../src/app/cards/RatingCardView.jsx';
import { SettingsView } from '../src/app/settings/SettingsView.jsx';
import { elementNames, fakeFetch, fromServer, serverRoutes, settle } from './fakeBoucle.js';

// UI extensions run in a sandboxed worker: only HubSpot's components render, never HTML.
const HUBSPOT_COMPONENTS = new Set(
  Object.entries(ui)
    .filter(([name]) => /^[A-Z]/.test(name))
    .map(([name]) => name),
);
// Each view on what the server answered in server/test/hubspot/backend.test.ts, with the settings
// page showing business hours too.
const company = fromServer('company-summary');
const contact = fromServer('contact');
const settings = fromServer('settings-with-caps');
const routes = {
  ...serverRoutes(company, contact, fromServer('owners')),
  [fromServer('settings').request]: { body: settings.body },
};
const contextOn = (objectId) => ({
  crm: { objectId },
  user: { id: 1, email: 'paul@vendor.example', locale: 'en' },
});

describe('the cards and the settings page', () => {
  it.each([
    ['company card', CompanyCardView, 'crm.record.tab', company.body.company.id],
    ['contact card', ContactCardView, 'crm.record.tab', contact.body.contact.id],
    ['rating card', RatingCardView, 'crm.record.tab', '9001'],
    ['settings page', SettingsView, 'settings', undefined],
  ])('the %s renders only HubSpot components', async (_name, View, location, objectId) => {
    const { render, getRootNode } = createRenderer(location);
    render(<View context={contextOn(Number(objectId))} fetch={fakeFetch(routes)} />);
    await settle();
    const names = elementNames(getRootNode());
    expect(names.size).toBeGreaterThan(3);
    expect([...names].filter((name) => !HUBSPOT_COMPONENTS.has(name))).toEqual([]);
  });
});
