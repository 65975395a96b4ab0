import { LightningElement, api, wire } from 'lwc';
import { gql, graphql } from 'lightning/graphql';
import { NavigationMixin } from 'lightning/navigation';
import CALLBACK_OBJECT from '@salesforce/schema/Callback__c';
import { DEFAULT_TOUCHPOINTS } from 'c/npsCore';
import { errorMessage, generateRecordUrls, openRecordPage } from 'c/boucleUi';
import { LABELS, MAX_VERBATIMS, accountView, journeyFromRecords } from 'c/npsAccountView';

const DAY_MS = 86400000;

// One query: the account's answers (12 months), its NPS, CSAT and CES rollups (written by the server), its open
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
              csatScore: CSAT_Score__c {
                value
              }
              csatResponses: CSAT_Responses__c {
                value
              }
              cesScore: CES_Score__c {
                value
              }
              cesResponses: CES_Responses__c {
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

/**
 * The account's NPS on the Account page: score with its margin of error (and a low-sample warning),
 * the promoter / passive / detractor split, the monthly trend, the touchpoints, the latest verbatims
 * (rendered as text: customer text is untrusted), the open callbacks and the org-wide norm. Every
 * figure comes from c/npsCore, the same code as the server and `npx boucle score`, through
 * c/npsAccountView: the view is built once per query result (or journey), and the getters below
 * only read it.
 */
export default class NpsAccountCard extends NavigationMixin(LightningElement) {
  @api recordId;
  labels = LABELS;
  /** What the card shows (c/npsAccountView), once the query answered. */
  view;
  error;
  verbatimCount = 3;
  /** Record page URLs by callback id, from NavigationMixin (the links' href). */
  urls = {};
  journey = DEFAULT_TOUCHPOINTS;
  data;

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
      this.view = undefined;
    } else if (data) {
      this.error = undefined;
      this.data = data;
      this.buildView();
      generateRecordUrls(
        this,
        data.uiapi?.query?.callbacks?.edges ?? [],
        CALLBACK_OBJECT.objectApiName,
      );
    }
  }

  @wire(graphql, { query: JOURNEY_QUERY })
  wiredJourney({ data }) {
    const edges = data?.uiapi?.query?.touchpoints?.edges;
    if (!edges) return;
    this.journey = journeyFromRecords(edges);
    if (this.data) this.buildView();
  }

  buildView() {
    this.view = accountView(this.data, {
      now: new Date().toISOString(),
      journey: this.journey,
    });
  }

  handleOpen(event) {
    openRecordPage(this, event, CALLBACK_OBJECT.objectApiName);
  }

  handleShowMore() {
    this.verbatimCount = MAX_VERBATIMS;
  }

  get loading() {
    return !this.view && !this.error;
  }

  get empty() {
    return Boolean(this.view?.empty);
  }

  get ready() {
    return Boolean(this.view?.ready);
  }

  get verbatims() {
    return this.view.verbatims.slice(0, this.verbatimCount);
  }

  get canShowMore() {
    return this.verbatimCount < this.view.verbatims.length;
  }

  get callbacks() {
    return this.view.callbacks.map((callback) => ({ ...callback, url: this.urls[callback.id] }));
  }
}
