import React from 'react';
import {
  Accordion,
  BarChart,
  Divider,
  EmptyState,
  Flex,
  Heading,
  LineChart,
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
import { statusColors, touchpointChartRows, trendChartRows } from './charts.js';
import { formatterFor, hasMargin } from './format.js';
import { translator } from './i18n.js';
import { LoadingOrError, useBoucle } from './useBoucle.jsx';

const SLA_VARIANT = { overdue: 'danger', due_soon: 'warning', on_time: 'success' };
const TARGET_VARIANT = { met: 'success', missed: 'danger', not_enough: 'default' };

/** A callback kind by its label in the user's language (a kind the card does not know as sent). */
export function kindLabel(kind, t) {
  const key = `kind_${kind}`;
  const label = t(key);
  return label === key ? kind.replace(/_/g, ' ') : label;
}

/** The open callbacks of an account or contact, with where each stands against its SLA. */
export function OpenCallbacks({ callbacks, t, fmt }) {
  if (!callbacks.length) return <Text>{t('noCallbacks')}</Text>;
  return (
    <Table bordered={true} testId="callbacks">
      <TableHead>
        <TableRow>
          <TableHeader>{t('kind')}</TableHeader>
          <TableHeader>{t('status')}</TableHeader>
          <TableHeader>{t('due')}</TableHeader>
          <TableHeader>{t('slaColumn')}</TableHeader>
        </TableRow>
      </TableHead>
      <TableBody>
        {callbacks.map((callback) => (
          <TableRow key={callback.id}>
            <TableCell>{kindLabel(callback.kind, t)}</TableCell>
            <TableCell>{t(callback.status)}</TableCell>
            <TableCell>{fmt.date(callback.dueAt)}</TableCell>
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

/** Sentiment tags: the server reads it from each verbatim with the taxonomy in force. */
const SENTIMENT_VARIANT = { positive: 'success', neutral: 'default', negative: 'error' };

/** A theme's label in the user's language; an admin's theme without a label shows its id. */
const themeLabel = (theme, french) =>
  (french ? theme.label?.fr : theme.label?.en) ?? theme.label?.en ?? theme.theme;

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
 * CSAT (share of satisfied answers) and CES (mean effort, 1 to 7, lower is better) beside the NPS,
 * as the server computes them over the same window; each only when the window has such answers.
 */
export function SatisfactionAndEffort({ overall, days, t, fmt }) {
  const csat = overall.csat?.n > 0 ? overall.csat : undefined;
  const ces = overall.ces?.n > 0 ? overall.ces : undefined;
  if (!csat && !ces) return null;
  return (
    <Statistics testId="csat-ces">
      {csat && (
        <StatisticsItem label={t('csat', { days })} number={fmt.percent(csat.csat)}>
          <Text>{t('csatDetail', { n: csat.n })}</Text>
        </StatisticsItem>
      )}
      {ces && (
        <StatisticsItem label={t('ces', { days })} number={fmt.decimal(ces.ces)}>
          <Text>{t('cesDetail', { n: ces.n })}</Text>
        </StatisticsItem>
      )}
    </Statistics>
  );
}

/**
 * The company's NPS, as on the Salesforce account card: score with its margin of error (and a
 * low-sample warning), CSAT and CES, the promoter / passive / detractor split, the monthly trend, the journey
 * (touchpoints in order, by their label in the user's language, each against its target),
 * latest verbatims, open callbacks and the norm. The figures come from the Boucle server, which
 * computes them with the shared logic; verbatims are shown as text components (never HTML).
 */
export function CompanyCardView({ context, fetch }) {
  const t = translator(context?.user?.locale);
  const fmt = formatterFor(context);
  const signed = fmt.points;
  const french = String(context?.user?.locale ?? '')
    .toLowerCase()
    .startsWith('fr');
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
          <Text>
            {hasMargin(overall)
              ? t('margin', { margin: fmt.decimal(overall.margin) })
              : overall.n > 0
                ? t('marginTooSmall')
                : '—'}
          </Text>
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
      <SatisfactionAndEffort overall={overall} days={span.days} t={t} fmt={fmt} />

      <Heading>{t('trend')}</Heading>
      <LineChart
        testId="trend-chart"
        data={trendChartRows(card.trend, fmt, t)}
        axes={{
          x: { field: 'month', fieldType: 'category', label: t('month') },
          y: { field: 'nps', fieldType: 'linear', label: 'NPS' },
          options: { groupFieldByColor: 'series' },
        }}
        options={{ title: t('trendChart'), showLegend: true, showTooltips: true }}
      />
      <Accordion title={t('figures')} size="small">
        <Table bordered={true} testId="trend">
          <TableHead>
            <TableRow>
              <TableHeader>{t('month')}</TableHeader>
              <TableHeader>NPS</TableHeader>
              <TableHeader>{t('marginColumn')}</TableHeader>
              <TableHeader>n</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {card.trend.map((month) => (
              <TableRow key={month.key}>
                <TableCell>{fmt.month(month.key)}</TableCell>
                <TableCell>{signed(month.nps)}</TableCell>
                <TableCell>
                  {hasMargin(month)
                    ? `±${fmt.decimal(month.margin)}`
                    : month.n > 0
                      ? t('marginTooSmall')
                      : '—'}
                </TableCell>
                <TableCell>{month.n}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Accordion>

      <Heading>{t('touchpoints')}</Heading>
      <BarChart
        testId="touchpoints-chart"
        data={touchpointChartRows(journeyOf(card), fmt, t)}
        axes={{
          x: { field: 'touchpoint', fieldType: 'category', label: t('touchpoint') },
          y: { field: 'nps', fieldType: 'linear', label: 'NPS' },
          options: { groupFieldByColor: 'status', colors: statusColors(t) },
        }}
        options={{ title: t('touchpointsChart'), showLegend: true, showDataLabels: true }}
      />
      <Table bordered={true} testId="touchpoints">
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

      {(card.irritants ?? []).length > 0 && (
        <>
          <Heading>{t('irritants')}</Heading>
          {card.irritants.map((irritant) => (
            <Text key={irritant.theme}>
              {t(irritant.margin > 0 ? 'irritant' : 'irritantNoMargin', {
                theme: themeLabel(irritant, french),
                share: fmt.decimal(irritant.unhappyShare),
                margin: fmt.decimal(irritant.margin),
                n: irritant.unhappyCount,
              })}
            </Text>
          ))}
        </>
      )}

      <Heading>{t('verbatims')}</Heading>
      {card.verbatims.map((verbatim) => (
        <Flex key={verbatim.answerId} direction="column" gap="extra-small">
          <Text>
            {`${verbatim.metric.toUpperCase()} ${verbatim.score} · ${fmt.date(verbatim.answeredAt)} · ${verbatim.comment}`}
          </Text>
          {verbatim.sentiment && (
            <Flex direction="row" gap="extra-small" wrap="wrap">
              <Tag variant={SENTIMENT_VARIANT[verbatim.sentiment] ?? 'default'}>
                {t(`sentiment_${verbatim.sentiment}`)}
              </Tag>
              {(verbatim.themes ?? []).map((theme) => (
                <Tag key={theme.theme}>{themeLabel(theme, french)}</Tag>
              ))}
            </Flex>
          )}
        </Flex>
      ))}

      <Divider />
      <Heading>{t('callbacks')}</Heading>
      <OpenCallbacks callbacks={card.openCallbacks} t={t} fmt={fmt} />
    </Flex>
  );
}
