import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Store } from '../store/store.ts';
import type { OutboundConfig, OutboundTarget } from './config.ts';
import {
  getEvents,
  insertEvent,
  listEvents,
  type OutboundRecord,
  type OutboundStatus,
} from './records.ts';

export type { OutboundConfig, OutboundEndpoint, OutboundTarget } from './config.ts';
export type { OutboundRecord, OutboundStatus } from './records.ts';
export { OutboundDeliveries, deliveryBody } from './worker.ts';
export { standardWebhookHeaders } from './sign.ts';

/** An event for a target: its type (`survey.requested`, `sync.alert`), idempotency key and data. */
export interface OutboundEvent {
  target: OutboundTarget;
  type: string;
  /** The same key is one delivery, however often it is sent (a retry, a second sweep). */
  key: string;
  data: Record<string, unknown>;
}

export const OUTBOUND_TARGETS = ['survey', 'alerts'] as const satisfies readonly OutboundTarget[];

/** Where each target's URL is configured, for messages. */
export const OUTBOUND_URL_VARIABLE: Record<OutboundTarget, string> = {
  survey: 'BOUCLE_SURVEY_WEBHOOK_URL',
  alerts: 'BOUCLE_ALERT_WEBHOOK_URL',
};

const outboundEventSchema = z.strictObject({
  target: z.enum(OUTBOUND_TARGETS),
  type: z
    .string()
    .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'must be a dotted event type like sync.alert'),
  key: z.string().min(1).max(500),
  data: z.record(z.string(), z.unknown()),
});

export interface OutboundOptions {
  readonly store: Store;
  readonly config: OutboundConfig;
  readonly logger: Logger;
  readonly clock?: () => number;
  /** Called after a delivery was queued, to wake the delivery loop. */
  readonly onQueued?: () => void;
}

/**
 * Boucle's outbound webhooks: `send` stores the event durably (once per key) and queues its
 * delivery on the job queue, then returns; `OutboundDeliveries` POSTs it signed per Standard
 * Webhooks, with retries and dead letters. A target without a URL keeps its events, marked
 * `skipped`, and says so once in the log (and in `boucle doctor`).
 */
export class Outbound {
  private readonly clock: () => number;
  private readonly warned = new Set<OutboundTarget>();

  constructor(private readonly options: OutboundOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** The targets that have no URL: their events are recorded, never sent. */
  get unconfigured(): OutboundTarget[] {
    return OUTBOUND_TARGETS.filter((target) => !this.options.config[target]);
  }

  async send(event: OutboundEvent, now?: Date): Promise<{ id: string; duplicate: boolean }> {
    const parsed = outboundEventSchema.safeParse(event);
    if (!parsed.success)
      throw new TypeError(
        `not an outbound event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    const at = now?.getTime() ?? this.clock();
    const deliver = this.options.config[parsed.data.target] !== undefined;
    if (!deliver && !this.warned.has(parsed.data.target)) {
      this.warned.add(parsed.data.target);
      this.options.logger.warn(
        { target: parsed.data.target },
        `${OUTBOUND_URL_VARIABLE[parsed.data.target]} is not set: ${parsed.data.target} events are recorded but not sent`,
      );
    }
    const result = await insertEvent(
      this.options.store.dialect,
      // An id in the style of Standard Webhooks' examples (msg_…): the receiver's dedupe key.
      { id: `msg_${randomBytes(16).toString('base64url')}`, ...parsed.data },
      deliver,
      at,
    );
    if (deliver && !result.duplicate) this.options.onQueued?.();
    return result;
  }

  async get(id: string): Promise<OutboundRecord | undefined> {
    return (await getEvents(this.options.store.dialect, [id])).get(id);
  }

  /** The latest events, newest first. */
  async list(
    filter: { target?: OutboundTarget; status?: OutboundStatus; limit?: number } = {},
  ): Promise<OutboundRecord[]> {
    return listEvents(this.options.store.dialect, { ...filter, limit: filter.limit ?? 100 });
  }
}
