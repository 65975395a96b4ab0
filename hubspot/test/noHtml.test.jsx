import { describe, expect, it } from 'vitest';
import * as ui from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { CompanyCardView } from '../src/app/cards/CompanyCardView.jsx';
import { ContactCardView } from '../src/app/cards/ContactCardView.jsx';
import { RatingCardView } from '../src/app/cards/RatingCardView.jsx';
import { SettingsView } from '../src/app/settings/SettingsView.jsx';
import { DEFAULT_THRESHOLD_RULES } from '../src/app/cards/boucle-core.js';
import { elementNames, fakeFetch, settle } from './fakeBoucle.js';

// UI extensions run in a sandboxed worker: only HubSpot's components render, never HTML.
const HUBSPOT_COMPONENTS = new Set(
  Object.entries(ui)
    .filter(([name]) => /^[A-Z]/.test(name))
    .map(([name]) => name),
);
const context = {
  crm: { objectId: 1 },
  user: { id: 1, email: 'paul@vendor.example', locale: 'en' },
};
const callback = {
  id: 'cb',
  kind: 'detractor_recovery',
  status: 'open',
  createdAt: '2026-11-21T09:00:00.000Z',
  dueAt: '2026-11-22T09:00:00.000Z',
  slaStatus: 'overdue',
};
const routes = {
  'GET /companies/1/summary': {
    body: {
      window: { days: 90 },
      overall: {
        n: 1,
        promoters: 0,
        passives: 0,
        detractors: 1,
        nps: -100,
        margin: 0,
        lowSample: true,
      },
      trend: [{ key: '2026-11', n: 1, nps: -100 }],
      touchpoints: [{ key: 'after-sale', n: 1, nps: -100 }],
      verbatims: [
        {
          answerId: 'a',
          metric: 'nps',
          score: 0,
          comment: '<i>x</i>',
          answeredAt: '2026-11-20T00:00:00Z',
        },
      ],
      norm: null,
      openCallbacks: [callback],
    },
  },
  'GET /contacts/1': {
    body: {
      answers: [
        { id: 'a', source: 'api', metric: 'nps', score: 0, answeredAt: '2026-11-20T00:00:00Z' },
      ],
      ratings: [{ interactionId: 'i', rating: 5, ratedAt: '2026-11-20T00:00:00Z' }],
      openCallbacks: [callback],
    },
  },
  'GET /settings': {
    body: {
      rules: DEFAULT_THRESHOLD_RULES,
      businessHours: {
        timeZone: 'Europe/Paris',
        days: ['mon'],
        start: '09:00',
        end: '18:00',
        holidays: [],
      },
      pressure: { contactMinDays: 90, accountWindowDays: 30, quietPeriods: [] },
    },
  },
};

describe('the cards and the settings page', () => {
  it.each([
    ['company card', CompanyCardView, 'crm.record.tab'],
    ['contact card', ContactCardView, 'crm.record.tab'],
    ['rating card', RatingCardView, 'crm.record.tab'],
    ['settings page', SettingsView, 'settings'],
  ])('the %s renders only HubSpot components', async (_name, View, location) => {
    const { render, getRootNode } = createRenderer(location);
    render(<View context={context} fetch={fakeFetch(routes)} />);
    await settle();
    const names = elementNames(getRootNode());
    expect(names.size).toBeGreaterThan(3);
    expect([...names].filter((name) => !HUBSPOT_COMPONENTS.has(name))).toEqual([]);
  });
});
