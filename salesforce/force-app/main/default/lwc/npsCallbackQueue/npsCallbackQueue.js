import { LightningElement, wire } from 'lwc';
import { gql, graphql } from 'lightning/graphql';
import { NavigationMixin } from 'lightning/navigation';
import USER_ID from '@salesforce/user/Id';
import CALLBACK_OBJECT from '@salesforce/schema/Callback__c';
import { hoursLeft, slaStatus } from 'c/npsCore';
import {
  SLA_BADGES,
  errorMessage,
  fieldLabel,
  fieldValue as value,
  format,
  formatDateTime,
  generateRecordUrls,
  openRecordPage,
} from 'c/boucleUi';
import BOUCLE_QUEUE_TITLE from '@salesforce/label/c.Boucle_Queue_Title';
import BOUCLE_QUEUE_EMPTY from '@salesforce/label/c.Boucle_Queue_Empty';
import BOUCLE_QUEUE_CALLBACK from '@salesforce/label/c.Boucle_Queue_Callback';
import BOUCLE_QUEUE_ACCOUNT from '@salesforce/label/c.Boucle_Queue_Account';
import BOUCLE_QUEUE_ASSIGNEE from '@salesforce/label/c.Boucle_Queue_Assignee';
import BOUCLE_QUEUE_KIND from '@salesforce/label/c.Boucle_Queue_Kind';
import BOUCLE_QUEUE_TIME_LEFT from '@salesforce/label/c.Boucle_Queue_Time_Left';
import BOUCLE_QUEUE_HOURS_LEFT from '@salesforce/label/c.Boucle_Queue_Hours_Left';
import BOUCLE_QUEUE_HOURS_LATE from '@salesforce/label/c.Boucle_Queue_Hours_Late';
import BOUCLE_LOADING from '@salesforce/label/c.Boucle_Loading';
import BOUCLE_ERROR from '@salesforce/label/c.Boucle_Error';
import BOUCLE_DUE from '@salesforce/label/c.Boucle_Due';

const LABELS = {
  title: BOUCLE_QUEUE_TITLE,
  empty: BOUCLE_QUEUE_EMPTY,
  callback: BOUCLE_QUEUE_CALLBACK,
  account: BOUCLE_QUEUE_ACCOUNT,
  assignee: BOUCLE_QUEUE_ASSIGNEE,
  kind: BOUCLE_QUEUE_KIND,
  timeLeft: BOUCLE_QUEUE_TIME_LEFT,
  due: BOUCLE_DUE,
  loading: BOUCLE_LOADING,
  error: BOUCLE_ERROR,
};

// The open callbacks the user is responsible for: assigned to them, owned by them (or a queue
// they work from is not resolved here), or assigned to someone who reports to them. Every object
// and field has an alias: in a managed package the platform prefixes their names with the
// namespace, and the aliases keep the shape of the answer.
const QUERY = gql`
  query teamCallbacks($userId: ID) {
    uiapi {
      query {
        callbacks: Callback__c(
          where: {
            and: [
              { Status__c: { nin: ["Resolved", "Closed no contact"] } }
              {
                or: [
                  { Assignee__c: { eq: $userId } }
                  { OwnerId: { eq: $userId } }
                  { Assignee__r: { ManagerId: { eq: $userId } } }
                ]
              }
            ]
          }
          orderBy: { Due_At__c: { order: ASC } }
          first: 200
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
              account: Account__r {
                name: Name {
                  value
                }
              }
              assignee: Assignee__r {
                name: Name {
                  value
                }
              }
            }
          }
        }
      }
    }
  }
`;

/**
 * The manager's queue, for the Home page or an app page: the team's open callbacks, overdue
 * first, with the time left against the SLA (the shared rule in c/npsCore), one click to open.
 */
export default class NpsCallbackQueue extends NavigationMixin(LightningElement) {
  labels = LABELS;
  data;
  errors;
  /** Record page URLs by callback id, from NavigationMixin (the links' href). */
  urls = {};

  get variables() {
    return { userId: USER_ID };
  }

  @wire(graphql, { query: QUERY, variables: '$variables' })
  wiredCallbacks({ data, errors }) {
    this.data = data;
    this.errors = errors && errors.length ? errors : undefined;
    generateRecordUrls(
      this,
      data?.uiapi?.query?.callbacks?.edges ?? [],
      CALLBACK_OBJECT.objectApiName,
    );
  }

  handleOpen(event) {
    openRecordPage(this, event, CALLBACK_OBJECT.objectApiName);
  }

  get loading() {
    return !this.data && !this.errors;
  }

  get errorText() {
    if (!this.errors) return undefined;
    return errorMessage(this.errors) || LABELS.error;
  }

  get rows() {
    const now = new Date().toISOString();
    const rows = (this.data?.uiapi?.query?.callbacks?.edges ?? [])
      .filter(({ node }) => value(node.dueAt))
      .map(({ node }) => {
        const callback = {
          dueAt: value(node.dueAt),
          slaHours: value(node.slaHours) ?? 24,
          reachedAt: value(node.reachedAt) ?? undefined,
        };
        const sla = SLA_BADGES[slaStatus(callback, now)];
        const hours = Math.round(hoursLeft(callback, now));
        // Once the customer is reached the SLA is met or missed: no time is left to count.
        const counting = !callback.reachedAt;
        return {
          id: node.Id,
          name: value(node.name) ?? node.Id,
          url: this.urls[node.Id],
          account: value(node.account?.name) ?? '',
          assignee: value(node.assignee?.name) ?? '',
          kind: fieldLabel(node.kind) ?? '',
          state: fieldLabel(node.status) ?? '',
          due: formatDateTime(callback.dueAt),
          sla: sla.label,
          slaClass: sla.className,
          rank: sla.rank,
          hours: counting ? hours : undefined,
          timeLeft: counting
            ? hours < 0
              ? format(BOUCLE_QUEUE_HOURS_LATE, -hours)
              : format(BOUCLE_QUEUE_HOURS_LEFT, hours)
            : '',
        };
      });
    return rows.sort((a, b) => a.rank - b.rank || (a.hours ?? 0) - (b.hours ?? 0));
  }

  get empty() {
    return Boolean(this.data) && this.rows.length === 0;
  }

  get hasRows() {
    return this.rows.length > 0;
  }
}
