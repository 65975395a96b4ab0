// The account card's view, built once per wire result: what c/npsAccountCard shows of an
// account's answers, callbacks, rollup and norm, from the GraphQL data and the journey in force.
// A pure function of its inputs (the clock is a parameter), so that the card's getters only read
// its result: summarizing up to 2,000 answers on every render made each render pay for it again.
import {
  adoptJourney,
  classifyScore,
  DEFAULT_TOUCHPOINTS,
  hoursLeft,
  roundSummary,
  sampleVerdict,
  slaStatus,
  summarizeAccount,
  touchpointLabel,
  touchpointMatcher,
} from 'c/npsCore';
import LANG from '@salesforce/i18n/lang';
import {
  SLA_BADGES,
  fieldLabel,
  fieldValue as value,
  format,
  formatDate,
  formatDateTime,
  formatDecimal,
  formatMonth,
  formatPoints,
} from 'c/boucleUi';
import { trendChartOf, touchpointsChartOf } from './charts';
import { irritantsOf } from './irritants';
import BOUCLE_CARD_TITLE from '@salesforce/label/c.Boucle_Card_Title';
import BOUCLE_LOADING from '@salesforce/label/c.Boucle_Loading';
import BOUCLE_EMPTY from '@salesforce/label/c.Boucle_Empty';
import BOUCLE_ERROR from '@salesforce/label/c.Boucle_Error';
import BOUCLE_NPS_WINDOW from '@salesforce/label/c.Boucle_Nps_Window';
import BOUCLE_MARGIN from '@salesforce/label/c.Boucle_Margin';
import BOUCLE_LOW_SAMPLE from '@salesforce/label/c.Boucle_Low_Sample';
import BOUCLE_ANSWERS from '@salesforce/label/c.Boucle_Answers';
import BOUCLE_PROMOTERS from '@salesforce/label/c.Boucle_Promoters';
import BOUCLE_PASSIVES from '@salesforce/label/c.Boucle_Passives';
import BOUCLE_DETRACTORS from '@salesforce/label/c.Boucle_Detractors';
import BOUCLE_NORM_ABOVE from '@salesforce/label/c.Boucle_Norm_Above';
import BOUCLE_NORM_BELOW from '@salesforce/label/c.Boucle_Norm_Below';
import BOUCLE_NORM_LEVEL from '@salesforce/label/c.Boucle_Norm_Level';
import BOUCLE_TREND from '@salesforce/label/c.Boucle_Trend';
import BOUCLE_MONTH from '@salesforce/label/c.Boucle_Month';
import BOUCLE_TOUCHPOINTS from '@salesforce/label/c.Boucle_Touchpoints';
import BOUCLE_TOUCHPOINT from '@salesforce/label/c.Boucle_Touchpoint';
import BOUCLE_VERBATIMS from '@salesforce/label/c.Boucle_Verbatims';
import BOUCLE_SHOW_MORE from '@salesforce/label/c.Boucle_Show_More';
import BOUCLE_CALLBACKS from '@salesforce/label/c.Boucle_Callbacks';
import BOUCLE_NO_CALLBACKS from '@salesforce/label/c.Boucle_No_Callbacks';
import BOUCLE_DUE from '@salesforce/label/c.Boucle_Due';
import BOUCLE_UNSPECIFIED from '@salesforce/label/c.Boucle_Unspecified';
import BOUCLE_NORM_TEXT from '@salesforce/label/c.Boucle_Norm_Text';
import BOUCLE_NORM_UNAVAILABLE from '@salesforce/label/c.Boucle_Norm_Unavailable';
import BOUCLE_PARTIAL from '@salesforce/label/c.Boucle_Partial';
import BOUCLE_TARGET from '@salesforce/label/c.Boucle_Target';
import BOUCLE_TARGET_MET from '@salesforce/label/c.Boucle_Target_Met';
import BOUCLE_TARGET_MISSED from '@salesforce/label/c.Boucle_Target_Missed';
import BOUCLE_TARGET_NOT_ENOUGH from '@salesforce/label/c.Boucle_Target_Not_Enough';
import BOUCLE_NOT_IN_JOURNEY from '@salesforce/label/c.Boucle_Not_In_Journey';
import BOUCLE_THEMES from '@salesforce/label/c.Boucle_Themes';
import BOUCLE_SENTIMENT_POSITIVE from '@salesforce/label/c.Boucle_Sentiment_Positive';
import BOUCLE_SENTIMENT_NEUTRAL from '@salesforce/label/c.Boucle_Sentiment_Neutral';
import BOUCLE_SENTIMENT_NEGATIVE from '@salesforce/label/c.Boucle_Sentiment_Negative';
import BOUCLE_THEME_PRICE from '@salesforce/label/c.Boucle_Theme_Price';
import BOUCLE_THEME_DELAYS from '@salesforce/label/c.Boucle_Theme_Delays';
import BOUCLE_THEME_CALLBACK from '@salesforce/label/c.Boucle_Theme_Callback';
import BOUCLE_THEME_QUALITY from '@salesforce/label/c.Boucle_Theme_Quality';
import BOUCLE_THEME_DELIVERY from '@salesforce/label/c.Boucle_Theme_Delivery';
import BOUCLE_THEME_BILLING from '@salesforce/label/c.Boucle_Theme_Billing';
import BOUCLE_THEME_SUPPORT from '@salesforce/label/c.Boucle_Theme_Support';
import BOUCLE_THEME_ONBOARDING from '@salesforce/label/c.Boucle_Theme_Onboarding';
import BOUCLE_THEME_CONTRACT from '@salesforce/label/c.Boucle_Theme_Contract';
import BOUCLE_THEME_STAFF from '@salesforce/label/c.Boucle_Theme_Staff';
import BOUCLE_TREND_CHART from '@salesforce/label/c.Boucle_Trend_Chart';
import BOUCLE_TOUCHPOINTS_CHART from '@salesforce/label/c.Boucle_Touchpoints_Chart';
import BOUCLE_MARGIN_TOO_SMALL from '@salesforce/label/c.Boucle_Margin_Too_Small';
import BOUCLE_MARGIN_COLUMN from '@salesforce/label/c.Boucle_Margin_Column';

