import React, { useEffect, useState } from 'react';
import {
  Alert,
  Button,
  ErrorState,
  Flex,
  Form,
  LoadingSpinner,
  Text,
} from '@hubspot/ui-extensions';
import { boucle } from './boucle.js';
import { DissonanceSection } from './DissonanceSection.jsx';
import { EscalationSection } from './EscalationSection.jsx';
import { HoursSection } from './HoursSection.jsx';
import { JourneySection } from './JourneySection.jsx';
import { PressureSection } from './PressureSection.jsx';
import { RulesSection } from './RulesSection.jsx';
import { wordsFor } from './words.js';

/**
 * Where admins edit what Boucle does with answers: the alert thresholds (add, remove, range,
 * touchpoint, SLA, escalation, assignee, on/off), the journey (touchpoints with their labels, order
 * and targets), the business hours SLAs count in and their holidays, the survey-pressure caps and
 * quiet periods, the dissonance bands, and the escalation owner of each HubSpot team. The server
 * validates with the shared schemas and names each field it refuses; nothing is saved then.
 */
export function SettingsView({ context, fetch }) {
  const words = wordsFor(context);
  const [settings, setSettings] = useState();
  const [directory, setDirectory] = useState();
  const [loadError, setLoadError] = useState();
  const [issues, setIssues] = useState([]);
  const [message, setMessage] = useState();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    boucle(fetch, '/settings').then(setSettings, setLoadError);
    // The owners and teams escalation owners are chosen among; without them the rest still edits.
    boucle(fetch, '/owners').then(setDirectory, () => setDirectory({ owners: [], teams: [] }));
  }, [fetch]);

  if (loadError)
    return (
      <ErrorState title={words.error}>
        <Text>{loadError.message}</Text>
      </ErrorState>
    );
  if (!settings) return <LoadingSpinner label={words.loading} />;

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

  const section = { settings, update: setSettings, issues, words };
  return (
    <Form onSubmit={save}>
      <Flex direction="column" gap="medium">
        <RulesSection {...section} touchpoints={settings.touchpoints ?? []} />
        <JourneySection {...section} />
        <HoursSection {...section} />
        <PressureSection {...section} />
        <DissonanceSection {...section} />
        <EscalationSection {...section} directory={directory} />

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
