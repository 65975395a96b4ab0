import { LightningElement, wire } from 'lwc';
import { gql, graphql } from 'lightning/graphql';
import { NavigationMixin } from 'lightning/navigation';
import LOCALE from '@salesforce/i18n/locale';
import { errorMessage, fieldLabel, fieldValue as value, format, formatDateTime } from 'c/boucleUi';
import BOUCLE_HEALTH_TITLE from '@salesforce/label/c.Boucle_Health_Title';
import BOUCLE_HEALTH_LOADING from '@salesforce/label/c.Boucle_Health_Loading';
import BOUCLE_HEALTH_ERROR from '@salesforce/label/c.Boucle_Health_Error';
import BOUCLE_HEALTH_EMPTY from '@salesforce/label/c.Boucle_Health_Empty';
import BOUCLE_HEALTH_CAPTION from '@salesforce/label/c.Boucle_Health_Caption';
import BOUCLE_HEALTH_RECORDS from '@salesforce/label/c.Boucle_Health_Records';
import BOUCLE_HEALTH_LAST_SUCCESS from '@salesforce/label/c.Boucle_Health_Last_Success';
import BOUCLE_HEALTH_BACKLOG from '@salesforce/label/c.Boucle_Health_Backlog';
import BOUCLE_HEALTH_DEAD_LETTERS from '@salesforce/label/c.Boucle_Health_Dead_Letters';
import BOUCLE_HEALTH_NEVER from '@salesforce/label/c.Boucle_Health_Never';
import BOUCLE_HEALTH_API from '@salesforce/label/c.Boucle_Health_Api';
import BOUCLE_HEALTH_API_UNKNOWN from '@salesforce/label/c.Boucle_Health_Api_Unknown';
import BOUCLE_HEALTH_ERRORS_LINK from '@salesforce/label/c.Boucle_Health_Errors_Link';
import BOUCLE_HEALTH_NO_ERRORS from '@salesforce/label/c.Boucle_Health_No_Errors';
import BOUCLE_HEALTH_UPDATED from '@salesforce/label/c.Boucle_Health_Updated';
import BOUCLE_HEALTH_STALE from '@salesforce/label/c.Boucle_Health_Stale';

const LABELS = {
  title: BOUCLE_HEALTH_TITLE,
  loading: BOUCLE_HEALTH_LOADING,
  error: BOUCLE_HEALTH_ERROR,
  empty: BOUCLE_HEALTH_EMPTY,
  records: BOUCLE_HEALTH_RECORDS,
  lastSuccess: BOUCLE_HEALTH_LAST_SUCCESS,
  backlog: BOUCLE_HEALTH_BACKLOG,
  deadLetters: BOUCLE_HEALTH_DEAD_LETTERS,
  noErrors: BOUCLE_HEALTH_NO_ERRORS,
};
/** The server writes at least every 5 minutes while it runs: 15 minutes of silence says it stopped. */
const STALE_MS = 15 * 60000;
/** The list view of the open sync errors (Sync_Error__c, in the Boucle app). */
const OPEN_ERRORS = {
  type: 'standard__objectPage',
  attributes: { objectApiName: 'Sync_Error__c', actionName: 'list' },
  state: { filterName: 'Open_Sync_Errors' },
};
// Answers first, as the sync writes them.
const KIND_ORDER = ['Answer', 'Rating', 'Callback', 'Rollup'];

// The figures the Boucle server writes into the org at most once a minute (Sync_Status__c, one
// record per CRM and kind, read-only for everyone: counts and times, no customer data).
// Lightning Data Service only; fields aliased, so that a namespace does not change the shape.
const QUERY = gql`
  query syncHealth {
    uiapi {
      query {
        statuses: Sync_Status__c(orderBy: { External_Id__c: { order: ASC } }, first: 50) {
          edges {
            node {
              Id
              key: External_Id__c {
                value
              }
              crm: CRM__c {
                value
                displayValue
              }
              kind: Job_Kind__c {
                value
                displayValue
              }
              object: Object__c {
                value
              }
              lastSuccessAt: Last_Success_At__c {
                value
              }
              backlog: Backlog__c {
                value
              }
              deadLetters: Dead_Letters__c {
                value
              }
              apiCalls: API_Calls_Today__c {
                value
              }
              apiLimit: API_Daily_Limit__c {
                value
              }
              updatedAt: Updated_At__c {
                value
              }
            }
          }
        }
      }
    }
  }
`;

const COUNT = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const PERCENT = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
const count = (n) => COUNT.format(n);

