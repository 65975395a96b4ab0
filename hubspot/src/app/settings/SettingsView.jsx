import React, { useEffect, useState } from 'react';
import {
  Alert,
  Button,
  ErrorState,
  Flex,
  Form,
  Heading,
  Input,
  LoadingSpinner,
  NumberInput,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
  Toggle,
  ToggleGroup,
} from '@hubspot/ui-extensions';
import { boucle } from './boucle.js';
import { HealthView } from './HealthView.jsx';

const WORDS = {
  en: {
    loading: 'Loading settings…',
    error: 'Boucle could not load its settings',
    rules: 'Alert thresholds',
    rulesHelp:
      'Each active rule raises a callback when a score falls in its range. SLA hours count in business hours when they are set.',
    rule: 'Rule',
    range: 'Scores',
    minScore: 'From',
    maxScore: 'To',
    slaHours: 'SLA (hours)',
    escalateAfterHours: 'Escalate after (hours)',
    assignTo: 'Assign to',
    active: 'Active',
    account_owner: 'Account owner',
    owners_manager: "Owner's manager",
    queue: 'Queue',
    businessHours: 'Business hours',
    useBusinessHours: 'Count SLA hours in business hours only',
    timeZone: 'Time zone',
    days: 'Working days',
    start: 'Opens at',
    end: 'Closes at',
    pressure: 'Survey pressure',
    contactMinDays: 'Days between two surveys of a contact',
    accountMaxSurveys: 'Surveys per account at most (empty: no cap)',
    accountWindowDays: '… within (days)',
    journey: 'Journey',
    journeyHelp:
      'The touchpoints where customers are surveyed, in order, with their targets. An answer meets a touchpoint by its key or either label, whatever the case and accents ("Après-vente", "apres vente" and "after-sale" are one); other labels are kept as sent and listed apart.',
    key: 'Key',
    labelEn: 'English label',
    labelFr: 'French label',
    journeyName: 'Journey',
    order: 'Order',
    targetNps: 'Target NPS',
    targetCsat: 'Target CSAT (%)',
    targetCes: 'Target CES',
    addTouchpoint: 'Add a touchpoint',
    removeTouchpoint: 'Remove',
    save: 'Save settings',
    saved: 'Saved. The settings apply from the next answer.',
    invalid: 'Nothing was saved: fix these fields.',
  },
  fr: {
    loading: 'Chargement des réglages…',
    error: 'Boucle n’a pas pu charger ses réglages',
    rules: 'Seuils d’alerte',
    rulesHelp:
      'Chaque règle active déclenche un rappel quand une note tombe dans sa plage. Le délai se compte en heures ouvrées quand elles sont définies.',
    rule: 'Règle',
    range: 'Notes',
    minScore: 'De',
    maxScore: 'À',
    slaHours: 'Délai (heures)',
    escalateAfterHours: 'Escalade après (heures)',
    assignTo: 'Assigner à',
    active: 'Active',
    account_owner: 'Propriétaire du compte',
    owners_manager: 'Manager du propriétaire',
    queue: 'File d’attente',
    businessHours: 'Heures ouvrées',
    useBusinessHours: 'Compter les délais en heures ouvrées seulement',
    timeZone: 'Fuseau horaire',
    days: 'Jours ouvrés',
    start: 'Ouverture',
    end: 'Fermeture',
    pressure: 'Pression d’enquête',
    contactMinDays: 'Jours entre deux enquêtes d’un contact',
    accountMaxSurveys: 'Enquêtes par compte au plus (vide : sans limite)',
    accountWindowDays: '… sur (jours)',
    journey: 'Parcours',
    journeyHelp:
      'Les points de contact où les clients sont interrogés, dans l’ordre, avec leurs objectifs. Une réponse rejoint un point de contact par sa clé ou l’un de ses libellés, sans tenir compte des majuscules ni des accents (« Après-vente », « apres vente » et « after-sale » ne font qu’un) ; les autres libellés sont gardés tels quels et listés à part.',
    key: 'Clé',
    labelEn: 'Libellé anglais',
    labelFr: 'Libellé français',
    journeyName: 'Parcours',
    order: 'Ordre',
    targetNps: 'NPS cible',
    targetCsat: 'CSAT cible (%)',
    targetCes: 'CES cible',
    addTouchpoint: 'Ajouter un point de contact',
    removeTouchpoint: 'Retirer',
    save: 'Enregistrer les réglages',
    saved: 'Enregistré. Les réglages s’appliquent dès la prochaine réponse.',
    invalid: 'Rien n’a été enregistré : corrigez ces champs.',
  },
};
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DEFAULT_HOURS = {
  timeZone: 'Europe/Paris',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '09:00',
  end: '18:00',
  holidays: [],
};