export const LABELS = {
  title: BOUCLE_CARD_TITLE,
  loading: BOUCLE_LOADING,
  empty: BOUCLE_EMPTY,
  error: BOUCLE_ERROR,
  npsWindow: BOUCLE_NPS_WINDOW,
  margin: BOUCLE_MARGIN,
  lowSample: BOUCLE_LOW_SAMPLE,
  answers: BOUCLE_ANSWERS,
  promoters: BOUCLE_PROMOTERS,
  passives: BOUCLE_PASSIVES,
  detractors: BOUCLE_DETRACTORS,
  trend: BOUCLE_TREND,
  month: BOUCLE_MONTH,
  touchpoints: BOUCLE_TOUCHPOINTS,
  touchpoint: BOUCLE_TOUCHPOINT,
  verbatims: BOUCLE_VERBATIMS,
  showMore: BOUCLE_SHOW_MORE,
  callbacks: BOUCLE_CALLBACKS,
  noCallbacks: BOUCLE_NO_CALLBACKS,
  due: BOUCLE_DUE,
  partial: BOUCLE_PARTIAL,
  target: BOUCLE_TARGET,
  themes: BOUCLE_THEMES,
  trendChart: BOUCLE_TREND_CHART,
  touchpointsChart: BOUCLE_TOUCHPOINTS_CHART,
  marginTooSmall: BOUCLE_MARGIN_TOO_SMALL,
  marginColumn: BOUCLE_MARGIN_COLUMN,
};
const TARGET_STATUS = {
  met: { label: BOUCLE_TARGET_MET, className: 'slds-badge slds-theme_success' },
  missed: { label: BOUCLE_TARGET_MISSED, className: 'slds-badge slds-theme_error' },
  not_enough: { label: BOUCLE_TARGET_NOT_ENOUGH, className: 'slds-badge' },
};
// Themes and sentiment as the server wrote them on each Survey_Response__c (ids in Themes__c);
// an admin's own theme shows its id.
const THEME_LABELS = {
  price: BOUCLE_THEME_PRICE,
  delays: BOUCLE_THEME_DELAYS,
  callback: BOUCLE_THEME_CALLBACK,
  quality: BOUCLE_THEME_QUALITY,
  delivery: BOUCLE_THEME_DELIVERY,
  billing: BOUCLE_THEME_BILLING,
  support: BOUCLE_THEME_SUPPORT,
  onboarding: BOUCLE_THEME_ONBOARDING,
  contract: BOUCLE_THEME_CONTRACT,
  staff: BOUCLE_THEME_STAFF,
};
const SENTIMENTS = {
  Positive: { label: BOUCLE_SENTIMENT_POSITIVE, badge: 'slds-badge slds-theme_success' },
  Neutral: { label: BOUCLE_SENTIMENT_NEUTRAL, badge: 'slds-badge' },
  Negative: { label: BOUCLE_SENTIMENT_NEGATIVE, badge: 'slds-badge slds-theme_error' },
};
const NORM = { above: BOUCLE_NORM_ABOVE, below: BOUCLE_NORM_BELOW, level: BOUCLE_NORM_LEVEL };
const METRICS = { NPS: 'nps', CSAT: 'csat', CES: 'ces' };

