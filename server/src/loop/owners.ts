import type { Alert } from '@boucle/shared';
import type { Answer } from '@boucle/shared/schemas';
import type { CrmAdapter, Resolution } from '../crm/adapter.ts';
import type { LoopContext } from './context.ts';

/** Who a callback is assigned to, and who it escalates to when it is late. */
export interface CallbackOwners {
  readonly assignee?: string;
  readonly escalateTo?: string;
}

/**
 * The CRM ids of the employees an answer rates: the one who handled the interaction
 * (`employeeEmail`) and those who rated their own answer to it. A review or an escalation about
 * them never goes to them.
 */
async function ratedEmployees(
  context: LoopContext,
  adapter: CrmAdapter,
  answer: Answer,
): Promise<string[]> {
  const emails = new Set<string>();
  if (answer.employeeEmail) emails.add(answer.employeeEmail.toLowerCase());
  if (answer.interactionId)
    for (const rating of await context.store.ratingsForInteractions([answer.interactionId]))
      emails.add(rating.employeeEmail.toLowerCase());
  if (emails.size === 0) return [];
  const ids = await adapter.resolveUsers([...emails]);
  return [...emails].map((email) => ids.get(email)).filter((id): id is string => Boolean(id));
}

/**
 * The assignee and escalation owner of each alert's callback, in order. The rule says who is
 * assigned (the account owner, the owner's manager, or a queue); the manager is who the CRM's
 * settings name (`escalationOwner`: Salesforce's Escalation_Target__mdt and User.ManagerId, the
 * HubSpot page's owner per team), never an employee the answer rates: a review assigned to the
 * owner's manager with no manager to be found stays with the owner unless the owner is the one
 * rated, and is left unassigned then.
 */
export async function callbackOwners(
  context: LoopContext,
  adapter: CrmAdapter,
  answer: Answer,
  alerts: readonly Alert[],
  resolution: Resolution,
): Promise<CallbackOwners[]> {
  if (alerts.length === 0) return [];
  const rated = await ratedEmployees(context, adapter, answer);
  const notRated = (id: string | undefined) => (id && !rated.includes(id) ? id : undefined);
  const managers = new Map<string, string | undefined>();
  const managerFor = async (alert: Alert) => {
    if (!managers.has(alert.kind))
      managers.set(
        alert.kind,
        adapter.escalationOwner
          ? await adapter.escalationOwner({
              kind: alert.kind,
              ...(resolution.ownerId && { ownerId: resolution.ownerId }),
              ...(resolution.managerId && { managerId: resolution.managerId }),
              ratedIds: rated,
            })
          : notRated(resolution.managerId),
      );
    return managers.get(alert.kind);
  };
  const owners: CallbackOwners[] = [];
  for (const alert of alerts) {
    const manager = await managerFor(alert);
    let assignee: string | undefined;
    if (alert.assignTo === 'account_owner') assignee = resolution.ownerId;
    else if (alert.assignTo === 'owners_manager')
      assignee = manager ?? notRated(resolution.ownerId);
    else
      assignee =
        (alert.queue ? await adapter.resolveQueue(alert.queue) : undefined) ?? resolution.ownerId;
    owners.push({ ...(assignee && { assignee }), ...(manager && { escalateTo: manager }) });
  }
  return owners;
}
