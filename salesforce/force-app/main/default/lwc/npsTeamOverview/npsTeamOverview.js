import { LightningElement, wire } from 'lwc';
import { gql, graphql } from 'lightning/graphql';
import USER_ID from '@salesforce/user/Id';
import {
  compareWithNorm,
  computeNps,
  loopClosureMetrics,
  roundOneDecimal,
  sampleVerdict,
} from 'c/npsCore';
import { errorMessage, fieldValue as value, formatDecimal, formatPoints } from 'c/boucleUi';
import BOUCLE_TEAM_TITLE from '@salesforce/label/c.Boucle_Team_Title';
import BOUCLE_TEAM_EMPTY from '@salesforce/label/c.Boucle_Team_Empty';
import BOUCLE_TEAM_CAPTION from '@salesforce/label/c.Boucle_Team_Caption';
import BOUCLE_TEAM_MEMBER from '@salesforce/label/c.Boucle_Team_Member';
import BOUCLE_TEAM_NPS from '@salesforce/label/c.Boucle_Team_Nps';
import BOUCLE_TEAM_VERSUS from '@salesforce/label/c.Boucle_Team_Versus';
import BOUCLE_TEAM_WITHIN_SLA from '@salesforce/label/c.Boucle_Team_Within_Sla';
import BOUCLE_TEAM_OVERDUE from '@salesforce/label/c.Boucle_Team_Overdue';
import BOUCLE_TEAM_WHOLE from '@salesforce/label/c.Boucle_Team_Whole';
import BOUCLE_TEAM_TOO_FEW from '@salesforce/label/c.Boucle_Team_Too_Few';
import BOUCLE_TEAM_NONE_DUE from '@salesforce/label/c.Boucle_Team_None_Due';
import BOUCLE_NORM_ABOVE from '@salesforce/label/c.Boucle_Norm_Above';
import BOUCLE_NORM_BELOW from '@salesforce/label/c.Boucle_Norm_Below';
import BOUCLE_NORM_LEVEL from '@salesforce/label/c.Boucle_Norm_Level';
import BOUCLE_NORM_UNAVAILABLE from '@salesforce/label/c.Boucle_Norm_Unavailable';
import BOUCLE_ANSWERS from '@salesforce/label/c.Boucle_Answers';
import BOUCLE_LOADING from '@salesforce/label/c.Boucle_Loading';
import BOUCLE_ERROR from '@salesforce/label/c.Boucle_Error';

const LABELS = {
  title: BOUCLE_TEAM_TITLE,
  empty: BOUCLE_TEAM_EMPTY,
  caption: BOUCLE_TEAM_CAPTION,
  member: BOUCLE_TEAM_MEMBER,
  nps: BOUCLE_TEAM_NPS,
  versus: BOUCLE_TEAM_VERSUS,
  withinSla: BOUCLE_TEAM_WITHIN_SLA,
  overdue: BOUCLE_TEAM_OVERDUE,
  loading: BOUCLE_LOADING,
  error: BOUCLE_ERROR,
};
const DIRECTION = { above: BOUCLE_NORM_ABOVE, below: BOUCLE_NORM_BELOW, level: BOUCLE_NORM_LEVEL };
const DIRECTION_CLASS = {
  above: 'slds-badge slds-theme_success',
  below: 'slds-badge slds-theme_error',
  level: 'slds-badge',
};
// Callback__c.Status__c and Kind__c values as c/npsCore names them.
const STATUSES = {
  Open: 'open',
  Attempted: 'attempted',
  Reached: 'reached',
  Resolved: 'resolved',
  Escalated: 'escalated',
  'Closed no contact': 'closed_no_contact',
};
const KINDS = {
  'Detractor recovery': 'detractor_recovery',
  'Promoter thanks': 'promoter_thanks',
  Dissonance: 'dissonance',
  'Account alert': 'account_alert',
};
const DAY_MS = 86400000;

// The running user's team (the users whose manager they are), the NPS answers of the accounts
// those users own and the callbacks assigned to them over 90 days, and the org-wide norm the
// server writes (NPS_Norm__c "org", from every answer, whatever the viewer may see). Lightning
// Data Service only; every object and field aliased, so that a namespace does not change the shape.
const QUERY = gql`
  query teamOverview($userId: ID, $since: DateTime) {
    uiapi {
      query {
        team: User(
          where: { ManagerId: { eq: $userId } }
          orderBy: { Name: { order: ASC } }
          first: 200
        ) {
          edges {
            node {
              Id
              name: Name {
                value
              }
            }
          }
        }
        answers: Survey_Response__c(
          where: {
            and: [
              { Answered_At__c: { gte: { value: $since } } }
              { Account__r: { Owner: { ManagerId: { eq: $userId } } } }
            ]
          }
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
              account: Account__r {
                ownerId: OwnerId {
                  value
                }
              }
            }
          }
        }
        callbacks: Callback__c(
          where: {
            and: [
              { CreatedDate: { gte: { value: $since } } }
              { Assignee__r: { ManagerId: { eq: $userId } } }
            ]
          }
          first: 2000
        ) {
          edges {
            node {
              Id
              assigneeId: Assignee__c {
                value
              }
              kind: Kind__c {
                value
              }
              status: Status__c {
                value
              }
              createdAt: CreatedDate {
                value
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
            }
          }
        }
      }
    }
  }
`;