/** How many verbatims the card can show (three at first, then all on request). */
export const MAX_VERBATIMS = 10;
const UNHAPPY = new Set(['detractor', 'dissatisfied', 'high_effort']);

const signed = formatPoints;

/**
 * A margin as it may be shown: "± 12.3", or, when the sample has no answers' spread to measure
 * (one answer, or every answer in one category, whose computed margin is 0), that it is too small,
 * never "± 0.0". The summary is rounded already.
 */
function marginTextOf(summary) {
  if (summary.n === 0 || summary.margin === null) return '';
  return sampleVerdict(summary, 1) === 'enough'
    ? `± ${formatDecimal(summary.margin)}`
    : BOUCLE_MARGIN_TOO_SMALL;
}

/**
 * The journey of this org from its Touchpoint__mdt records (GraphQL edges) over the shipped one; a
 * configuration with problems (doctor names them), or none, leaves the shipped journey in force.
 */
export function journeyFromRecords(edges) {
  if (!edges) return DEFAULT_TOUCHPOINTS;
  const touchpoints = edges.map(({ node }) => {
    const csat = value(node.targetCsat);
    const ces = value(node.targetCes);
    return {
      key: value(node.key),
      labelEn: value(node.labelEn),
      labelFr: value(node.labelFr),
      journey: value(node.journey) || 'b2b',
      order: value(node.order),
      targetNps: value(node.targetNps),
      ...(csat !== null && csat !== undefined && { targetCsat: csat }),
      ...(ces !== null && ces !== undefined && { targetCes: ces }),
    };
  });
  const complete = touchpoints.every((t) => t.key && t.labelEn && t.labelFr);
  return touchpoints.length > 0 && complete
    ? adoptJourney(DEFAULT_TOUCHPOINTS, touchpoints).touchpoints
    : DEFAULT_TOUCHPOINTS;
}

/** The answers of the query as c/npsCore reads them; those without a score or date are left out. */
function answersOf(edges) {
  return edges
    .map(({ node }) => ({
      id: node.Id,
      metric: METRICS[value(node.metric)] ?? 'nps',
      score: value(node.score),
      answeredAt: value(node.answeredAt),
      touchpoint: value(node.touchpoint) ?? undefined,
      comment: value(node.comment) ?? undefined,
      language: value(node.language) ?? undefined,
    }))
    .filter((a) => Number.isInteger(a.score) && a.answeredAt);
}

/** The org-wide norm as the server wrote it (NPS_Norm__c "org"); `undefined` until its first rollup round. */
function normOf(query) {
  const node = query?.norm?.edges?.[0]?.node;
  const nps = value(node?.nps);
  return typeof nps === 'number' ? { nps, margin: value(node.margin) ?? 0 } : undefined;
}

