import { LightningElement, api, wire } from 'lwc';
import { gql, graphql } from 'lightning/graphql';
import { NavigationMixin } from 'lightning/navigation';
import CALLBACK_OBJECT from '@salesforce/schema/Callback__c';
import {
  adoptJourney,
  classifyScore,
  DEFAULT_TOUCHPOINTS,
  hoursLeft,
  roundSummary,
  slaStatus,
  summarizeAccount,
  touchpointLabel,
} from 'c/npsCore';
import LANG from '@salesforce/i18n/lang';
import {
  SLA_BADGES,
  errorMessage,
  fieldLabel,
  fieldValue as value,
  format,
  formatDate,
  formatDateTime,
  generateRecordUrls,
  openRecordPage,
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

const LABELS = {
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
const DAY_MS = 86400000;

// One query: the account's answers (12 months), its NPS rollups (written by the server), its open
// callbacks, and the org-wide norm the server writes to NPS_Norm__c (External_Id__c "org") from
// every answer of the last 90 days: never from the answers the viewing user can see, so
// Survey_Response__c sharing can be Private. Lightning Data Service
// only: no Apex. Every object and field has an alias, so that the answer keeps its shape when a
// managed package's namespace prefixes their names.
const QUERY = gql`
  query accountNps($accountId: ID, $since: DateTime) {
    uiapi {
      query {
        answers: Survey_Response__c(
          where: {
            and: [
              { Account__c: { eq: $accountId } }
              { Answered_At__c: { gte: { value: $since } } }
            ]
          }
          orderBy: { Answered_At__c: { order: DESC } }
          first: 2000
        ) {
          edges {
            node {
              Id
              metric: Metric__c {
                value
              }
              score: Score__c {
                value
              }
              comment: Comment__c {
                value
              }
              touchpoint: Touchpoint__c {
                value
              }
              answeredAt: Answered_At__c {
                value
              }
              language: Language__c {
                value
              }
              themes: Themes__c {
                value
              }
              sentiment: Sentiment__c {
                value
              }
            }
          }
          pageInfo {
            hasNextPage
          }
        }
        account: Account(where: { Id: { eq: $accountId } }, first: 1) {
          edges {
            node {
              Id
              npsScore: NPS_Score__c {
                value
              }
              npsMargin: NPS_Margin__c {
                value
              }
              npsResponses: NPS_Responses__c {
                value
              }
            }
          }
        }
        callbacks: Callback__c(
          where: {
            and: [
              { Account__c: { eq: $accountId } }
              { Status__c: { nin: ["Resolved", "Closed no contact"] } }
            ]
          }
          orderBy: { Due_At__c: { order: ASC } }
          first: 50
        ) {
          edges {
            node {
              Id
              name: Name {
                value
              }
              kind: Kind__c {
                value
                displayValue
              }
              status: Status__c {
                value
                displayValue
              }
              dueAt: Due_At__c {
                value
              }
              slaHours: SLA_Hours__c {
                value
              }
              reachedAt: Reached_At__c {
                value
              }
            }
          }
        }
        norm: NPS_Norm__c(where: { External_Id__c: { eq: "org" } }, first: 1) {
          edges {
            node {
              Id
              nps: NPS__c {
                value
              }
              margin: Margin__c {
                value
              }
              responses: Responses__c {
                value
              }
            }
          }
        }
      }
    }
  }
`;

/** Midnight UTC of the day `days` before `now`: the same variables all day, so LDS's cache serves. */
function daysBefore(now, days) {
  return new Date(Math.floor(now / DAY_MS) * DAY_MS - days * DAY_MS).toISOString();
}
// The journey (Touchpoint__mdt), in a query of its own: if this org's GraphQL cannot read custom
// metadata, the card still shows everything else, against the shipped journey.
const JOURNEY_QUERY = gql`
  query accountNpsJourney {
    uiapi {
      query {
        touchpoints: Touchpoint__mdt(first: 200) {
          edges {
            node {
              key: Key__c {
                value
              }
              labelEn: Label_En__c {
                value
              }
              labelFr: Label_Fr__c {
                value
              }
              journey: Journey__c {
                value
              }
              order: Order__c {
                value
              }
              targetNps: Target_NPS__c {
                value
              }
              targetCsat: Target_CSAT__c {
                value
              }
              targetCes: Target_CES__c {
                value
              }
            }
          }
        }
      }
    }
  }
`;

function signed(n) {
  if (n === null || n === undefined) return '—';
  return `${n > 0 ? '+' : ''}${n.toFixed(1)}`;
}

/** The chips and sentiment badge of one verbatim, from what the server wrote. */
function verbatimAnalysis(analysis) {
  const themes = (analysis?.themes ?? []).map((id) => ({ key: id, label: THEME_LABELS[id] ?? id }));
  return {
    themes,
    hasThemes: themes.length > 0,
    sentimentLabel: analysis?.sentiment?.label,
    sentimentClass: analysis?.sentiment?.badge,
  };
}

/**
 * The account's NPS on the Account page: score with its margin of error (and a low-sample warning),
 * the promoter / passive / detractor split, the monthly trend, the touchpoints, the latest verbatims
 * (rendered as text: customer text is untrusted), the open callbacks and the org-wide norm. Every
 * figure comes from c/npsCore, the same code as the server and `npx boucle score`.
 */
export default class NpsAccountCard extends NavigationMixin(LightningElement) {
  @api recordId;
  labels = LABELS;
  data;
  error;
  verbatimCount = 3;
  /** Record page URLs by callback id, from NavigationMixin (the links' href). */
  urls = {};
  journey = DEFAULT_TOUCHPOINTS;

  get query() {
    return this.recordId ? QUERY : undefined;
  }

  get variables() {
    const now = Date.now();
    return {
      accountId: this.recordId,
      since: daysBefore(now, 366),
    };
  }

  @wire(graphql, { query: '$query', variables: '$variables' })
  wiredResponses({ data, errors }) {
    if (errors && errors.length) {
      this.error = errorMessage(errors) || LABELS.error;
      this.data = undefined;
    } else if (data) {
      this.error = undefined;
      this.data = data;
      generateRecordUrls(
        this,
        data.uiapi?.query?.callbacks?.edges ?? [],
        CALLBACK_OBJECT.objectApiName,
      );
    }
  }

  handleOpen(event) {
    openRecordPage(this, event, CALLBACK_OBJECT.objectApiName);
  }

  @wire(graphql, { query: JOURNEY_QUERY })
  wiredJourney({ data }) {
    const edges = data?.uiapi?.query?.touchpoints?.edges;
    if (!edges) return;
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
    // A configuration with problems (doctor names them) leaves the shipped journey in force.
    const complete = touchpoints.every((t) => t.key && t.labelEn && t.labelFr);
    this.journey =
      touchpoints.length > 0 && complete
        ? adoptJourney(DEFAULT_TOUCHPOINTS, touchpoints).touchpoints
        : DEFAULT_TOUCHPOINTS;
  }

  get loading() {
    return !this.data && !this.error;
  }

  get answers() {
    const edges = this.data?.uiapi?.query?.answers?.edges ?? [];
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

  /** The org-wide norm as the server wrote it; `undefined` until its first rollup round. */
  get norm() {
    const node = this.data?.uiapi?.query?.norm?.edges?.[0]?.node;
    const nps = value(node?.nps);
    return typeof nps === 'number' ? { nps, margin: value(node.margin) ?? 0 } : undefined;
  }

  get summary() {
    const norm = this.norm;
    return summarizeAccount(this.answers, {
      now: new Date().toISOString(),
      touchpoints: this.journey,
      ...(norm && { norm }),
    });
  }

  get callbacks() {
    const now = new Date().toISOString();
    return (this.data?.uiapi?.query?.callbacks?.edges ?? []).map(({ node }) => {
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
        url: this.urls[node.Id],
      };
    });
  }

  /**
   * More answers than one query reads (2,000): the headline NPS is then the server's rollup on the
   * Account (computed from every answer), and the card says the rest covers the latest 2,000.
   */
  get partial() {
    return Boolean(this.data?.uiapi?.query?.answers?.pageInfo?.hasNextPage);
  }

  get rollup() {
    const node = this.data?.uiapi?.query?.account?.edges?.[0]?.node;
    const nps = value(node?.npsScore);
    return typeof nps === 'number'
      ? { nps, margin: value(node.npsMargin), n: value(node.npsResponses) }
      : undefined;
  }

  get hasCallbacks() {
    return this.callbacks.length > 0;
  }

  get empty() {
    return Boolean(this.data) && this.answers.length === 0 && !this.hasCallbacks;
  }

  get ready() {
    return Boolean(this.data) && !this.empty;
  }

  get overall() {
    const overall = roundSummary(this.summary.overall);
    const rollup = this.partial ? this.rollup : undefined;
    return rollup
      ? { ...overall, nps: rollup.nps, margin: rollup.margin ?? null, n: rollup.n ?? overall.n }
      : overall;
  }

  get npsText() {
    return signed(this.overall.nps);
  }

  get marginText() {
    return this.overall.margin === null ? '' : `± ${this.overall.margin.toFixed(1)}`;
  }

  get lowSample() {
    return this.overall.lowSample;
  }

  get answerCountText() {
    return `${this.overall.n} ${LABELS.answers}`;
  }

  get split() {
    const { n, promoters, passives, detractors } = this.overall;
    const pct = (count) => (n === 0 ? 0 : Math.round((count / n) * 100));
    return [
      {
        key: 'promoters',
        label: LABELS.promoters,
        pct: pct(promoters),
        cssClass: 'bar bar_promoters',
        style: `width: ${pct(promoters)}%`,
      },
      {
        key: 'passives',
        label: LABELS.passives,
        pct: pct(passives),
        cssClass: 'bar bar_passives',
        style: `width: ${pct(passives)}%`,
      },
      {
        key: 'detractors',
        label: LABELS.detractors,
        pct: pct(detractors),
        cssClass: 'bar bar_detractors',
        style: `width: ${pct(detractors)}%`,
      },
    ].map((s) => ({ ...s, text: `${s.label} ${s.pct}%`, swatchClass: `swatch ${s.cssClass}` }));
  }

  get splitLabel() {
    return this.split.map((s) => s.text).join(', ');
  }

  /** "Above the org-wide NPS: +52.9 pts against the org-wide NPS of 0.0 (last 90 days)". */
  get normText() {
    const norm = this.summary.norm;
    if (!norm) return BOUCLE_NORM_UNAVAILABLE;
    const comparison = norm.comparison;
    const round = (n) => (n === null ? null : Math.round(n * 10) / 10);
    return format(
      BOUCLE_NORM_TEXT,
      NORM[comparison.direction],
      signed(round(comparison.delta)),
      signed(round(norm.nps)),
    );
  }

  get trend() {
    return this.summary.trend.map((month) => {
      const rounded = roundSummary(month);
      return { key: month.key, n: rounded.n, nps: signed(rounded.nps) };
    });
  }

  // The journey in order, by the label in the user's language, each against its target; then the
  // touchpoints outside the journey (as sent) and the answers without one.
  get touchpoints() {
    return this.summary.journey
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
                : touchpointLabel(step, LANG),
          n: rounded.n,
          nps: signed(rounded.nps),
          target: step.kind === 'configured' ? signed(step.targetNps) : '—',
          status: status?.label ?? '',
          statusClass: status?.className ?? '',
        };
      });
  }

  get hasTouchpoints() {
    return this.touchpoints.length > 0;
  }

  /** Each answer's themes and sentiment, by record id. */
  get analyses() {
    const edges = this.data?.uiapi?.query?.answers?.edges ?? [];
    return new Map(
      edges.map(({ node }) => [
        node.Id,
        {
          themes: (value(node.themes) ?? '').split(';').filter(Boolean),
          sentiment: SENTIMENTS[value(node.sentiment)],
        },
      ]),
    );
  }

  get verbatims() {
    const analyses = this.analyses;
    const all = summarizeAccount(this.answers, {
      now: new Date().toISOString(),
      verbatimCount: 10,
    }).verbatims;
    return all.slice(0, this.verbatimCount).map((v) => ({
      id: v.answerId,
      // Rendered with {…} bindings only: LWC escapes them, so a verbatim is never HTML.
      comment: v.comment,
      meta: `${v.metric.toUpperCase()} ${v.score} · ${formatDate(v.answeredAt)}${v.touchpoint ? ` · ${v.touchpoint}` : ''}`,
      badgeClass: `slds-badge ${classifyScore(v.metric, v.score) === 'detractor' || classifyScore(v.metric, v.score) === 'dissatisfied' || classifyScore(v.metric, v.score) === 'high_effort' ? 'slds-theme_error' : 'slds-theme_success'}`,
      lang: v.language ?? '',
      ...verbatimAnalysis(analyses.get(v.answerId)),
    }));
  }

  get hasVerbatims() {
    return this.verbatims.length > 0;
  }

  get canShowMore() {
    return (
      this.verbatimCount <
      Math.min(10, this.answers.filter((a) => a.comment && a.comment.trim()).length)
    );
  }

  handleShowMore() {
    this.verbatimCount = 10;
  }
}
