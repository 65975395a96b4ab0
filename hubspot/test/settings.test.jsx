import { describe, expect, it } from 'vitest';
import {
  Alert,
  Button,
  ErrorState,
  Form,
  Input,
  LoadingSpinner,
  NumberInput,
  Select,
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
// The portal's owners and teams (Paul and Marc of "Key accounts").
const owners = fromServer('owners');

function renderPage(routes, locale = 'en') {
  const fetch = fakeFetch({ ...serverRoutes(owners), ...routes });
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

  it('enforces the caps and sets a cap per contact and the follow-up delay', async () => {
    const { find, fetch } = renderPage(serverRoutes(loaded));
    await settle();
    find(Toggle, { name: 'pressure.enabled' }).trigger('onChange', true);
    find(NumberInput, { name: 'pressure.contactMaxSurveys' }).trigger('onChange', 2);
    find(NumberInput, { name: 'pressure.contactWindowDays' }).trigger('onChange', 7);
    find(NumberInput, { name: 'pressure.accountMinDays' }).trigger('onChange', 14);
    find(NumberInput, { name: 'pressure.followUpDelayDays' }).trigger('onChange', 45);
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    const put = fetch.mock.calls.find(([, options]) => options?.method === 'PUT')[1];
    expect(put.body.pressure).toMatchObject({
      enabled: true,
      contactMaxSurveys: 2,
      contactWindowDays: 7,
      accountMinDays: 14,
      followUpDelayDays: 45,
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

  const putBody = (fetch) =>
    fetch.mock.calls.find(([, options]) => options?.method === 'PUT')[1].body;
  const button = (findAll, text) => findAll(Button).find((b) => b.text === text);

  it('adds a rule with its touchpoint and kind, and removes another', async () => {
    const { find, findAll, fetch } = renderPage(serverRoutes(loaded, saved));
    await settle();
    button(findAll, 'Add a rule').trigger('onClick');
    await settle();
    find(Select, { name: 'rules.3.touchpoint' }).trigger('onChange', 'contracting');
    find(Select, { name: 'rules.3.kind' }).trigger('onChange', 'account_alert');
    find(NumberInput, { name: 'rules.3.minScore' }).trigger('onChange', 7);
    find(NumberInput, { name: 'rules.3.maxScore' }).trigger('onChange', 8);
    find(NumberInput, { name: 'rules.3.slaHours' }).trigger('onChange', 12);
    await settle();
    button(findAll, 'Remove promoter').trigger('onClick');
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    const body = putBody(fetch);
    expect(body.rules.map((rule) => rule.id)).toEqual(['detractor', 'dissonance', 'rule-4']);
    expect(body.rules[2]).toEqual({
      id: 'rule-4',
      metric: 'nps',
      minScore: 7,
      maxScore: 8,
      touchpoint: 'contracting',
      kind: 'account_alert',
      slaHours: 12,
      assignTo: 'account_owner',
      active: true,
    });
  });

  it('offers the journey’s touchpoints, and every touchpoint, for a rule', async () => {
    const { find } = renderPage(serverRoutes(loaded));
    await settle();
    expect(find(Select, { name: 'rules.0.touchpoint' }).props.options.map((o) => o.value)).toEqual([
      '',
      'pre-sale',
      'contracting',
      'after-sale',
    ]);
  });

  it('enters and removes holidays and quiet periods', async () => {
    const { find, findAll, fetch } = renderPage(serverRoutes(loaded, saved));
    await settle();
    find(Toggle, { name: 'businessHours.enabled' }).trigger('onChange', true);
    await settle();
    for (const date of ['2026-12-25', '2027-01-01']) {
      find(Input, { name: 'businessHours.newHoliday' }).trigger('onChange', date);
      await settle();
      button(findAll, 'Add a holiday').trigger('onClick');
      await settle();
    }
    button(findAll, 'Remove 2026-12-25').trigger('onClick');
    button(findAll, 'Add a quiet period').trigger('onClick');
    await settle();
    find(Input, { name: 'pressure.quietPeriods.0.label' }).trigger('onChange', 'Year-end closing');
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    const body = putBody(fetch);
    expect(body.businessHours.holidays).toEqual(['2027-01-01']);
    expect(body.pressure.quietPeriods).toEqual([
      { from: '12-20', to: '01-05', label: 'Year-end closing' },
    ]);
  });

  it('edits the dissonance bands', async () => {
    const { find, fetch } = renderPage(serverRoutes(loaded, saved));
    await settle();
    expect(find(NumberInput, { name: 'dissonance.bands.nps.unhappy.max' }).props.value).toBe(4);
    find(NumberInput, { name: 'dissonance.bands.nps.unhappy.max' }).trigger('onChange', 6);
    find(NumberInput, { name: 'dissonance.confidentMin' }).trigger('onChange', 5);
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    const body = putBody(fetch);
    expect(body.dissonance.bands.nps.unhappy).toEqual({ min: 0, max: 6 });
    expect(body.dissonance.confidentMin).toBe(5);
  });

  it('names an escalation owner per HubSpot team and a default one, among the portal’s owners', async () => {
    const { find, fetch } = renderPage(serverRoutes(loaded, saved));
    await settle();
    const team = find(Select, { name: 'escalation.team.7' });
    expect(team.props.label).toBe('Escalation owner: Key accounts');
    expect(team.props.options.map((o) => o.label)).toEqual([
      'Nobody',
      'Paul Roux (paul@vendor.example)',
      'Marc Lefèvre (marc@vendor.example)',
    ]);
    team.trigger('onChange', '502');
    find(Select, { name: 'escalation.defaultOwnerId' }).trigger('onChange', '502');
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    expect(putBody(fetch).escalation).toEqual({
      teams: [{ teamId: '7', ownerId: '502' }],
      defaultOwnerId: '502',
    });
  });

  it('shows the escalation owners and the rule with a touchpoint Boucle saved', async () => {
    const withEscalation = fromServer('settings-with-escalation');
    const { find } = renderPage({ [loaded.request]: { body: withEscalation.body } });
    await settle();
    expect(find(Select, { name: 'escalation.team.7' }).props.value).toBe('502');
    expect(find(Select, { name: 'escalation.defaultOwnerId' }).props.value).toBe('502');
    expect(find(Select, { name: 'rules.3.touchpoint' }).props.value).toBe('contracting');
  });

  it('marks an escalation owner Boucle refuses', async () => {
    const refused = fromServer('settings-invalid-escalation');
    const { find } = renderPage(serverRoutes(loaded, refused));
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    expect(find(Select, { name: 'escalation.defaultOwnerId' }).props).toMatchObject({
      error: true,
      validationMessage: 'is not an owner of this portal (999)',
    });
  });

  it('speaks French in the rule editor, the dissonance bands and the escalation owners', async () => {
    const { find, findAll } = renderPage(serverRoutes(loaded), 'fr');
    await settle();
    expect(find(Select, { name: 'rules.0.touchpoint' }).props.options[0].label).toBe(
      'Tous les points de contact',
    );
    expect(button(findAll, 'Ajouter une règle')).toBeTruthy();
    expect(find(NumberInput, { name: 'dissonance.confidentMin' }).props.label).toBe(
      'Confiant à partir de (note de l’employé 1–5)',
    );
    expect(find(Select, { name: 'escalation.defaultOwnerId' }).props.label).toBe(
      'Responsable d’escalade par défaut',
    );
  });
});