/**
 * The headline figures: from the answers read, or, when the account has more than one query reads
 * (2,000), from the server's rollup on the Account (computed from every answer).
 */
function overallOf(summary, query, partial) {
  const overall = roundSummary(summary.overall);
  const node = query?.account?.edges?.[0]?.node;
  const nps = value(node?.npsScore);
  if (!partial || typeof nps !== 'number') return overall;
  return {
    ...overall,
    nps,
    margin: value(node.npsMargin) ?? null,
    n: value(node.npsResponses) ?? overall.n,
  };
}

function splitOf({ n, promoters, passives, detractors }) {
  const pct = (count) => (n === 0 ? 0 : Math.round((count / n) * 100));
  return [
    { key: 'promoters', label: LABELS.promoters, count: promoters },
    { key: 'passives', label: LABELS.passives, count: passives },
    { key: 'detractors', label: LABELS.detractors, count: detractors },
  ].map(({ key, label, count }) => {
    const cssClass = `bar bar_${key}`;
    return {
      key,
      label,
      pct: pct(count),
      cssClass,
      style: `width: ${pct(count)}%`,
      text: `${label} ${pct(count)}%`,
      swatchClass: `swatch ${cssClass}`,
    };
  });
}

/** "Above the org-wide NPS: +52.9 pts against the org-wide NPS of 0.0 (last 90 days)". */
function normTextOf(norm) {
  if (!norm) return BOUCLE_NORM_UNAVAILABLE;
  const round = (n) => (n === null ? null : Math.round(n * 10) / 10);
  return format(
    BOUCLE_NORM_TEXT,
    NORM[norm.comparison.direction],
    signed(round(norm.comparison.delta)),
    signed(round(norm.nps)),
  );
}

// The journey in order, by the label in the user's language, each against its target; then the
// touchpoints outside the journey (as sent) and the answers without one.
function touchpointsOf(journey, lang) {
  return journey
    .filter((step) => step.kind === 'configured' || step.n > 0)
    .map((step) => {
      const rounded = roundSummary(step);
      const status = step.status && TARGET_STATUS[step.status.nps];
      return {
        key: `${step.kind}:${step.key}`,
        label:
          step.kind === 'unspecified'
            ? BOUCLE_UNSPECIFIED
            : step.kind === 'unknown'
              ? `${step.labelEn} (${BOUCLE_NOT_IN_JOURNEY})`
              : touchpointLabel(step, lang),
        n: rounded.n,
        nps: signed(rounded.nps),
        npsValue: rounded.nps,
        target: step.kind === 'configured' ? signed(step.targetNps) : '—',
        targetValue: step.kind === 'configured' ? step.targetNps : null,
        status: status?.label ?? '',
        statusKey: step.status?.nps ?? 'none',
        statusClass: status?.className ?? '',
      };
    });
}

/** The latest verbatims, each with the themes and sentiment the server wrote on its record. */
function verbatimsOf(verbatims, edges, journey, lang) {
  const matchTouchpoint = touchpointMatcher(journey);
  // A configured touchpoint by its label in the user's language; any other as it was sent.
  const touchpointOf = (label) => {
    const configured = matchTouchpoint(label);
    return configured ? touchpointLabel(configured, lang) : label;
  };
  const analyses = new Map(
    edges.map(({ node }) => [
      node.Id,
      {
        themes: (value(node.themes) ?? '').split(';').filter(Boolean),
        sentiment: SENTIMENTS[value(node.sentiment)],
      },
    ]),
  );
  return verbatims.map((v) => {
    const analysis = analyses.get(v.answerId);
    // An admin's own theme shows its id.
    const themes = (analysis?.themes ?? []).map((id) => ({
      key: id,
      label: THEME_LABELS[id] ?? id,
    }));
    return {
      id: v.answerId,
      // Rendered with {…} bindings only: LWC escapes them, so a verbatim is never HTML.
      comment: v.comment,
      meta: `${v.metric.toUpperCase()} ${v.score} · ${formatDate(v.answeredAt)}${v.touchpoint ? ` · ${touchpointOf(v.touchpoint)}` : ''}`,
      badgeClass: `slds-badge ${UNHAPPY.has(classifyScore(v.metric, v.score)) ? 'slds-theme_error' : 'slds-theme_success'}`,
      lang: v.language ?? '',
      themes,
      hasThemes: themes.length > 0,
      sentimentLabel: analysis?.sentiment?.label,
      sentimentClass: analysis?.sentiment?.badge,
    };
  });
}

