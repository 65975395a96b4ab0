import React, { useState } from 'react';
import {
  Alert,
  Button,
  Divider,
  EmptyState,
  Flex,
  Form,
  Heading,
  Input,
  Select,
  Statistics,
  StatisticsItem,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
  TextArea,
} from '@hubspot/ui-extensions';
import {
  CALLBACK_TRANSITIONS,
  DEFAULT_TOUCHPOINTS,
  nextCallbackState,
  touchpointLabel,
  touchpointMatcher,
} from './boucle-core.js';
import { boucle, describeError } from './boucle.js';
import { OpenCallbacks, kindLabel } from './CompanyCardView.jsx';
import { formatterFor } from './format.js';
import { translator } from './i18n.js';
import { LoadingOrError, useBoucle } from './useBoucle.jsx';

const trimmed = (text) => (text && text.trim() ? text.trim() : undefined);

/**
 * Where a manager logs what came of a callback. Only the moves the shared state machine allows
 * are offered, and its conditions are checked (the same code as the server) before sending; the
 * server checks again and updates the HubSpot task.
 */
export function CallbackLogger({ callbacks, fetch, t, fmt, onLogged }) {
  const [callbackId, setCallbackId] = useState(callbacks[0]?.id);
  const [status, setStatus] = useState();
  const [fields, setFields] = useState({
    outcome: '',
    rootCause: '',
    notes: '',
    followUpAction: '',
  });
  const [message, setMessage] = useState();
  const [saving, setSaving] = useState(false);
  const callback = callbacks.find((c) => c.id === callbackId) ?? callbacks[0];
  if (!callback) return null;
  const set = (name) => (value) => setFields((current) => ({ ...current, [name]: value }));

  const submit = async () => {
    const event = {
      status,
      ...Object.fromEntries(
        Object.entries(fields)
          .map(([name, value]) => [name, trimmed(value)])
          .filter(([, value]) => value !== undefined),
      ),
    };
    const check = nextCallbackState(callback, event, new Date().toISOString());
    if (!check.ok) return setMessage({ variant: 'danger', text: check.reason });
    setSaving(true);
    try {
      await boucle(fetch, `/callbacks/${encodeURIComponent(callback.id)}`, {
        method: 'POST',
        body: event,
      });
      setMessage({ variant: 'success', text: t('saved') });
      setStatus(undefined);
      onLogged();
    } catch (error) {
      setMessage({ variant: 'danger', text: describeError(error) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form onSubmit={submit}>
      <Heading>{t('logTitle')}</Heading>
      <Select
        name="callback"
        label={t('callback')}
        value={callback.id}
        options={callbacks.map((c) => ({
          label: `${kindLabel(c.kind, t)} · ${t(c.status)} · ${fmt.date(c.dueAt)}`,
          value: c.id,
        }))}
        onChange={(value) => setCallbackId(value)}
      />
      <Select
        name="status"
        label={t('whatHappened')}
        required={true}
        value={status}
        options={CALLBACK_TRANSITIONS[callback.status].map((value) => ({ label: t(value), value }))}
        onChange={(value) => setStatus(value)}
      />
      <Input name="outcome" label={t('outcome')} value={fields.outcome} onChange={set('outcome')} />
      <Input
        name="rootCause"
        label={t('rootCause')}
        value={fields.rootCause}
        onChange={set('rootCause')}
      />
      <TextArea name="notes" label={t('notes')} value={fields.notes} onChange={set('notes')} />
      <Input
        name="followUpAction"
        label={t('followUp')}
        value={fields.followUpAction}
        onChange={set('followUpAction')}
      />
      {message && (
        <Alert
          title={message.text}
          variant={message.variant === 'success' ? 'success' : 'danger'}
        />
      )}
      <Button type="submit" variant="primary" disabled={!status || saving}>
        {t('save')}
      </Button>
    </Form>
  );
}

const MATCH_TOUCHPOINT = touchpointMatcher(DEFAULT_TOUCHPOINTS);
/** The top of each metric's scale, as a score is read ("4 / 5"). */
const SCALE_TOP = { nps: 10, csat: 5, ces: 7 };

/** The contact's latest NPS, CSAT and CES answers (the server sends them newest first). */
export function LatestScores({ answers, t, fmt }) {
  const latest = ['nps', 'csat', 'ces']
    .map((metric) => answers.find((answer) => answer.metric === metric))
    .filter(Boolean);
  if (latest.length === 0) return null;
  return (
    <Statistics testId="latest-scores">
      {latest.map((answer) => (
        <StatisticsItem
          key={answer.metric}
          label={t('latestScore', { metric: answer.metric.toUpperCase() })}
          number={`${answer.score} / ${SCALE_TOP[answer.metric]}`}
        >
          <Text>{fmt.date(answer.answeredAt)}</Text>
        </StatisticsItem>
      ))}
    </Statistics>
  );
}

/**
 * The contact's survey answers, the employees' ratings of those interactions and the open
 * callbacks, with the logger. Comments are shown as text components (never HTML).
 */
export function ContactCardView({ context, fetch }) {
  const t = translator(context?.user?.locale);
  const fmt = formatterFor(context);
  // A touchpoint of the shipped journey by its label in the user's language; any other as sent.
  const touchpointOf = (label) => {
    if (!label) return t('unspecified');
    const known = MATCH_TOUCHPOINT(label);
    return known ? touchpointLabel(known, fmt.locale) : label;
  };
  const contactId = context?.crm?.objectId;
  const state = useBoucle(fetch, `/contacts/${encodeURIComponent(contactId)}`);
  if (!state.data) return <LoadingOrError state={state} t={t} />;
  const { answers, ratings, openCallbacks } = state.data;
  if (!answers.length && !openCallbacks.length)
    return <EmptyState title={t('emptyContact')} layout="vertical" />;

  return (
    <Flex direction="column" gap="medium">
      <LatestScores answers={answers} t={t} fmt={fmt} />
      <Heading>{t('contactAnswers')}</Heading>
      <Table bordered={true}>
        <TableHead>
          <TableRow>
            <TableHeader>{t('date')}</TableHeader>
            <TableHeader>{t('score')}</TableHeader>
            <TableHeader>{t('touchpoint')}</TableHeader>
            <TableHeader>{t('comment')}</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {answers.map((answer) => (
            <TableRow key={`${answer.source}:${answer.id}`}>
              <TableCell>{fmt.date(answer.answeredAt)}</TableCell>
              <TableCell>{`${answer.metric.toUpperCase()} ${answer.score}`}</TableCell>
              <TableCell>{touchpointOf(answer.touchpoint)}</TableCell>
              <TableCell>{answer.comment ?? ''}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {ratings.length > 0 && (
        <>
          <Heading>{t('ratings')}</Heading>
          <Table bordered={true}>
            <TableHead>
              <TableRow>
                <TableHeader>{t('interaction')}</TableHeader>
                <TableHeader>{t('rating')}</TableHeader>
              </TableRow>
            </TableHead>
            <TableBody>
              {ratings.map((rating) => (
                <TableRow key={`${rating.interactionId}:${rating.ratedAt}`}>
                  <TableCell>{rating.interactionId}</TableCell>
                  <TableCell>{`${rating.rating}/5`}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
      <Divider />
      <Heading>{t('callbacks')}</Heading>
      <OpenCallbacks callbacks={openCallbacks} t={t} fmt={fmt} />
      {openCallbacks.length > 0 && (
        <CallbackLogger
          callbacks={openCallbacks}
          fetch={fetch}
          t={t}
          fmt={fmt}
          onLogged={state.reload}
        />
      )}
    </Flex>
  );
}
