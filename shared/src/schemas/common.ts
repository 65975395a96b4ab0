import { z } from 'zod';

/** An ISO 8601 instant with a time zone (`Z` or an offset), as every date of the API. */
export const instantSchema = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-20T09:14:00Z',
});

/**
 * The instants a Salesforce DateTime field takes, 1700-01-01T00:00:00Z to 4000-12-31T00:00:00Z
 * (Data Loader guide, "Data Import Dates"); an instant outside could be stored but never written.
 */
export const CRM_INSTANT_RANGE = {
  min: Date.UTC(1700, 0, 1),
  max: Date.UTC(4000, 11, 31),
} as const;

/**
 * How far ahead of the server's clock an answer or a rating may be dated: clocks drift, but an
 * answer dated in the future would raise callbacks on a date nobody answered.
 */
export const MAX_FUTURE_SKEW_MS = 10 * 60_000;

/**
 * An instant an answer or a rating happened at: ISO 8601 with a time zone, within what the CRMs
 * store (the offset counts: 4000-12-31T23:00:00-05:00 is already past the last instant).
 */
export const eventInstantSchema = instantSchema.refine(
  (value) => {
    const at = Date.parse(value);
    // Not a date at all: the format's own issue says so.
    return Number.isNaN(at) || (at >= CRM_INSTANT_RANGE.min && at <= CRM_INSTANT_RANGE.max);
  },
  { error: 'must be from 1700-01-01T00:00:00Z to 4000-12-31T00:00:00Z (what Salesforce stores)' },
);

/**
 * Whether an instant is dated further ahead of `now` than clocks drift (the caller passes its
 * clock: this module reads none).
 */
export const isDatedAhead = (value: string, now: number): boolean =>
  Date.parse(value) > now + MAX_FUTURE_SKEW_MS;

/** Ids and labels are single-line text: no NUL, tab, newline or other control character. */
// eslint-disable-next-line no-control-regex
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;

/** A record id chosen by the sender: the idempotency key, unique per source. */
export const idSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(255, { error: 'must be at most 255 characters' })
  .regex(NO_CONTROL_CHARACTERS, { error: 'must not contain control characters' });

/** Where an answer or a rating came from: `api`, a survey tool, `import`... */
export const sourceSchema = z
  .string({ error: 'must be a string' })
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, {
    error: 'must be 1–40 lowercase letters, digits, "-" or "_", e.g. "api" or "typeform"',
  });

/** An email address. */
export const emailSchema = z.email({ error: 'must be an email address' }).max(254, {
  error: 'must be at most 254 characters',
});

/** Free text stored verbatim (customer verbatims, notes): untrusted, never rendered as HTML. */
export const longTextSchema = z
  .string({ error: 'must be a string' })
  .max(32000, { error: 'must be at most 32,000 characters' });

/** A short label (touchpoint, outcome, root cause). */
export const labelSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(255, { error: 'must be at most 255 characters' })
  .regex(NO_CONTROL_CHARACTERS, { error: 'must not contain control characters' });