/** The open callbacks with where each stands against its SLA at `now`. */
function callbacksOf(edges, now) {
  return edges.map(({ node }) => {
    const callback = {
      status: 'open',
      dueAt: value(node.dueAt),
      slaHours: value(node.slaHours) ?? 24,
      reachedAt: value(node.reachedAt) ?? undefined,
      createdAt: now,
    };
    const status = slaStatus(callback, now);
    return {
      id: node.Id,
      name: value(node.name),
      kind: fieldLabel(node.kind),
      state: fieldLabel(node.status),
      due: formatDateTime(callback.dueAt),
      dueStatus: SLA_BADGES[status].label,
      dueClass: SLA_BADGES[status].className,
      hoursLeft: Math.round(hoursLeft(callback, now)),
    };
  });
}

/**
 * What the account card shows, from its GraphQL query's `data` and the journey in force, at `now`
 * (an ISO instant): the account's answers summarized once by c/npsCore (the same code as the server
 * and `npx boucle score`), then shaped for the template.
 * @param data the `data` of the card's query (`uiapi.query`: answers, account, callbacks, norm)
 * @param options `{ now, journey, lang }`: the instant, the touchpoints in force (the shipped
 *   journey by default) and the user's language (the org user's by default)
 */
export function accountView(data, { now, journey = DEFAULT_TOUCHPOINTS, lang = LANG }) {
  const query = data?.uiapi?.query;
  const answerEdges = query?.answers?.edges ?? [];
  const answers = answersOf(answerEdges);
  const norm = normOf(query);
  const summary = summarizeAccount(answers, {
    now,
    touchpoints: journey,
    verbatimCount: MAX_VERBATIMS,
    ...(norm && { norm }),
  });
  const partial = Boolean(query?.answers?.pageInfo?.hasNextPage);
  const overall = overallOf(summary, query, partial);
  const split = splitOf(overall);
  const touchpoints = touchpointsOf(summary.journey, lang);
  const verbatims = verbatimsOf(summary.verbatims, answerEdges, journey, lang);
  const callbacks = callbacksOf(query?.callbacks?.edges ?? [], now);
  const trend = summary.trend.map((month) => {
    const rounded = roundSummary(month);
    return {
      key: month.key,
      month: formatMonth(month.key),
      n: rounded.n,
      nps: signed(rounded.nps),
      margin: marginTextOf(rounded) || '—',
    };
  });
  const empty = answers.length === 0 && callbacks.length === 0;
  return {
    empty,
    ready: !empty,
    partial,
    npsText: signed(overall.nps),
    // The rollup's margin (more answers than the query reads) has no counts to judge: a margin of
    // 0 can only be a sample without spread.
    marginText: partial
      ? overall.margin === null
        ? ''
        : overall.margin > 0
          ? `± ${formatDecimal(overall.margin)}`
          : BOUCLE_MARGIN_TOO_SMALL
      : marginTextOf(overall),
    lowSample: overall.lowSample,
    answerCountText: `${overall.n} ${LABELS.answers}`,
    split,
    splitLabel: split.map((s) => s.text).join(', '),
    normText: normTextOf(summary.norm),
    trend,
    trendChart: trendChartOf(summary.trend, trend, LABELS),
    touchpoints,
    touchpointsChart: touchpointsChartOf(touchpoints, LABELS),
    hasTouchpoints: touchpoints.length > 0,
    verbatims,
    hasVerbatims: verbatims.length > 0,
    irritants: irritantsOf(answerEdges, { now, themeLabel: (id) => THEME_LABELS[id] ?? id }),
    callbacks,
    hasCallbacks: callbacks.length > 0,
  };
}
