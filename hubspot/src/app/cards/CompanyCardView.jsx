import React from 'react';
import {
  Divider,
  EmptyState,
  Flex,
  Heading,
  Statistics,
  StatisticsItem,
  StatusTag,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import { touchpointLabel } from './boucle-core.js';
import { translator } from './i18n.js';
import { LoadingOrError, useBoucle } from './useBoucle.jsx';

const SLA_VARIANT = { overdue: 'danger', due_soon: 'warning', on_time: 'success' };
const TARGET_VARIANT = { met: 'success', missed: 'danger', not_enough: 'default' };
const signed = (n) => (n === null || n === undefined ? '—' : `${n > 0 ? '+' : ''}${n}`);

/** The open callbacks of an account or contact, with where each stands against its SLA. */
export function OpenCallbacks({ callbacks, t }) {
  if (!callbacks.length) return <Text>{t('noCallbacks')}</Text>;
  return (
    <Table bordered={true}>
      <TableHead>
        <TableRow>
          <TableHeader>{t('kind')}</TableHeader>
          <TableHeader>{t('status')}</TableHeader>
          <TableHeader>{t('due')}</TableHeader>
        </TableRow>
      </TableHead>
      <TableBody>
        {callbacks.map((callback) => (
          <TableRow key={callback.id}>
            <TableCell>{callback.kind.replace(/_/g, ' ')}</TableCell>
            <TableCell>{t(callback.status)}</TableCell>
            <TableCell>
              <StatusTag variant={SLA_VARIANT[callback.slaStatus] ?? 'default'}>
                {t(callback.slaStatus)}
              </StatusTag>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * The touchpoints in journey order, each against its target, then those outside the journey. A
 * server from before the journey sends only `touchpoints`: they show as they were sent.
 */
function journeyOf(card) {
  if (card.journey) return card.journey;
  return card.touchpoints.map((group) => ({
    ...group,
    kind: group.key === 'unspecified' ? 'unspecified' : 'unknown',
    labelEn: group.key,
    labelFr: group.key,
  }));
}

/**
 * The company's NPS, as on the Salesforce account card: score with its margin of error (and a
 * low-sample warning), the promoter / passive / detractor split, the monthly trend, the journey
 * (touchpoints in order, by their label in the user's language, each against its target),
 * latest verbatims, open callbacks and the norm. The figures come from the Boucle server, which
 * computes them with the shared logic; verbatims are shown as text components (never HTML).
 */
export function CompanyCardView({ context, fetch }) {
  const t = translator(context?.user?.locale);
  const companyId = context?.crm?.objectId;
  const state = useBoucle(fetch, `/companies/${encodeURIComponent(companyId)}/summary`);
  if (!state.data) return <LoadingOrError state={state} t={t} />;
  const card = state.data;
  if (card.empty) return <EmptyState title={t('empty')} layout="vertical" />;

  const { overall, window: span, norm } = card;
  return (
    <Flex direction="column" gap="medium">
      <Statistics>
        <StatisticsItem label={t('nps', { days: span.days })} number={signed(overall.nps)}>
          <Text>{t('margin', { margin: overall.margin ?? '—' })}</Text>
        </StatisticsItem>
        <StatisticsItem label={t('answers', { n: overall.n })} number={String(overall.n)}>
          <Text>{t('split', overall)}</Text>
        </StatisticsItem>
        {norm && (
          <StatisticsItem label={t('norm', { nps: signed(norm.nps) })} number={signed(norm.nps)}>
            <Text>{t(norm.comparison.direction)}</Text>
          </StatisticsItem>
        )}
      </Statistics>
      {overall.lowSample && <Tag variant="warning">{t('lowSample')}</Tag>}

      <Heading>{t('trend')}</Heading>
      <Table bordered={true}>
        <TableHead>
          <TableRow>
            <TableHeader>{t('month')}</TableHeader>
            <TableHeader>NPS</TableHeader>
            <TableHeader>n</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {card.trend.map((month) => (
            <TableRow key={month.key}>
              <TableCell>{month.key}</TableCell>
              <TableCell>{signed(month.nps)}</TableCell>
              <TableCell>{month.n}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>

      <Heading>{t('touchpoints')}</Heading>
      <Table bordered={true}>
        <TableHead>
          <TableRow>
            <TableHeader>{t('touchpoint')}</TableHeader>
            <TableHeader>NPS</TableHeader>
            <TableHeader>n</TableHeader>
            <TableHeader>{t('target')}</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {journeyOf(card).map((step) => (
            <TableRow key={`${step.kind}:${step.key}`}>
              <TableCell>
                {step.kind === 'unspecified'
                  ? t('unspecified')
                  : step.kind === 'unknown'
                    ? t('unknownTouchpoint', { label: step.labelEn })
                    : touchpointLabel(step, context?.user?.locale)}
              </TableCell>
              <TableCell>{signed(step.nps)}</TableCell>
              <TableCell>{step.n}</TableCell>
              <TableCell>
                {step.status ? (
                  <StatusTag variant={TARGET_VARIANT[step.status.nps] ?? 'default'}>
                    {t(`target_${step.status.nps}`, { target: signed(step.targetNps) })}
                  </StatusTag>
                ) : (
                  '—'
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>

      <Heading>{t('verbatims')}</Heading>
      {card.verbatims.map((verbatim) => (
        <Text key={verbatim.answerId}>
          {`${verbatim.metric.toUpperCase()} ${verbatim.score} · ${verbatim.answeredAt.slice(0, 10)} · ${verbatim.comment}`}
        </Text>
      ))}

      <Divider />
      <Heading>{t('callbacks')}</Heading>
      <OpenCallbacks callbacks={card.openCallbacks} t={t} />
    </Flex>
  );
}
