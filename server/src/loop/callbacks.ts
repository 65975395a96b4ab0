import type { Alert } from '@boucle/shared';
import type { Answer } from '@boucle/shared/schemas';
import type { CallbackWrite, CrmAdapter, Resolution } from '../crm/adapter.ts';
import {
  accountKeysOf,
  linkOf,
  withLink,
  type CallbackLink,
  type Job,
  type StoredCallback,
} from '../store/store.ts';
import type { LoopContext } from './context.ts';
import { callbackOwners } from './owners.ts';

/** Boucle's id of a callback: one per answer and kind, whatever the number of CRMs. */
export const callbackId = (answerRef: string, kind: string) => `${answerRef}:${kind}`;

/**
 * Raises the callbacks of an answer's alerts in one CRM, assigned as each rule says (the account
 * owner, the owner's manager, or a queue), each side with its sync job. There is one callback per
 * answer and kind (its id is keyed by both), so an answer synced twice raises each callback once,
 * and the second CRM whose rules raise it adds its side to the callback the first raised: the
 * same callback, written as work in each CRM for that CRM's assignee. Returns the ids created or
 * given a side.
 */
export async function raiseCallbacks(
  context: LoopContext,
  adapter: CrmAdapter,
  answer: Answer,
  ref: string,
  alerts: readonly Alert[],
  resolution: Resolution,
): Promise<string[]> {
  const callbacks: StoredCallback[] = [];
  const owners = await callbackOwners(context, adapter, answer, alerts, resolution);
  for (const [index, alert] of alerts.entries()) {
    const { assignee, escalateTo } = owners[index] ?? {};
    const id = callbackId(ref, alert.kind);
    const callback: StoredCallback = {
      id,
      crm: adapter.crm,
      answerRef: ref,
      answerId: answer.id,
      kind: alert.kind,
      status: 'open',
      slaHours: alert.slaHours,
      createdAt: new Date(context.clock()).toISOString(),
      dueAt: alert.dueAt,
      ...(alert.escalateAt && { escalateAt: alert.escalateAt }),
      ...(accountKeysOf(answer)[0] && { accountKey: accountKeysOf(answer)[0] }),
      ...(answer.respondent?.email && { respondentEmail: answer.respondent.email.toLowerCase() }),
      reason: alert.reason,
      assignTo: alert.assignTo,
      links: [
        {
          crm: adapter.crm,
          key: id,
          dueAt: alert.dueAt,
          ...(assignee && { assignee }),
          ...(escalateTo && { escalateTo }),
          ...(resolution.accountId && { crmAccountId: resolution.accountId }),
          ...(resolution.contactId && { crmContactId: resolution.contactId }),
        },
      ],
    };
    callbacks.push(callback);
  }
  // Each callback and its sync job in one transaction: a crash leaves both or neither.
  return context.store.createCallbacks(callbacks, context.clock());
}

/**
 * Writes callbacks to one CRM as tasks or Callback__c records, each under its side's key and for
 * that CRM's assignee, once their answer is written there (they link to it); a callback whose
 * answer was dead-lettered there is dead-lettered with it. A callback settled elsewhere (another
 * CRM, the API) is written with a note saying where and by whom. Written callbacks queue their
 * account's rollup (its open callbacks count).
 */
export async function syncCallbacks(
  context: LoopContext,
  adapter: CrmAdapter,
  jobs: readonly Job[],
): Promise<void> {
  const { store, settlement, clock } = context;
  const callbacks = await store.getCallbacks(jobs.map((j) => j.ref));
  const states = await store.syncStates(
    adapter.crm,
    'answer',
    [...callbacks.values()].map((c) => c.answerRef),
  );
  const writes: (CallbackWrite & { job: Job; link: CallbackLink })[] = [];
  for (const job of jobs) {
    const callback = callbacks.get(job.ref);
    const link = callback && linkOf(callback, adapter.crm);
    if (!callback || !link) {
      await store.complete([job.id], clock());
      continue;
    }
    const answerState = states.get(callback.answerRef);
    if (answerState?.state === 'dead') {
      await settlement.retryOrDie(
        adapter.crm,
        job,
        false,
        `its answer ${callback.answerRef} could not be written to ${adapter.crm}`,
      );
      continue;
    }
    if (answerState?.state !== 'synced' || !answerState.crmId) {
      await settlement.later(job, 'waiting for its answer to be written');
      continue;
    }
    writes.push({
      job,
      callback,
      link,
      answerCrmId: answerState.crmId,
      resolution: {
        ...(link.crmAccountId && { accountId: link.crmAccountId }),
        ...(link.crmContactId && { contactId: link.crmContactId }),
      },
    });
  }
  if (writes.length === 0) return;
  const results = await adapter.writeCallbacks(writes);
  const rollups = new Set<string>();
  await settlement.settle(
    adapter.crm,
    writes.map((w) => w.job),
    results,
    (job) => writes.find((w) => w.job.id === job.id)?.link.key ?? job.ref,
    async (job, crmId) => {
      const write = writes.find((w) => w.job.id === job.id);
      if (!write) return;
      // Only this side's CRM id: a manager's update that landed during the write is kept (and queued).
      await store.updateCallback(write.callback.id, (current) =>
        linkOf(current, adapter.crm)?.crmId === crmId
          ? undefined
          : withLink(current, adapter.crm, (link) => ({ ...link, crmId })),
      );
      if (write.link.crmAccountId)
        rollups.add(
          `${write.link.crmAccountId}|${write.callback.accountKey ?? write.link.crmAccountId}`,
        );
    },
  );
  if (rollups.size > 0)
    await store.enqueue(adapter.crm, 'rollup', [...rollups], clock() + context.rollupDelayMs);
}
