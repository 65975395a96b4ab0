import { z } from 'zod';

/** An ISO 8601 instant with a time zone (`Z` or an offset), as every date of the API. */
export const instantSchema = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-20T09:14:00Z',
});

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
