import type { BusinessHoursSettings } from '@boucle/shared/schemas';
import type { VerbatimAnalyser } from '@boucle/shared/themes';
import type { Logger } from 'pino';
import type { CrmAdapter } from '../crm/adapter.ts';
import type { Settlement } from '../queue/settlement.ts';
import type { Store } from '../store/store.ts';

export const DAY_MS = 86_400_000;

/** What every job kind's module works with: the store, the clock, settlement and the settings. */
export interface LoopContext {
  readonly store: Store;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly settlement: Settlement;
  /** How often an answer whose respondent is not in the CRM is looked up again. */
  readonly unmatchedRetryMs: number;
  /** Answers older than this raise no callback (a backfill must not flood managers). */
  readonly callbackMaxAgeDays: number;
  /** How long after an answer or a callback its account's rollup runs (merging those between). */
  readonly rollupDelayMs: number;
  /** Reads each comment's themes and sentiment, written with the answer. */
  readonly analyse: VerbatimAnalyser;
  /** The business hours SLAs count in, read for each batch; none: 24/7. */
  readonly businessHours?: () => Promise<BusinessHoursSettings | undefined>;
}

/**
 * The business hours a CRM's callbacks count in: that CRM's own (Salesforce custom metadata, the
 * HubSpot settings page), else the engine's.
 */
export async function businessHoursFor(
  context: LoopContext,
  adapter: CrmAdapter,
): Promise<BusinessHoursSettings | undefined> {
  return adapter.businessHours ? adapter.businessHours() : context.businessHours?.();
}

/** Whether an answer is recent enough to raise callbacks. */
export const raisesCallbacks = (context: LoopContext, answeredAt: string): boolean =>
  context.clock() - Date.parse(answeredAt) <= context.callbackMaxAgeDays * DAY_MS;
