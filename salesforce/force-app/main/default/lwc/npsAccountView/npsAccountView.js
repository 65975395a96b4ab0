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

// The trend chart's frame, in SVG user units: the plot spans NPS −100 (bottom) to +100 (top).
const CHART = { width: 360, height: 184, left: 40, right: 352, top: 12, bottom: 152 };
const GRID = [100, 50, 0, -50, -100];
const clampNps = (n) => Math.max(-100, Math.min(100, n));
const yOf = (nps) => CHART.top + ((100 - clampNps(nps)) / 200) * (CHART.bottom - CHART.top);
const px = (n) => Math.round(n * 10) / 10;

/**
 * The monthly trend as an SVG chart: a line through the months with answers (broken where a month
 * has none), a dot per month, and the 95% margin as a band around the months whose sample has a
 * spread to measure (a one-answer or one-sided month has no band: its margin would be 0). Every
 * figure is c/npsCore's, rounded as the table shows it; the table stays for screen readers.
 */
function trendChartOf(months, rows) {
  const step = (CHART.right - CHART.left) / Math.max(months.length, 1);
  const points = months.map((month, i) => {
    const rounded = roundSummary(month);
    const x = px(CHART.left + (i + 0.5) * step);
    const banded = rounded.nps !== null && sampleVerdict(rounded, 1) === 'enough';
    return {
      key: month.key,
      x,
      y: rounded.nps === null ? null : px(yOf(rounded.nps)),
      top: banded ? px(yOf(rounded.nps + rounded.margin)) : null,
      bottom: banded ? px(yOf(rounded.nps - rounded.margin)) : null,
      title: `${rows[i].month}: ${rows[i].nps}${banded ? ` ${rows[i].margin}` : ''} (${rows[i].n} ${LABELS.answers})`,
    };
  });
  let line = '';
  let previous = null;
  for (const point of points) {
    if (point.y === null) {
      previous = null;
      continue;
    }
    line += `${previous ? 'L' : 'M'}${point.x} ${point.y} `;
    previous = point;
  }
  // One band per run of consecutive months with a margin; a lone month gets a short bar.
  const bands = [];
  let run = [];
  for (const point of [...points, { top: null }]) {
    if (point.top !== null) {
      run.push(point);
      continue;
    }
    if (run.length === 1) {
      const [only] = run;
      bands.push(
        `M${px(only.x - 4)} ${only.top} H${px(only.x + 4)} V${only.bottom} H${px(only.x - 4)} Z`,
      );
    } else if (run.length > 1) {
      const upper = run.map((p, i) => `${i ? 'L' : 'M'}${p.x} ${p.top}`);
      const lower = [...run].reverse().map((p) => `L${p.x} ${p.bottom}`);
      bands.push(`${upper.join(' ')} ${lower.join(' ')} Z`);
    }
    run = [];
  }
  const last = points.length - 1;
  return {
    viewBox: `0 0 ${CHART.width} ${CHART.height}`,
    label: LABELS.trendChart,
    grid: GRID.map((nps) => ({
      key: `grid${nps}`,
      y: px(yOf(nps)),
      x1: CHART.left,
      x2: CHART.right,
      labelX: CHART.left - 6,
      labelY: px(yOf(nps) + 3),
      text: nps > 0 ? `+${nps}` : String(nps),
      className: nps === 0 ? 'grid grid_zero' : 'grid',
    })),
    line: line.trim(),
    bands: bands.map((d, i) => ({ key: `band${i}`, d })),
    dots: points.filter((p) => p.y !== null).map(({ key, x, y, title }) => ({ key, x, y, title })),
    // Every third month from the latest, so the labels never overlap.
    ticks: points
      .map((p, i) => ({ key: p.key, x: p.x, y: CHART.bottom + 18, text: rows[i].month, i }))
      .filter(({ i }) => (last - i) % 3 === 0)
      .map(({ key, x, y, text }) => ({ key, x, y, text })),
  };
}

/**
 * The touchpoints as bars from zero (the middle of the track) to their NPS, coloured by their
 * target status, with a mark at the target; drawn with CSS widths, the table stays for screen
 * readers.
 */
function touchpointsChartOf(touchpoints) {
  const percent = (nps) => px(50 + clampNps(nps) / 2);
  return touchpoints.map((tp) => {
    const nps = tp.npsValue;
    const from = nps === null ? 50 : Math.min(50, percent(nps));
    const width = nps === null ? 0 : px(Math.abs(percent(nps) - 50));
    return {
      key: tp.key,
      label: tp.label,
      value: tp.nps,
      barClass: `tp-bar tp-bar_${tp.statusKey}`,
      barStyle: `left: ${from}%; width: ${width}%`,
      hasTarget: tp.targetValue !== null && tp.targetValue !== undefined,
      targetStyle: `left: ${tp.targetValue === null ? 50 : percent(tp.targetValue)}%`,
      // The status in words beside the colour (WCAG 1.4.1), with the target it is against.
      status: tp.status ? `${LABELS.target} ${tp.target}: ${tp.status}` : '',
      statusClass: tp.statusClass,
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
    trendChart: trendChartOf(summary.trend, trend),
    touchpoints,
    touchpointsChart: touchpointsChartOf(touchpoints),
    hasTouchpoints: touchpoints.length > 0,
    verbatims,
    hasVerbatims: verbatims.length > 0,
    callbacks,
    hasCallbacks: callbacks.length > 0,
  };
}
