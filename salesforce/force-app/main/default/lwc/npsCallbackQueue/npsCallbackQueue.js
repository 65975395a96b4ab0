import { LightningElement, wire } from 'lwc';
import { gql, graphql } from 'lightning/graphql';
import USER_ID from '@salesforce/user/Id';
import { hoursLeft, slaStatus } from 'c/npsCore';
import { SLA_BADGES, errorMessage, fieldValue as value } from 'c/boucleUi';
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
// they work from is not resolved here), or assigned to someone who reports to them.
const QUERY = gql`
  query teamCallbacks($userId: ID) {
    uiapi {
      query {
        Callback__c(
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
              Account__r {
                Name {
                  value
                }
              }
              Assignee__r {
                Name {
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

function format(template, n) {
  return template.replace('{0}', String(n));
}

/**
 * The manager's queue, for the Home page or an app page: the team's open callbacks, overdue
 * first, with the time left against the SLA (the shared rule in c/npsCore), one click to open.
 */
export default class NpsCallbackQueue extends LightningElement {
  labels = LABELS;
  data;
  errors;

  get variables() {
    return { userId: USER_ID };
  }

  @wire(graphql, { query: QUERY, variables: '$variables' })
  wiredCallbacks({ data, errors }) {
    this.data = data;
    this.errors = errors;
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
    const rows = (this.data?.uiapi?.query?.Callback__c?.edges ?? [])
      .filter(({ node }) => value(node.Due_At__c))
      .map(({ node }) => {
        const callback = {
          dueAt: value(node.Due_At__c),
          slaHours: value(node.SLA_Hours__c) ?? 24,
          reachedAt: value(node.Reached_At__c) ?? undefined,
        };
        const sla = SLA_BADGES[slaStatus(callback, now)];
        const hours = Math.round(hoursLeft(callback, now));
        return {
          id: node.Id,
          name: value(node.Name) ?? node.Id,
          url: `/lightning/r/Callback__c/${node.Id}/view`,
          account: value(node.Account__r?.Name) ?? '',
          assignee: value(node.Assignee__r?.Name) ?? '',
          kind: value(node.Kind__c) ?? '',
          state: value(node.Status__c) ?? '',
          sla: sla.label,
          slaClass: sla.className,
          rank: sla.rank,
          hours,
          timeLeft:
            hours < 0
              ? format(BOUCLE_QUEUE_HOURS_LATE, -hours)
              : format(BOUCLE_QUEUE_HOURS_LEFT, hours),
        };
      });
    return rows.sort((a, b) => a.rank - b.rank || a.hours - b.hours);
  }

  get empty() {
    return Boolean(this.data) && this.rows.length === 0;
  }

  get hasRows() {
    return this.rows.length > 0;
  }
}
