import type { Alert } from '@boucle/shared';
import type { Answer } from '@boucle/shared/schemas';
import type { CallbackWrite, CrmAdapter, Resolution } from '../crm/adapter.ts';
import { accountKeysOf, type Crm, type Job, type StoredCallback } from '../store/store.ts';
import type { LoopContext } from './context.ts';
import { callbackOwners } from './owners.ts';

const callbackId = (crm: Crm, answerRef: string, kind: string) => `${crm}:${answerRef}:${kind}`;

/**
 * Raises the callbacks of an answer's alerts in one CRM, assigned as each rule says (the account
 * owner, the owner's manager, or a queue), each with its sync job. Its id is keyed by the answer
 * and the kind, so an answer synced twice raises each callback once. Returns the ids created.
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
    const callback: StoredCallback = {
      id: callbackId(adapter.crm, ref, alert.kind),
      crm: adapter.crm,
      answerRef: ref,
      answerId: answer.id,
      kind: alert.kind,
      status: 'open',
      slaHours: alert.slaHours,
      createdAt: new Date(context.clock()).toISOString(),
      dueAt: alert.dueAt,
      ...(alert.escalateAt && { escalateAt: alert.escalateAt }),
      ...(assignee && { assignee }),
      ...(escalateTo && { escalateTo }),
      ...(accountKeysOf(answer)[0] && { accountKey: accountKeysOf(answer)[0] }),
      ...(answer.respondent?.email && { respondentEmail: answer.respondent.email.toLowerCase() }),
      ...(resolution.accountId && { crmAccountId: resolution.accountId }),
      ...(resolution.contactId && { crmContactId: resolution.contactId }),
      reason: alert.reason,
      assignTo: alert.assignTo,
    };
    callbacks.push(callback);
  }
  // Each callback and its sync job in one transaction: a crash leaves both or neither.
  return context.store.createCallbacks(callbacks, context.clock());
}

/**
 * Writes callbacks to their CRM as tasks or Callback__c records, once their answer is written
 * there (they link to it); a callback whose answer was dead-lettered is dead-lettered with it.
 * Written callbacks queue their account's rollup (its open callbacks count).
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
  const writes: (CallbackWrite & { job: Job })[] = [];
  for (const job of jobs) {
    const callback = callbacks.get(job.ref);
    if (!callback) {
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
      answerCrmId: answerState.crmId,
      resolution: {
        ...(callback.crmAccountId && { accountId: callback.crmAccountId }),
        ...(callback.crmContactId && { contactId: callback.crmContactId }),
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
    (job) => job.ref,
    async (job, crmId) => {
      const write = writes.find((w) => w.job.id === job.id);
      if (!write) return;
      // Only the CRM id: a manager's update that landed during the write is kept (and queued).
      await store.updateCallback(write.callback.id, (current) =>
        current.crmId === crmId ? undefined : { ...current, crmId },
      );
      if (write.callback.crmAccountId)
        rollups.add(
          `${write.callback.crmAccountId}|${write.callback.accountKey ?? write.callback.crmAccountId}`,
        );
    },
  );
  if (rollups.size > 0)
    await store.enqueue(adapter.crm, 'rollup', [...rollups], clock() + context.rollupDelayMs);
}