/**
 * The health view from the query's `data` at `now` (epoch ms): one section per CRM, its records
 * by kind (last success, backlog, dead letters), its API calls today, and when Boucle last
 * reported (stale past 15 minutes).
 */
export function healthView(data, now) {
  const nodes = data?.uiapi?.query?.statuses?.edges?.map(({ node }) => node) ?? [];
  const byCrm = new Map();
  for (const node of nodes) {
    const crm = value(node.crm);
    if (!crm) continue;
    if (!byCrm.has(crm)) byCrm.set(crm, { name: fieldLabel(node.crm), nodes: [] });
    byCrm.get(crm).nodes.push(node);
  }
  let updatedAt = null;
  let deadLetters = 0;
  const crms = [...byCrm.entries()].map(([crm, { name, nodes: rows }]) => {
    rows.sort((a, b) => KIND_ORDER.indexOf(value(a.kind)) - KIND_ORDER.indexOf(value(b.kind)));
    const api = rows.find((row) => typeof value(row.apiLimit) === 'number' && value(row.apiLimit));
    for (const row of rows) {
      const at = value(row.updatedAt);
      if (at && (!updatedAt || at > updatedAt)) updatedAt = at;
      deadLetters += value(row.deadLetters) ?? 0;
    }
    const used = api ? (value(api.apiCalls) ?? 0) : 0;
    const limit = api ? value(api.apiLimit) : 0;
    return {
      key: crm,
      name,
      headingId: `health-${crm}`,
      caption: format(BOUCLE_HEALTH_CAPTION, name),
      api: api
        ? format(BOUCLE_HEALTH_API, count(used), count(limit), PERCENT.format((used / limit) * 100))
        : BOUCLE_HEALTH_API_UNKNOWN,
      apiClass: api && used / limit >= 0.8 ? 'api slds-text-color_error' : 'api',
      rows: rows.map((row) => {
        const dead = value(row.deadLetters) ?? 0;
        return {
          key: row.Id,
          name: `${fieldLabel(row.kind) ?? ''} (${value(row.object) ?? ''})`,
          lastSuccess: value(row.lastSuccessAt)
            ? formatDateTime(value(row.lastSuccessAt))
            : BOUCLE_HEALTH_NEVER,
          backlog: count(value(row.backlog) ?? 0),
          deadLetters: count(dead),
          deadClass: dead > 0 ? 'dead slds-text-color_error' : 'dead',
        };
      }),
    };
  });
  const stale = Boolean(updatedAt) && now - Date.parse(updatedAt) > STALE_MS;
  return {
    empty: crms.length === 0,
    crms,
    deadLetters,
    errorsLink: deadLetters > 0 ? format(BOUCLE_HEALTH_ERRORS_LINK, count(deadLetters)) : '',
    updated: updatedAt
      ? format(stale ? BOUCLE_HEALTH_STALE : BOUCLE_HEALTH_UPDATED, formatDateTime(updatedAt))
      : '',
    stale,
  };
}

/**
 * Is Boucle syncing, and what failed? For admins, on the Boucle app page: per CRM and kind of
 * record, the last successful sync, the backlog and the records refused for good (with a link to
 * the list view of the open sync errors, where a replay is one tick away), and the API calls the
 * CRM counted today, as the Boucle server last reported them.
 */
export default class BoucleSyncHealth extends NavigationMixin(LightningElement) {
  labels = LABELS;
  view;
  error;
  errorsUrl;

  connectedCallback() {
    this[NavigationMixin.GenerateUrl](OPEN_ERRORS).then((url) => {
      this.errorsUrl = url;
    });
  }

  @wire(graphql, { query: QUERY })
  wiredHealth({ data, errors }) {
    if (errors && errors.length) {
      this.error = errorMessage(errors) || LABELS.error;
      this.view = undefined;
    } else if (data) {
      this.error = undefined;
      this.view = healthView(data, Date.now());
    }
  }

  openErrors(event) {
    event.preventDefault();
    this[NavigationMixin.Navigate](OPEN_ERRORS);
  }

  get loading() {
    return !this.view && !this.error;
  }

  get empty() {
    return Boolean(this.view?.empty);
  }

  get ready() {
    return Boolean(this.view && !this.view.empty);
  }

  get updatedClass() {
    return this.view?.stale
      ? 'updated slds-text-color_error slds-var-p-top_x-small'
      : 'updated slds-text-color_weak slds-var-p-top_x-small';
  }
}
