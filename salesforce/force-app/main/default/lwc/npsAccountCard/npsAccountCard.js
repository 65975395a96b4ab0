import { LightningElement, api, wire } from 'lwc';
import { gql, graphql } from 'lightning/graphql';
import {
  adoptJourney,
  classifyScore,
  DEFAULT_TOUCHPOINTS,
  hoursLeft,
  npsFromCounts,
  roundSummary,
  slaStatus,
  summarizeAccount,
  touchpointLabel,
} from 'c/npsCore';
import LANG from '@salesforce/i18n/lang';
import { SLA_BADGES, errorMessage, fieldValue as value } from 'c/boucleUi';
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
import BOUCLE_TARGET from '@salesforce/label/c.Boucle_Target';
import BOUCLE_TARGET_MET from '@salesforce/label/c.Boucle_Target_Met';
import BOUCLE_TARGET_MISSED from '@salesforce/label/c.Boucle_Target_Missed';
import BOUCLE_TARGET_NOT_ENOUGH from '@salesforce/label/c.Boucle_Target_Not_Enough';
import BOUCLE_NOT_IN_JOURNEY from '@salesforce/label/c.Boucle_Not_In_Journey';

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
  target: BOUCLE_TARGET,
};
const TARGET_STATUS = {
  met: { label: BOUCLE_TARGET_MET, className: 'slds-badge slds-theme_success' },
  missed: { label: BOUCLE_TARGET_MISSED, className: 'slds-badge slds-theme_error' },
  not_enough: { label: BOUCLE_TARGET_NOT_ENOUGH, className: 'slds-badge' },
};
const NORM = { above: BOUCLE_NORM_ABOVE, below: BOUCLE_NORM_BELOW, level: BOUCLE_NORM_LEVEL };
const METRICS = { NPS: 'nps', CSAT: 'csat', CES: 'ces' };
const DAY_MS = 86400000;

// One query: the account's answers (12 months) and open callbacks, and the org-wide NPS counts
// of the last 90 days (the norm). Lightning Data Service only: no Apex.
const QUERY = gql`
  query accountNps($accountId: ID, $since: DateTime, $normSince: DateTime) {
    uiapi {
      query {
        Survey_Response__c(
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
              Metric__c {
                value
              }
              Score__c {
                value
              }
              Comment__c {
                value
              }
              Touchpoint__c {
                value
              }
              Answered_At__c {
                value
              }
              Language__c {
                value
              }
            }
          }
        }
        Callback__c(
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
              Name {
                value
              }
              Kind__c {
                value
              }
              Status__c {
                value
              }
              Due_At__c {
                value
              }
              SLA_Hours__c {
                value
              }
              Reached_At__c {
                value
              }
            }
          }
        }
      }
      aggregate {
        Survey_Response__c(
          where: {
            and: [{ Metric__c: { eq: "NPS" } }, { Answered_At__c: { gte: { value: $normSince } } }]
          }
          groupBy: { Category__c: { group: true } }
        ) {
          edges {
            node {
              aggregate {
                Category__c {
                  value
                }
                Id {
                  count {
                    value
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`;

