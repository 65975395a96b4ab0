import { describe, expect, it } from 'vitest';
import {
  Alert,
  Button,
  ErrorState,
  Form,
  Input,
  LoadingSpinner,
  NumberInput,
  Text,
  Toggle,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { SettingsView } from '../src/app/settings/SettingsView.jsx';
import { fakeFetch, fromServer, serverRoutes, settle } from './fakeBoucle.js';

const context = { user: { id: 1, email: 'admin@vendor.example', locale: 'en' } };
// What GET and PUT /hubspot/settings answered in server/test/hubspot/backend.test.ts.
const loaded = fromServer('settings');
const saved = fromServer('settings-saved');
const withCaps = fromServer('settings-with-caps');

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
    const { find, maybeFind } = renderPage(serverRoutes(loaded));
    expect(find(LoadingSpinner)).toBeTruthy();
    await settle();
    expect(maybeFind(LoadingSpinner)).toBeNull();
    expect(find(NumberInput, { name: 'rules.0.maxScore' }).props.value).toBe(6);
    expect(find(NumberInput, { name: 'rules.0.slaHours' }).props.value).toBe(24);
    expect(find(Toggle, { name: 'businessHours.enabled' }).props.checked).toBe(false);
  });

  it('saves an edited SLA and business hours through Boucle', async () => {
    const { find, fetch } = renderPage({
      ...serverRoutes(loaded, saved),
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
    const refused = fromServer('settings-invalid-rule');
    const { find } = renderPage(serverRoutes(loaded, refused));
    await settle();
    find(NumberInput, { name: 'rules.0.maxScore' }).trigger('onChange', 12);
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    expect(find(NumberInput, { name: 'rules.0.maxScore' }).props).toMatchObject({
      error: true,
      validationMessage: 'must be from 0 to 10 for metric nps',
    });
    expect(find(NumberInput, { name: 'rules.0.minScore' }).props.error).toBe(false);
    expect(find(Alert).props).toMatchObject({
      title: 'Nothing was saved: fix these fields.',
      variant: 'danger',
    });
  });

  it('shows the journey in force and saves an edited target and a new touchpoint', async () => {
    const { find, findAll, fetch } = renderPage({
      ...serverRoutes(loaded, saved),
    });
    await settle();
    expect(find(Input, { name: 'touchpoints.2.labelFr' }).props.value).toBe('Après-vente');
    expect(find(NumberInput, { name: 'touchpoints.2.targetNps' }).props.value).toBe(20);
    find(NumberInput, { name: 'touchpoints.2.targetNps' }).trigger('onChange', 15);
    findAll(Button)
      .find((button) => button.text === 'Add a touchpoint')
      .trigger('onClick');
    await settle();
    expect(find(NumberInput, { name: 'touchpoints.3.order' }).props.value).toBe(4);
    find(Input, { name: 'touchpoints.3.key' }).trigger('onChange', 'renewal');
    find(Input, { name: 'touchpoints.3.labelEn' }).trigger('onChange', 'Renewal');
    find(Input, { name: 'touchpoints.3.labelFr' }).trigger('onChange', 'Renouvellement');
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    const put = fetch.mock.calls.find(([, options]) => options?.method === 'PUT')[1];
    expect(put.body.touchpoints.map((t) => [t.key, t.order, t.targetNps])).toEqual([
      ['pre-sale', 1, 40],
      ['contracting', 2, 30],
      ['after-sale', 3, 15],
      ['renewal', 4, 0],
    ]);
    expect(put.body.touchpoints[3]).toMatchObject({ labelFr: 'Renouvellement', journey: 'b2b' });
  });

  it('removes a touchpoint from the journey', async () => {
    const { find, findAll, fetch } = renderPage({
      ...serverRoutes(loaded, saved),
    });
    await settle();
    findAll(Button)
      .find((button) => button.text === 'Remove contracting')
      .trigger('onClick');
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    const put = fetch.mock.calls.find(([, options]) => options?.method === 'PUT')[1];
    expect(put.body.touchpoints.map((t) => t.key)).toEqual(['pre-sale', 'after-sale']);
  });

  it('marks the touchpoint fields Boucle refuses, as the server names them in error.issues', async () => {
    // What the server answered to a fourth touchpoint labelled like "after-sale", out of order and
    // with an impossible target.
    const refused = fromServer('settings-invalid-touchpoint');
    const { find, findAll } = renderPage(serverRoutes(loaded, refused));
    await settle();
    findAll(Button)
      .find((button) => button.text === 'Add a touchpoint')
      .trigger('onClick');
    await settle();
    find(Input, { name: 'touchpoints.3.key' }).trigger('onChange', 'onboarding');
    find(Input, { name: 'touchpoints.3.labelEn' }).trigger('onChange', 'Onboarding');
    find(Input, { name: 'touchpoints.3.labelFr' }).trigger('onChange', 'Après-vente');
    find(NumberInput, { name: 'touchpoints.3.order' }).trigger('onChange', 5);
    find(NumberInput, { name: 'touchpoints.3.targetNps' }).trigger('onChange', 150);
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    expect(find(Input, { name: 'touchpoints.3.labelFr' }).props).toMatchObject({
      error: true,
      validationMessage: expect.stringContaining('touchpoint "after-sale"'),
    });
    expect(find(NumberInput, { name: 'touchpoints.3.targetNps' }).props).toMatchObject({
      error: true,
      validationMessage: 'must be an NPS from -100 to 100',
    });
    expect(find(NumberInput, { name: 'touchpoints.3.order' }).props.error).toBe(true);
    expect(find(Input, { name: 'touchpoints.3.labelEn' }).props.error).toBe(false);
    expect(find(Alert).props.title).toBe('Nothing was saved: fix these fields.');
  });

  it('removes an optional cap when its field is emptied', async () => {
    // Loaded as the server answered once business hours and a cap of 3 surveys were saved.
    const { find, fetch } = renderPage({
      [loaded.request]: { status: withCaps.status, body: withCaps.body },
      ...serverRoutes(saved),
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
      contactWindowDays: 30,
      accountMinDays: 0,
      followUpDelayDays: 30,
      enabled: false,
    });
  });

  it('speaks French to a French admin', async () => {
    const { find } = renderPage(serverRoutes(loaded), 'fr');
    await settle();
    expect(find(Toggle, { name: 'businessHours.enabled' }).props.label).toBe(
      'Compter les délais en heures ouvrées seulement',
    );
    expect(find(NumberInput, { name: 'touchpoints.0.targetNps' }).props.label).toBe('NPS cible');
    expect(find(Input, { name: 'touchpoints.0.labelFr' }).props.label).toBe('Libellé français');
  });

  it('says why the settings cannot be loaded', async () => {
    const refused = fromServer('invalid-signature');
    const { find } = renderPage(serverRoutes(refused));
    await settle();
    expect(find(ErrorState).props.title).toBe('Boucle could not load its settings');
    expect(find(ErrorState).find(Text).text).toContain(refused.body.error.message);
  });
});
