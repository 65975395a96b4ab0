import type { CrmError } from '../errors.ts';
import type { Crm } from '../store/store.ts';
import { backoffMs } from './backoff.ts';

/** Told when a CRM's outage begins (its first failed step) and when it ends. */
export interface OutageListener {
  began(crm: Crm, error: CrmError): void;
  ended(crm: Crm): void;
}

/**
 * Failures of a CRM rather than of a record (a read, the setup, a call that failed as a whole),
 * counted per CRM: each consecutive one waits longer, and none spends a job's attempt. A step that
 * meets no outage ends the streak.
 */
export class OutageStreaks {
  /** Consecutive failed steps per CRM. */
  private readonly streak = new Map<Crm, number>();
  /** CRMs whose current step met an outage. */
  private readonly current = new Set<Crm>();

  constructor(
    private readonly random: () => number,
    private readonly backoffBaseMs?: number,
    private readonly listener?: OutageListener,
  ) {}

  /** A step of this CRM begins: no outage met yet. */
  beginStep(crm: Crm): void {
    this.current.delete(crm);
  }

  /** A step ended without throwing: the streak ends unless one of its calls met an outage. */
  endStep(crm: Crm): void {
    if (this.current.has(crm)) return;
    if ((this.streak.get(crm) ?? 0) > 0) this.listener?.ended(crm);
    this.streak.set(crm, 0);
  }

  /** Counts an outage of `crm` and returns how long its records wait. */
  delay(crm: Crm, error: CrmError): number {
    const streak = (this.streak.get(crm) ?? 0) + 1;
    this.streak.set(crm, streak);
    if (streak === 1) this.listener?.began(crm, error);
    this.current.add(crm);
    return backoffMs(Math.min(streak - 1, 12), this.random(), error.waitMs, this.backoffBaseMs);
  }
}