// The journey (Touchpoint__mdt), in a query of its own: if this org's GraphQL cannot read custom
// metadata, the card still shows everything else, against the shipped journey.
const JOURNEY_QUERY = gql`
  query accountNpsJourney {
    uiapi {
      query {
        Touchpoint__mdt(first: 200) {
          edges {
            node {
              Key__c {
                value
              }
              Label_En__c {
                value
              }
              Label_Fr__c {
                value
              }
              Journey__c {
                value
              }
              Order__c {
                value
              }
              Target_NPS__c {
                value
              }
              Target_CSAT__c {
                value
              }
              Target_CES__c {
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
function dateText(iso) {
  return iso
    ? new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(iso))
    : '';
}

/**
 * The account's NPS on the Account page: score with its margin of error (and a low-sample warning),
 * the promoter / passive / detractor split, the monthly trend, the touchpoints, the latest verbatims
 * (rendered as text: customer text is untrusted), the open callbacks and the org-wide norm. Every
 * figure comes from c/npsCore, the same code as the server and `npx boucle score`.
 */
export default class NpsAccountCard extends LightningElement {
  @api recordId;
  labels = LABELS;
  data;
  error;
  verbatimCount = 3;
  journey = DEFAULT_TOUCHPOINTS;

  get query() {
    return this.recordId ? QUERY : undefined;
  }

  get variables() {
    const now = Date.now();
    return {
      accountId: this.recordId,
      since: new Date(now - 366 * DAY_MS).toISOString(),
      normSince: new Date(now - 90 * DAY_MS).toISOString(),
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
    }
  }

  @wire(graphql, { query: JOURNEY_QUERY })
  wiredJourney({ data }) {
    const edges = data?.uiapi?.query?.Touchpoint__mdt?.edges;
    if (!edges) return;
    const touchpoints = edges.map(({ node }) => {
      const csat = value(node.Target_CSAT__c);
      const ces = value(node.Target_CES__c);
      return {
        key: value(node.Key__c),
        labelEn: value(node.Label_En__c),
        labelFr: value(node.Label_Fr__c),
        journey: value(node.Journey__c) || 'b2b',
        order: value(node.Order__c),
        targetNps: value(node.Target_NPS__c),
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
    const edges = this.data?.uiapi?.query?.Survey_Response__c?.edges ?? [];
    return edges
      .map(({ node }) => ({
        id: node.Id,
        metric: METRICS[value(node.Metric__c)] ?? 'nps',
        score: value(node.Score__c),
        answeredAt: value(node.Answered_At__c),
        touchpoint: value(node.Touchpoint__c) ?? undefined,
        comment: value(node.Comment__c) ?? undefined,
        language: value(node.Language__c) ?? undefined,
      }))
      .filter((a) => Number.isInteger(a.score) && a.answeredAt);
  }

  get norm() {
    const counts = { promoters: 0, passives: 0, detractors: 0 };
    for (const { node } of this.data?.uiapi?.aggregate?.Survey_Response__c?.edges ?? []) {
      const key = { Promoter: 'promoters', Passive: 'passives', Detractor: 'detractors' }[
        value(node.aggregate.Category__c)
      ];
      if (key) counts[key] += value(node.aggregate.Id.count) ?? 0;
    }
    const stats = npsFromCounts(counts);
    return stats.nps === null ? undefined : { nps: stats.nps, margin: stats.margin };
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
    return (this.data?.uiapi?.query?.Callback__c?.edges ?? []).map(({ node }) => {
      const callback = {
        status: 'open',
        dueAt: value(node.Due_At__c),
        slaHours: value(node.SLA_Hours__c) ?? 24,
        reachedAt: value(node.Reached_At__c) ?? undefined,
        createdAt: now,
      };
      const status = slaStatus(callback, now);
      return {
        id: node.Id,
        name: value(node.Name),
        kind: value(node.Kind__c),
        state: value(node.Status__c),
        due: dateText(callback.dueAt),
        dueStatus: SLA_BADGES[status].label,
        dueClass: SLA_BADGES[status].className,
        hoursLeft: Math.round(hoursLeft(callback, now)),
        url: `/lightning/r/Callback__c/${node.Id}/view`,
      };
    });
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
    return roundSummary(this.summary.overall);
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
    ].map((s) => ({ ...s, text: `${s.label} ${s.pct}%` }));
  }

  get splitLabel() {
    return this.split.map((s) => s.text).join(', ');
  }

  get normText() {
    const norm = this.summary.norm;
    if (!norm) return '';
    const comparison = norm.comparison;
    return `${NORM[comparison.direction]} (${signed(Math.round(norm.nps * 10) / 10)}; ${signed(comparison.delta === null ? null : Math.round(comparison.delta * 10) / 10)} pts)`;
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

  get verbatims() {
    const all = summarizeAccount(this.answers, {
      now: new Date().toISOString(),
      verbatimCount: 10,
    }).verbatims;
    return all.slice(0, this.verbatimCount).map((v) => ({
      id: v.answerId,
      // Rendered with {…} bindings only: LWC escapes them, so a verbatim is never HTML.
      comment: v.comment,
      meta: `${v.metric.toUpperCase()} ${v.score} · ${dateText(v.answeredAt)}${v.touchpoint ? ` · ${v.touchpoint}` : ''}`,
      badgeClass: `slds-badge ${classifyScore(v.metric, v.score) === 'detractor' || classifyScore(v.metric, v.score) === 'dissatisfied' || classifyScore(v.metric, v.score) === 'high_effort' ? 'slds-theme_error' : 'slds-theme_success'}`,
      lang: v.language ?? '',
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
