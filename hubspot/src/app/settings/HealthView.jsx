import React, { useEffect, useState } from 'react';
import {
  Flex,
  Heading,
  LoadingSpinner,
  StatusTag,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import { boucle } from './boucle.js';

const WORDS = {
  en: {
    heading: 'Sync health',
    loading: 'Loading the sync health…',
    error: 'Boucle could not load the sync health',
    crm: 'CRM',
    status: 'Status',
    lastSync: 'Last successful sync',
    backlog: 'Waiting',
    deadLetters: 'Refused',
    apiBudget: 'API calls today',
    never: 'never',
    notReported: 'not reported yet',
    ok: 'Syncing',
    degraded: 'Records refused',
    failing: 'Failing',
    failingSince: (crm, since, error) => `${crm} has been failing since ${since}: ${error}`,
    objects: 'By kind of record',
    kind: 'Kind',
    answer: 'Answers',
    rating: 'Ratings',
    callback: 'Callbacks',
    rollup: 'Account rollups',
    deadHeading: 'Records the CRMs refused',
    noDead: 'None: every record reached its CRM or is still being retried.',
    when: 'When',
    record: 'Record',
    why: 'Why',
    attempts: 'Attempts',
    replay:
      'Once the cause is fixed, replay them on the server: npx boucle dead-letters replay --all',
    salesforce: 'Salesforce',
    hubspot: 'HubSpot',
  },
  fr: {
    heading: 'Santé de la synchronisation',
    loading: 'Chargement de la santé de la synchronisation…',
    error: 'Boucle n’a pas pu charger la santé de la synchronisation',
    crm: 'CRM',
    status: 'État',
    lastSync: 'Dernière synchronisation réussie',
    backlog: 'En attente',
    deadLetters: 'Refusés',
    apiBudget: 'Appels d’API aujourd’hui',
    never: 'jamais',
    notReported: 'pas encore indiqué',
    ok: 'Synchronise',
    degraded: 'Enregistrements refusés',
    failing: 'En échec',
    failingSince: (crm, since, error) => `${crm} échoue depuis le ${since} : ${error}`,
    objects: 'Par type d’enregistrement',
    kind: 'Type',
    answer: 'Réponses',
    rating: 'Évaluations',
    callback: 'Rappels',
    rollup: 'Synthèses de compte',
    deadHeading: 'Enregistrements refusés par les CRM',
    noDead: 'Aucun : chaque enregistrement a atteint son CRM ou est encore en cours de réessai.',
    when: 'Quand',
    record: 'Enregistrement',
    why: 'Pourquoi',
    attempts: 'Essais',
    replay:
      'Une fois la cause corrigée, rejouez-les sur le serveur : npx boucle dead-letters replay --all',
    salesforce: 'Salesforce',
    hubspot: 'HubSpot',
  },
};

const STATUS_VARIANT = { ok: 'success', degraded: 'warning', failing: 'danger' };

/** An instant in the user's language, in UTC (the server's log and CLI say UTC too). */
export function formatInstant(iso, french) {
  if (!iso) return undefined;
  const text = new Date(iso).toLocaleString(french ? 'fr-FR' : 'en-GB', {
    timeZone: 'UTC',
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  return `${text} UTC`;
}

/** The API budget in one phrase: `1,000 of 100,000 (1%)`. */
export function formatBudget(budget, french, words) {
  if (!budget) return words.notReported;
  const number = (n) => n.toLocaleString(french ? 'fr-FR' : 'en-GB');
  return french
    ? `${number(budget.used)} sur ${number(budget.limit)} (${number(budget.percent)} %)`
    : `${number(budget.used)} of ${number(budget.limit)} (${number(budget.percent)}%)`;
}

/**
 * "Is Boucle syncing, and what failed?" on the settings page: per CRM its status, last successful
 * sync, backlog, refused records and API calls used today, then the latest records the CRMs
 * refused for good with their error (`GET /hubspot/settings/health`, the summary of
 * `GET /v1/sync-health`). CRM errors are shown as text, never as markup.
 */
export function HealthView({ context, fetch }) {
  const french = String(context?.user?.locale ?? '')
    .toLowerCase()
    .startsWith('fr');
  const words = french ? WORDS.fr : WORDS.en;
  const [view, setView] = useState();
  const [loadError, setLoadError] = useState();

  useEffect(() => {
    boucle(fetch, '/settings/health').then(setView, setLoadError);
  }, [fetch]);

  if (loadError)
    return (
      <Flex direction="column" gap="small">
        <Heading>{words.heading}</Heading>
        <Text variant="microcopy">{`${words.error}: ${loadError.message}`}</Text>
      </Flex>
    );
  if (!view) return <LoadingSpinner label={words.loading} />;
  const { health, deadLetters } = view;
  const when = (iso) => formatInstant(iso, french) ?? words.never;
  return (
    <Flex direction="column" gap="small">
      <Heading>{words.heading}</Heading>
      <Table bordered={true}>
        <TableHead>
          <TableRow>
            <TableHeader>{words.crm}</TableHeader>
            <TableHeader>{words.status}</TableHeader>
            <TableHeader>{words.lastSync}</TableHeader>
            <TableHeader>{words.backlog}</TableHeader>
            <TableHeader>{words.deadLetters}</TableHeader>
            <TableHeader>{words.apiBudget}</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {health.crms.map((crm) => (
            <TableRow key={crm.crm}>
              <TableCell>{words[crm.crm] ?? crm.crm}</TableCell>
              <TableCell>
                <StatusTag variant={STATUS_VARIANT[crm.status] ?? 'default'}>
                  {words[crm.status] ?? crm.status}
                </StatusTag>
              </TableCell>
              <TableCell>{when(crm.lastSyncedAt)}</TableCell>
              <TableCell>{String(crm.backlog)}</TableCell>
              <TableCell>{String(crm.deadLetters)}</TableCell>
              <TableCell>{formatBudget(crm.apiBudget, french, words)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {health.crms
        .filter((crm) => crm.outage)
        .map((crm) => (
          <Text key={`outage-${crm.crm}`} format={{ fontWeight: 'bold' }}>
            {words.failingSince(
              words[crm.crm] ?? crm.crm,
              when(crm.outage.since),
              crm.outage.error,
            )}
          </Text>
        ))}
      <Text format={{ fontWeight: 'demibold' }}>{words.objects}</Text>
      <Table bordered={true}>
        <TableHead>
          <TableRow>
            <TableHeader>{words.crm}</TableHeader>
            <TableHeader>{words.kind}</TableHeader>
            <TableHeader>{words.lastSync}</TableHeader>
            <TableHeader>{words.backlog}</TableHeader>
            <TableHeader>{words.deadLetters}</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {health.crms.flatMap((crm) =>
            crm.objects.map((object) => (
              <TableRow key={`${crm.crm}-${object.kind}`}>
                <TableCell>{words[crm.crm] ?? crm.crm}</TableCell>
                <TableCell>{words[object.kind] ?? object.kind}</TableCell>
                <TableCell>{when(object.lastSyncedAt)}</TableCell>
                <TableCell>{String(object.backlog)}</TableCell>
                <TableCell>{String(object.deadLetters)}</TableCell>
              </TableRow>
            )),
          )}
        </TableBody>
      </Table>
      <Heading>{words.deadHeading}</Heading>
      {deadLetters.length === 0 ? (
        <Text>{words.noDead}</Text>
      ) : (
        <>
          <Table bordered={true}>
            <TableHead>
              <TableRow>
                <TableHeader>{words.when}</TableHeader>
                <TableHeader>{words.crm}</TableHeader>
                <TableHeader>{words.record}</TableHeader>
                <TableHeader>{words.why}</TableHeader>
                <TableHeader>{words.attempts}</TableHeader>
              </TableRow>
            </TableHead>
            <TableBody>
              {deadLetters.map((dead) => (
                <TableRow key={dead.id}>
                  <TableCell>{when(dead.deadAt)}</TableCell>
                  <TableCell>{words[dead.crm] ?? dead.crm}</TableCell>
                  <TableCell>{`${words[dead.kind] ?? dead.kind}: ${dead.ref}`}</TableCell>
                  <TableCell>{dead.error}</TableCell>
                  <TableCell>{String(dead.attempts)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Text variant="microcopy">{words.replay}</Text>
        </>
      )}
    </Flex>
  );
}
