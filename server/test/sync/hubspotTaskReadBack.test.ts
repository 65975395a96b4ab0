import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubSpotAdapter } from '../../src/crm/hubspot/adapter.ts';
import { crmKey } from '../../src/crm/keys.ts';
import { DELETED_TASK_NOTE } from '../../src/readback/hubspotTasks.ts';
import { linkOf, type StoredCallback } from '../../src/store/store.ts';
import { answer, startHarness, waitFor, type Harness } from './harness.ts';

/**
 * People work a callback's task in HubSpot itself, not only through Boucle's card: the escalation
 * sweep batch-reads the open HubSpot callbacks' tasks first. A task completed in HubSpot resolves
 * its callback in Boucle and is never escalated, so never reopened (COMPLETED → IN_PROGRESS); a
 * deleted task closes its callback; HubSpot out of reach leaves its callbacks to the next sweep.
 */
describe('HubSpot callback tasks read back', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const faults = (rules: unknown[]) =>
    fetch(`${h.emulators.hubspotUrl}/__emulator/faults`, {
      method: rules.length > 0 ? 'POST' : 'DELETE',
      headers: { 'content-type': 'application/json' },
      ...(rules.length > 0 && { body: JSON.stringify({ rules }) }),
    });
  const task = async (crmId: string) =>
    (await h.hs()).objects.tasks?.find((t) => t.id === crmId)?.properties;
  const openHubSpotCallbacks = async () =>
    (
      (await h.api('GET', '/v1/callbacks?status=open')).body.callbacks as {
        crms: { crm: string }[];
      }[]
    ).filter((c) => c.crms.some((side) => side.crm === 'hubspot'));

  /** A detractor's answer, and its HubSpot callback once its task is written. */
  async function detractor(id: string): Promise<StoredCallback> {
    await h.api('POST', '/v1/answers', { answers: [answer({ id, score: 2 })] });
    let found: StoredCallback | undefined;
    await waitFor(
      async () => {
        const all = await h.server.store.listCallbacks({
          status: 'open',
          now: new Date().toISOString(),
        });
        found = all.find(
          (c) => c.answerRef.endsWith(`:${id}`) && linkOf(c, 'hubspot')?.crmId !== undefined,
        );
        return found !== undefined;
      },
      15_000,
      `HubSpot task of ${id}`,
    );
    return found as StoredCallback;
  }
  async function makeLate(callback: StoredCallback) {
    const past = new Date(Date.now() - 3_600_000).toISOString();
    await h.server.store.updateCallback(callback.id, (current) => ({
      ...current,
      dueAt: past,
      escalateAt: past,
    }));
  }

  it('resolves a callback whose task was completed in HubSpot, and never reopens the task', async () => {
    const callback = await detractor('hs-done');
    const before = (await openHubSpotCallbacks()).length;
    h.emulators.hubspot.portal.update('tasks', linkOf(callback, 'hubspot')?.crmId as string, {
      hs_task_status: 'COMPLETED',
      hs_task_body: '<p>Called Claire back, credit note sent</p>',
    });
    await makeLate(callback);

    await h.server.engine.sweepEscalations();

    const after = await h.server.store.getCallback(callback.id);
    expect(after).toMatchObject({
      status: 'resolved',
      notes: 'Called Claire back, credit note sent',
    });
    expect(after?.escalatedAt).toBeUndefined();
    expect(after?.closedAt).toBeDefined();
    expect((await openHubSpotCallbacks()).length).toBe(before - 1);
    // A later write cannot reopen it either: a resolved callback takes no more outcomes.
    const patched = await h.api('PATCH', `/v1/callbacks/${encodeURIComponent(callback.id)}`, {
      status: 'escalated',
    });
    expect(patched.status).toBe(409);
    await h.server.engine.sweepEscalations();
    // Later work goes through the HubSpot queue; the completed task is left as it was.
    await detractor('hs-done-after');
    expect(await task(linkOf(callback, 'hubspot')?.crmId as string)).toMatchObject({
      hs_task_status: 'COMPLETED',
    });
  });

  it('closes a callback whose task was deleted in HubSpot, without writing the task again', async () => {
    const callback = await detractor('hs-deleted');
    h.emulators.hubspot.portal.archive('tasks', linkOf(callback, 'hubspot')?.crmId as string);
    const liveTasks = () => h.emulators.hubspot.portal.list('tasks').filter((t) => !t.archived);
    const tasksBefore = liveTasks().length;
    await makeLate(callback);

    await h.server.engine.sweepEscalations();

    const after = await h.server.store.getCallback(callback.id);
    expect(after).toMatchObject({ status: 'closed_no_contact', notes: DELETED_TASK_NOTE });
    expect(after?.firstContactAt).toBeUndefined();
    expect(after?.escalatedAt).toBeUndefined();
    // Closed: the next sweeps no longer read it, and no write creates the task again.
    await h.server.engine.sweepEscalations();
    expect((await h.server.store.getCallback(callback.id))?.status).toBe('closed_no_contact');
    await detractor('hs-deleted-after');
    const recreated = liveTasks().filter(
      (t) => t.properties.boucle_external_id === crmKey(callback.id),
    );
    expect(recreated).toHaveLength(0);
    expect(liveTasks()).toHaveLength(tasksBefore + 1);
  });

  it('escalates nothing in HubSpot while it cannot read the tasks back, and catches up at the next sweep', async () => {
    const callback = await detractor('hs-down');
    await makeLate(callback);
    await faults([{ match: 'tasks/batch/read', status: 503 }]);
    try {
      await h.server.engine.sweepEscalations();
      expect((await h.server.store.getCallback(callback.id))?.status).toBe('open');
    } finally {
      await faults([]);
    }
    h.emulators.hubspot.portal.update('tasks', linkOf(callback, 'hubspot')?.crmId as string, {
      hs_task_status: 'COMPLETED',
    });
    await h.server.engine.sweepEscalations();
    expect(await h.server.store.getCallback(callback.id)).toMatchObject({ status: 'resolved' });
  });

  it('escalates a late callback whose task is still open in HubSpot', async () => {
    const callback = await detractor('hs-late');
    await makeLate(callback);
    await h.server.engine.sweepEscalations();
    expect((await h.server.store.getCallback(callback.id))?.status).toBe('escalated');
    await waitFor(
      async () =>
        (await task(linkOf(callback, 'hubspot')?.crmId as string))?.hs_task_status ===
        'IN_PROGRESS',
      10_000,
      'escalation written to HubSpot',
    );
  });

  it('reads 250 tasks in 3 batch reads of 100, and names the deleted ones', async () => {
    const adapter = new HubSpotAdapter({
      baseUrl: h.emulators.hubspotUrl,
      accessToken: 'pat-sandbox',
    });
    const portal = h.emulators.hubspot.portal;
    const tasks = Array.from({ length: 250 }, (_, i) => {
      const created = portal.create('tasks', {
        properties: {
          hs_timestamp: new Date().toISOString(),
          hs_task_status: i % 50 === 0 ? 'COMPLETED' : 'NOT_STARTED',
        },
      });
      return { id: `cb-${i}`, crmId: created.id };
    });
    portal.archive('tasks', tasks[7]?.crmId as string);
    portal.archive('tasks', tasks[201]?.crmId as string);
    const calls = async () =>
      (
        (await (await fetch(`${h.emulators.hubspotUrl}/__emulator/calls`)).json()) as {
          byEndpoint: Record<string, number>;
        }
      ).byEndpoint['POST /crm/v3/objects/tasks/batch/read'] ?? 0;
    const start = await calls();

    const read = await adapter.readCallbackTasks(tasks);

    expect((await calls()) - start).toBe(3);
    expect([...read.states.keys()].sort()).toEqual(['cb-0', 'cb-100', 'cb-150', 'cb-200', 'cb-50']);
    expect(read.deleted).toEqual(['cb-7', 'cb-201']);
  });

  it('takes a batch answered 404 OBJECT_NOT_FOUND (every id gone) as deleted tasks, and any other 404 as an outage', async () => {
    const adapter = new HubSpotAdapter({
      baseUrl: h.emulators.hubspotUrl,
      accessToken: 'pat-sandbox',
    });
    const created = h.emulators.hubspot.portal.create('tasks', {
      properties: { hs_timestamp: new Date().toISOString(), hs_task_status: 'NOT_STARTED' },
    });
    h.emulators.hubspot.portal.archive('tasks', created.id);
    const tasks = [{ id: 'cb-gone', crmId: created.id }];
    await faults([{ match: 'tasks/batch/read', status: 404, errorCode: 'OBJECT_NOT_FOUND' }]);
    try {
      expect(await adapter.readCallbackTasks(tasks)).toEqual({
        states: new Map(),
        deleted: ['cb-gone'],
      });
      await faults([]);
      await faults([{ match: 'tasks/batch/read', status: 404, errorCode: 'NOT_FOUND' }]);
      await expect(adapter.readCallbackTasks(tasks)).rejects.toMatchObject({ status: 404 });
    } finally {
      await faults([]);
    }
  });
});