/** Midnight UTC, 90 days ago: the same variables all day, so LDS's cache serves. */
function since(now) {
  return new Date(Math.floor(now / DAY_MS) * DAY_MS - 90 * DAY_MS).toISOString();
}

/** One row: a member's (or the team's) NPS against the norm and how their callbacks close. */
function rowOf(key, name, answers, callbacks, norm, now) {
  const stats = computeNps(answers);
  // A margin only where the sample has a spread and enough answers: else no comparison at all.
  const enough = sampleVerdict(stats) === 'enough';
  const comparison =
    norm && enough ? compareWithNorm({ nps: stats.nps, margin: stats.margin }, norm) : null;
  const loop = loopClosureMetrics(callbacks, [], now);
  const share = loop.withinSlaShare === null ? null : roundOneDecimal(loop.withinSlaShare * 100);
  return {
    key,
    name,
    nps: formatPoints(roundOneDecimal(stats.nps)),
    margin: enough ? `± ${formatDecimal(roundOneDecimal(stats.margin))}` : '',
    answers: `${stats.n} ${BOUCLE_ANSWERS}`,
    versus: !norm
      ? BOUCLE_NORM_UNAVAILABLE
      : comparison
        ? `${DIRECTION[comparison.direction]} (${formatPoints(roundOneDecimal(comparison.delta))})`
        : BOUCLE_TEAM_TOO_FEW,
    versusClass: comparison ? DIRECTION_CLASS[comparison.direction] : 'slds-text-color_weak',
    withinSla: share === null ? BOUCLE_TEAM_NONE_DUE : `${formatDecimal(share)} %`,
    overdue: String(loop.overdue),
    overdueClass: loop.overdue > 0 ? 'slds-text-color_error' : '',
  };
}

/**
 * The team overview from the query's `data` at `now` (an ISO instant): one row per team member,
 * then the whole team. Every figure from c/npsCore (computeNps, compareWithNorm, sampleVerdict,
 * loopClosureMetrics), the same code as the server's insights.
 */
export function teamView(data, now) {
  const query = data?.uiapi?.query;
  const team = (query?.team?.edges ?? []).map(({ node }) => ({
    id: node.Id,
    name: value(node.name),
  }));
  const answers = (query?.answers?.edges ?? [])
    .map(({ node }) => ({
      metric: String(value(node.metric) ?? '').toLowerCase(),
      score: value(node.score),
      ownerId: value(node.account?.ownerId),
    }))
    .filter((a) => a.metric === 'nps' && Number.isInteger(a.score));
  const callbacks = (query?.callbacks?.edges ?? [])
    .map(({ node }) => ({
      assigneeId: value(node.assigneeId),
      kind: KINDS[value(node.kind)] ?? 'account_alert',
      status: STATUSES[value(node.status)] ?? 'open',
      createdAt: value(node.createdAt),
      dueAt: value(node.dueAt),
      slaHours: value(node.slaHours) ?? 24,
      // Salesforce records when the customer was reached, not each attempt: the first contact
      // counted here is the reach.
      ...(value(node.reachedAt) && {
        reachedAt: value(node.reachedAt),
        firstContactAt: value(node.reachedAt),
      }),
    }))
    .filter((c) => c.createdAt && c.dueAt);
  const normNode = query?.norm?.edges?.[0]?.node;
  const norm =
    typeof value(normNode?.nps) === 'number'
      ? { nps: value(normNode.nps), margin: value(normNode.margin) }
      : undefined;
  const rows = team.map((member) =>
    rowOf(
      member.id,
      member.name,
      answers.filter((a) => a.ownerId === member.id),
      callbacks.filter((c) => c.assigneeId === member.id),
      norm,
      now,
    ),
  );
  const ids = new Set(team.map((member) => member.id));
  return {
    empty: team.length === 0,
    rows,
    total: rowOf(
      'team',
      BOUCLE_TEAM_WHOLE,
      answers.filter((a) => ids.has(a.ownerId)),
      callbacks.filter((c) => ids.has(c.assigneeId)),
      norm,
      now,
    ),
  };
}

/**
 * A manager's team on the Home page or an app page: each member's NPS over the accounts they own
 * (90 days) against the org-wide NPS, with significance in words, and whether their callbacks
 * reach customers within the SLA.
 */
export default class NpsTeamOverview extends LightningElement {
  labels = LABELS;
  view;
  error;

  get variables() {
    return { userId: USER_ID, since: since(Date.now()) };
  }

  @wire(graphql, { query: QUERY, variables: '$variables' })
  wiredTeam({ data, errors }) {
    if (errors && errors.length) {
      this.error = errorMessage(errors) || LABELS.error;
      this.view = undefined;
    } else if (data) {
      this.error = undefined;
      this.view = teamView(data, new Date().toISOString());
    }
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
}
