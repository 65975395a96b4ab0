import { createHmac } from 'node:crypto';

/**
 * The Standard Webhooks headers of one delivery attempt (https://www.standardwebhooks.com,
 * spec/standard-webhooks.md "Signature scheme"): `webhook-id` (the event's id, the same on every
 * retry, so the receiver can drop duplicates), `webhook-timestamp` (this attempt, in seconds: the
 * receiver refuses one outside its tolerance, five minutes in the reference library) and
 * `webhook-signature`, `v1,` then the base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the
 * base64-decoded part of the `whsec_` secret. Node's own HMAC: the scheme is one line, and the
 * tests verify it with the reference library (`standardwebhooks`) rather than with this code.
 */
export function standardWebhookHeaders(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key)
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${signature}`,
  };
}
