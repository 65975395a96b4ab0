import { describe, expect, it } from 'vitest';
import {
  Alert,
  ErrorState,
  Form,
  Input,
  LoadingSpinner,
  NumberInput,
  Toggle,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { DEFAULT_THRESHOLD_RULES } from '../src/app/cards/boucle-core.js';
import { SettingsView } from '../src/app/settings/SettingsView.jsx';
import { fakeFetch, settle } from './fakeBoucle.js';

const context = { user: { id: 1, email: 'admin@vendor.example', locale: 'en' } };
// What GET /hubspot/settings answers before anything was saved: the shipped rules.
const defaults = {
  rules: DEFAULT_THRESHOLD_RULES,
  pressure: { contactMinDays: 90, accountWindowDays: 30, quietPeriods: [] },
};

function renderPage(routes, locale = 'en') {
  const fetch = fakeFetch(routes);
  const renderer = createRenderer('settings');
  renderer.render(
    <SettingsView context={{ ...context, user: { ...context.user, locale } }} fetch={fetch} />,
  );
  return { ...renderer, fetch };
}

describe('the HubSpot settings page', () => {
  it('loads the rules in force, with their ranges and SLAs', async () => {
    const { find, maybeFind } = renderPage({ 'GET /settings': { body: defaults } });
    expect(find(LoadingSpinner)).toBeTruthy();
    await settle();
    expect(maybeFind(LoadingSpinner)).toBeNull();
    expect(find(NumberInput, { name: 'rules.0.maxScore' }).props.value).toBe(6);
    expect(find(NumberInput, { name: 'rules.0.slaHours' }).props.value).toBe(24);
    expect(find(Toggle, { name: 'businessHours.enabled' }).props.checked).toBe(false);
  });

  it('saves an edited SLA and business hours through Boucle', async () => {
    const { find, fetch } = renderPage({
      'GET /settings': { body: defaults },
      'PUT /settings': (options) => ({ body: options.body }),
    });
    await settle();
    find(NumberInput, { name: 'rules.0.slaHours' }).trigger('onChange', 8);
    find(Toggle, { name: 'businessHours.enabled' }).trigger('onChange', true);
    await settle();
    find(Input, { name: 'businessHours.timeZone' }).trigger('onChange', 'America/Montreal');
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    const put = fetch.mock.calls.find(([, options]) => options?.method === 'PUT')[1];
    expect(put.body.rules[0]).toMatchObject({ id: 'detractor', slaHours: 8 });
    expect(put.body.businessHours).toMatchObject({
      timeZone: 'America/Montreal',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: '09:00',
      end: '18:00',
    });
    expect(find(Alert).props).toMatchObject({
      title: 'Saved. The settings apply from the next answer.',
      variant: 'success',
    });
  });

  it('marks each field Boucle refuses, and says nothing was saved', async () => {
    const { find } = renderPage({
      'GET /settings': { body: defaults },
      'PUT /settings': {
        status: 400,
        body: {
          error: {
            code: 'validation_failed',
            message: 'The settings are not valid',
            details: [{ path: 'rules.0.maxScore', message: 'must be ≥ minScore' }],
          },
        },
      },
    });
    await settle();
    find(NumberInput, { name: 'rules.0.minScore' }).trigger('onChange', 9);
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    expect(find(NumberInput, { name: 'rules.0.maxScore' }).props).toMatchObject({
      error: true,
      validationMessage: 'must be ≥ minScore',
    });
    expect(find(Alert).props).toMatchObject({
      title: 'Nothing was saved: fix these fields.',
      variant: 'danger',
    });
  });

  it('removes an optional cap when its field is emptied', async () => {
    const { find, fetch } = renderPage({
      'GET /settings': {
        body: { ...defaults, pressure: { ...defaults.pressure, accountMaxSurveys: 3 } },
      },
      'PUT /settings': (options) => ({ body: options.body }),
    });
    await settle();
    find(NumberInput, { name: 'pressure.accountMaxSurveys' }).trigger('onChange', undefined);
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    const put = fetch.mock.calls.find(([, options]) => options?.method === 'PUT')[1];
    expect(put.body.pressure).toEqual({
      contactMinDays: 90,
      accountWindowDays: 30,
      quietPeriods: [],
    });
  });

  it('speaks French to a French admin', async () => {
    const { find } = renderPage({ 'GET /settings': { body: defaults } }, 'fr');
    await settle();
    expect(find(Toggle, { name: 'businessHours.enabled' }).props.label).toBe(
      'Compter les délais en heures ouvrées seulement',
    );
  });

  it('says why the settings cannot be loaded', async () => {
    const { find } = renderPage({
      'GET /settings': { status: 503, body: { error: { message: 'HubSpot is not configured' } } },
    });
    await settle();
    expect(find(ErrorState).props.title).toBe('Boucle could not load its settings');
  });
});
