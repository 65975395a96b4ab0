import { nextCallbackState } from '@boucle/shared';
import type { Logger } from 'pino';
import type { Store, StoredCallback } from '../store/store.ts';

/**
 * Once the demo's callbacks exist, moves some of them through the state machine so that the demo
 * shows every state: attempted, reached, resolved with an outcome, closed without contact,
 * escalated; and half of the callbacks still to make are overdue, as in a real queue.
 */
export async function settleDemoCallbacks(
  store: Store,
  logger: Logger,
  stopped: () => boolean,
): Promise<void> {
  let previous = -1;
  for (let i = 0; i < 120; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (stopped()) return;
    const callbacks = await store.listCallbacks({ now: new Date().toISOString(), limit: 1000 });
    if (callbacks.length > 0 && callbacks.length === previous) break;
    previous = callbacks.length;
  }
  const callbacks = await store.listCallbacks({ now: new Date().toISOString(), limit: 1000 });
  const outcomes = [
    ['attempted', {}],
    ['reached', { notes: 'Client joint, il attend un geste commercial.' }],
    [
      'resolved',
      {
        outcome: 'Geste commercial accordé',
        rootCause: 'Facturation',
        followUpAction: 'Envoyer l’avoir avant vendredi',
        notes: 'Client rassuré.',
      },
    ],
    ['closed_no_contact', { notes: 'Trois appels sans réponse, e-mail envoyé.' }],
    ['escalated', { notes: 'Client injoignable depuis deux jours : transmis à la responsable.' }],
  ] as const;
  // Each account's latest callback is still to be made, as in real life (and the preview's
  // account card always has one to show).
  const latest = new Map<string, StoredCallback>();
  for (const callback of callbacks) {
    const key = callback.accountKey ?? callback.links[0]?.crmAccountId ?? callback.id;
    const known = latest.get(key);
    if (!known || callback.createdAt > known.createdAt) latest.set(key, callback);
  }
  const stillOpen = new Set([...latest.values()].map((c) => c.id));
  let moved = 0;
  // Every other account's next callback is late: created and due hours ago.
  const hour = 3_600_000;
  for (const [index, callback] of [...latest.values()].entries()) {
    if (index % 2 !== 0) continue;
    const late = 2 + (index % 7);
    await store.updateCallback(
      callback.id,
      (stored) => {
        const dueAt = new Date(Date.now() - late * hour).toISOString();
        return {
          ...stored,
          createdAt: new Date(Date.now() - (stored.slaHours + late) * hour).toISOString(),
          dueAt,
          links: stored.links.map((link) => ({ ...link, dueAt })),
        };
      },
      { enqueueAt: Date.now() },
    );
    moved++;
  }
  for (const [index, callback] of callbacks.entries()) {
    if (stillOpen.has(callback.id)) continue;
    const target = outcomes[index % 6];
    if (!target) continue;
    const steps =
      target[0] === 'resolved'
        ? (['reached', 'resolved'] as const)
        : target[0] === 'closed_no_contact'
          ? (['attempted', 'closed_no_contact'] as const)
          : ([target[0]] as const);
    await store.updateCallback(
      callback.id,
      (stored) => {
        let current = stored;
        for (const status of steps) {
          const result = nextCallbackState(
            current,
            { status, ...target[1] },
            new Date().toISOString(),
          );
          if (result.ok) current = { ...current, ...result.callback };
        }
        return current;
      },
      { enqueueAt: Date.now() },
    );
    moved++;
  }
  // Ready once written to the CRMs too: the preview opens on a callback in Salesforce.
  for (let i = 0; i < 240 && !stopped(); i++) {
    const { open } = await store.syncFacts();
    if (Object.entries(open).every(([key, n]) => !key.endsWith('.callback') || n === 0)) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  logger.info({ callbacks: callbacks.length, moved }, 'demo callbacks ready');
}