/**
 * Where admins edit what Boucle does with answers: the alert thresholds (range, SLA, escalation,
 * assignee, on/off), the journey (touchpoints with their labels, order and targets), the business
 * hours SLAs count in, and the survey-pressure caps. The server
 * validates with the shared schemas and names each field it refuses; nothing is saved then.
 */
export function SettingsView({ context, fetch }) {
  const words = String(context?.user?.locale ?? '')
    .toLowerCase()
    .startsWith('fr')
    ? WORDS.fr
    : WORDS.en;
  const [settings, setSettings] = useState();
  const [loadError, setLoadError] = useState();
  const [issues, setIssues] = useState([]);
  const [message, setMessage] = useState();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    boucle(fetch, '/settings').then(setSettings, setLoadError);
  }, [fetch]);

  if (loadError)
    return (
      <ErrorState title={words.error}>
        <Text>{loadError.message}</Text>
      </ErrorState>
    );
  if (!settings) return <LoadingSpinner label={words.loading} />;

  const issue = (path) => issues.find((i) => i.path === path)?.message;
  const setRule = (index, field, value) =>
    setSettings((current) => ({
      ...current,
      rules: current.rules.map((rule, i) => {
        if (i !== index) return rule;
        const next = { ...rule, [field]: value };
        if (value === undefined || value === null || value === '') delete next[field];
        return next;
      }),
    }));
  const touchpoints = settings.touchpoints ?? [];
  const setTouchpoint = (index, field, value) =>
    setSettings((current) => ({
      ...current,
      touchpoints: current.touchpoints.map((touchpoint, i) => {
        if (i !== index) return touchpoint;
        const next = { ...touchpoint, [field]: value };
        if (value === undefined || value === null || value === '') delete next[field];
        return next;
      }),
    }));
  const addTouchpoint = () =>
    setSettings((current) => {
      const list = current.touchpoints ?? [];
      const journey = list[list.length - 1]?.journey ?? 'b2b';
      return {
        ...current,
        touchpoints: [
          ...list,
          {
            key: '',
            labelEn: '',
            labelFr: '',
            journey,
            order: list.filter((t) => t.journey === journey).length + 1,
            targetNps: 0,
          },
        ],
      };
    });
  const removeTouchpoint = (index) =>
    setSettings((current) => ({
      ...current,
      touchpoints: current.touchpoints.filter((_, i) => i !== index),
    }));
  const touchpointText = (index, field) => (
    <Input
      name={`touchpoints.${index}.${field}`}
      label={words[field === 'journey' ? 'journeyName' : field]}
      value={touchpoints[index][field]}
      error={Boolean(issue(`touchpoints.${index}.${field}`))}
      validationMessage={issue(`touchpoints.${index}.${field}`)}
      onChange={(value) => setTouchpoint(index, field, value)}
    />
  );
  const touchpointNumber = (index, field) => (
    <NumberInput
      name={`touchpoints.${index}.${field}`}
      label={words[field]}
      value={touchpoints[index][field]}
      error={Boolean(issue(`touchpoints.${index}.${field}`))}
      validationMessage={issue(`touchpoints.${index}.${field}`)}
      onChange={(value) => setTouchpoint(index, field, value)}
    />
  );
  const setHours = (field, value) =>
    setSettings((current) => ({
      ...current,
      businessHours: { ...(current.businessHours ?? DEFAULT_HOURS), [field]: value },
    }));
  const setPressure = (field, value) =>
    setSettings((current) => {
      const pressure = { ...current.pressure, [field]: value };
      if (value === undefined || value === null || value === '') delete pressure[field];
      return { ...current, pressure };
    });

  const save = async () => {
    setSaving(true);
    setMessage(undefined);
    try {
      setSettings(await boucle(fetch, '/settings', { method: 'PUT', body: settings }));
      setIssues([]);
      setMessage({ variant: 'success', text: words.saved });
    } catch (error) {
      setIssues(error.issues ?? []);
      setMessage({
        variant: 'danger',
        text: error.issues?.length ? words.invalid : error.message,
      });
    } finally {
      setSaving(false);
    }
  };

  const hours = settings.businessHours;
  return (
    <Form onSubmit={save}>
      <Flex direction="column" gap="medium">
        <HealthView context={context} fetch={fetch} />
        <Heading>{words.rules}</Heading>
        <Text>{words.rulesHelp}</Text>
        <Table bordered={true}>
          <TableHead>
            <TableRow>
              <TableHeader>{words.rule}</TableHeader>
              <TableHeader>{words.range}</TableHeader>
              <TableHeader>{words.slaHours}</TableHeader>
              <TableHeader>{words.assignTo}</TableHeader>
              <TableHeader>{words.active}</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {settings.rules.map((rule, index) => (
              <TableRow key={rule.id}>
                <TableCell>{`${rule.label ?? rule.id} (${rule.metric.toUpperCase()})`}</TableCell>
                <TableCell>
                  <NumberInput
                    name={`rules.${index}.minScore`}
                    label={words.minScore}
                    value={rule.minScore}
                    error={Boolean(issue(`rules.${index}.minScore`))}
                    validationMessage={issue(`rules.${index}.minScore`)}
                    onChange={(value) => setRule(index, 'minScore', value)}
                  />
                  <NumberInput
                    name={`rules.${index}.maxScore`}
                    label={words.maxScore}
                    value={rule.maxScore}
                    error={Boolean(issue(`rules.${index}.maxScore`))}
                    validationMessage={issue(`rules.${index}.maxScore`)}
                    onChange={(value) => setRule(index, 'maxScore', value)}
                  />
                </TableCell>
                <TableCell>
                  <NumberInput
                    name={`rules.${index}.slaHours`}
                    label={words.slaHours}
                    value={rule.slaHours}
                    error={Boolean(issue(`rules.${index}.slaHours`))}
                    validationMessage={issue(`rules.${index}.slaHours`)}
                    onChange={(value) => setRule(index, 'slaHours', value)}
                  />
                  <NumberInput
                    name={`rules.${index}.escalateAfterHours`}
                    label={words.escalateAfterHours}
                    value={rule.escalateAfterHours}
                    error={Boolean(issue(`rules.${index}.escalateAfterHours`))}
                    validationMessage={issue(`rules.${index}.escalateAfterHours`)}
                    onChange={(value) => setRule(index, 'escalateAfterHours', value)}
                  />
                </TableCell>
                <TableCell>
                  <Select
                    name={`rules.${index}.assignTo`}
                    label={words.assignTo}
                    value={rule.assignTo}
                    options={['account_owner', 'owners_manager', 'queue'].map((value) => ({
                      label: words[value],
                      value,
                    }))}
                    onChange={(value) => setRule(index, 'assignTo', value)}
                  />
                </TableCell>
                <TableCell>
                  <Toggle
                    name={`rules.${index}.active`}
                    label={words.active}
                    checked={rule.active !== false}
                    onChange={(checked) => setRule(index, 'active', checked)}
                  />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>

        <Heading>{words.journey}</Heading>
        <Text>{words.journeyHelp}</Text>
        <Table bordered={true}>
          <TableHead>
            <TableRow>
              <TableHeader>{words.key}</TableHeader>
              <TableHeader>{words.labelEn}</TableHeader>
              <TableHeader>{words.order}</TableHeader>
              <TableHeader>{words.targetNps}</TableHeader>
              <TableHeader>{words.removeTouchpoint}</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {touchpoints.map((touchpoint, index) => (
              <TableRow key={index}>
                <TableCell>
                  {touchpointText(index, 'key')}
                  {touchpointText(index, 'journey')}
                </TableCell>
                <TableCell>
                  {touchpointText(index, 'labelEn')}
                  {touchpointText(index, 'labelFr')}
                </TableCell>
                <TableCell>{touchpointNumber(index, 'order')}</TableCell>
                <TableCell>
                  {touchpointNumber(index, 'targetNps')}
                  {touchpointNumber(index, 'targetCsat')}
                  {touchpointNumber(index, 'targetCes')}
                </TableCell>
                <TableCell>
                  <Button variant="destructive" size="sm" onClick={() => removeTouchpoint(index)}>
                    {`${words.removeTouchpoint} ${touchpoint.key}`.trim()}
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <Button onClick={addTouchpoint}>{words.addTouchpoint}</Button>

        <Heading>{words.businessHours}</Heading>
        <Toggle
          name="businessHours.enabled"
          label={words.useBusinessHours}
          checked={Boolean(hours)}
          onChange={(checked) =>
            setSettings((current) => {
              const { businessHours: _dropped, ...rest } = current;
              return checked ? { ...rest, businessHours: DEFAULT_HOURS } : rest;
            })
          }
        />
        {hours && (
          <>
            <Input
              name="businessHours.timeZone"
              label={words.timeZone}
              value={hours.timeZone}
              error={Boolean(issue('businessHours.timeZone'))}
              validationMessage={issue('businessHours.timeZone')}
              onChange={(value) => setHours('timeZone', value)}
            />
            <ToggleGroup
              name="businessHours.days"
              label={words.days}
              toggleType="checkboxList"
              inline={true}
              value={hours.days}
              options={DAYS.map((day) => ({ label: day, value: day }))}
              onChange={(value) => setHours('days', value)}
            />
            <Input
              name="businessHours.start"
              label={words.start}
              value={hours.start}
              error={Boolean(issue('businessHours.start'))}
              validationMessage={issue('businessHours.start')}
              onChange={(value) => setHours('start', value)}
            />
            <Input
              name="businessHours.end"
              label={words.end}
              value={hours.end}
              error={Boolean(issue('businessHours.end'))}
              validationMessage={issue('businessHours.end')}
              onChange={(value) => setHours('end', value)}
            />
          </>
        )}

        <Heading>{words.pressure}</Heading>
        <NumberInput
          name="pressure.contactMinDays"
          label={words.contactMinDays}
          value={settings.pressure.contactMinDays}
          error={Boolean(issue('pressure.contactMinDays'))}
          validationMessage={issue('pressure.contactMinDays')}
          onChange={(value) => setPressure('contactMinDays', value)}
        />
        <NumberInput
          name="pressure.accountMaxSurveys"
          label={words.accountMaxSurveys}
          value={settings.pressure.accountMaxSurveys}
          error={Boolean(issue('pressure.accountMaxSurveys'))}
          validationMessage={issue('pressure.accountMaxSurveys')}
          onChange={(value) => setPressure('accountMaxSurveys', value)}
        />
        <NumberInput
          name="pressure.accountWindowDays"
          label={words.accountWindowDays}
          value={settings.pressure.accountWindowDays}
          error={Boolean(issue('pressure.accountWindowDays'))}
          validationMessage={issue('pressure.accountWindowDays')}
          onChange={(value) => setPressure('accountWindowDays', value)}
        />

        {message && (
          <Alert title={message.text} variant={message.variant}>
            {issues.map((i) => `${i.path}: ${i.message}`).join(' — ')}
          </Alert>
        )}
        <Button type="submit" variant="primary" disabled={saving}>
          {words.save}
        </Button>
      </Flex>
    </Form>
  );
}
