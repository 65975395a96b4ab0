import { createHmac, timingSafeEqual } from 'node:crypto';

/** The verdict on a delivery's signature: accepted, or why not (for the 401 body and the logs). */
export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const ok: Verdict = { ok: true };
const refuse = (reason: string): Verdict => ({ ok: false, reason });
const WINDOW_MS = 5 * 60_000;

/** Compares two signatures in constant time (a different length is a mismatch, not a shortcut). */
export function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const hmac = (algorithm: 'sha256' | 'sha1', key: string | Buffer, data: Buffer | string) =>
  createHmac(algorithm, key).update(data).digest('base64');

/**
 * Checks a timestamp against the 5-minute window, both ways: a stale one is a replay, a future
 * one a forgery or a broken clock.
 */
function withinWindow(timestampMs: number, nowMs: number): Verdict {
  if (!Number.isFinite(timestampMs)) return refuse('the timestamp header is not a number');
  if (nowMs - timestampMs > WINDOW_MS) return refuse('the timestamp is more than 5 minutes old');
  if (timestampMs - nowMs > WINDOW_MS)
    return refuse('the timestamp is more than 5 minutes in the future');
  return ok;
}

/**
 * Typeform: `Typeform-Signature: sha256=<base64 HMAC-SHA256 of the raw body>`. Typeform signs no
 * timestamp: replays are caught by the delivery's response token.
 * @param raw the raw request body
 * @param header the Typeform-Signature header
 * @param secrets the active secrets (two during a rotation)
 */
export function verifyTypeform(
  raw: Buffer,
  header: string | undefined,
  secrets: readonly string[],
): Verdict {
  if (!header) return refuse('missing Typeform-Signature header');
  if (!header.startsWith('sha256=')) return refuse('Typeform-Signature must start with sha256=');
  const given = header.slice('sha256='.length);
  return secrets.some((secret) => sameSignature(given, hmac('sha256', secret, raw)))
    ? ok
    : refuse('the Typeform signature does not match the body');
}

/**
 * SurveyMonkey: `Sm-Signature` = base64 HMAC-SHA1 of the raw body keyed with `client_id&client_secret`,
 * and `Sm-Apikey` names the client id.
 */
export function verifySurveyMonkey(
  raw: Buffer,
  signature: string | undefined,
  apiKey: string | undefined,
  credentials: readonly { clientId: string; clientSecret: string }[],
): Verdict {
  if (!signature) return refuse('missing Sm-Signature header');
  const matching = credentials.filter((c) => !apiKey || c.clientId === apiKey);
  if (matching.length === 0) return refuse('Sm-Apikey names an unknown SurveyMonkey app');
  return matching.some((c) =>
    sameSignature(signature, hmac('sha1', `${c.clientId}&${c.clientSecret}`, raw)),
  )
    ? ok
    : refuse('the SurveyMonkey signature does not match the body');
}

/**
 * The escapes HubSpot decodes in the URI before it signs a v3 request ("Validating requests", v3:
 * `%3A` `%2F` `%3F` `%40` `%21` `%24` `%27` `%28` `%29` `%2A` `%2C` `%3B`), and only those.
 */
const HUBSPOT_DECODED_ESCAPES = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;

/** The URI as HubSpot signs it: the documented escapes decoded, every other one left as sent. */
export function hubspotSignedUri(url: string): string {
  return url.replace(HUBSPOT_DECODED_ESCAPES, (escape) =>
    String.fromCharCode(parseInt(escape.slice(1), 16)),
  );
}

/**
 * HubSpot v3: base64 HMAC-SHA256 of `method + uri + body + timestamp` keyed with the app's client
 * secret, the timestamp (milliseconds) within 5 minutes. Used by webhooks and `hubspot.fetch`.
 * The URI is checked as HubSpot signs it (documented escapes decoded: `userEmail=a%40b` is signed
 * as `userEmail=a@b`), and as received too: both forms need the secret, so accepting either
 * costs nothing and survives a proxy that signs the raw form.
 */
export function verifyHubSpotV3(
  input: { method: string; url: string; raw: Buffer; timestamp?: string; signature?: string },
  secrets: readonly string[],
  nowMs: number,
): Verdict {
  if (!input.signature) return refuse('missing X-HubSpot-Signature-v3 header');
  if (!input.timestamp) return refuse('missing X-HubSpot-Request-Timestamp header');
  const window = withinWindow(Number(input.timestamp), nowMs);
  if (!window.ok) return window;
  const uris = [...new Set([hubspotSignedUri(input.url), input.url])];
  const sources = uris.map((uri) =>
    Buffer.concat([
      Buffer.from(`${input.method}${uri}`),
      input.raw,
      Buffer.from(input.timestamp as string),
    ]),
  );
  return secrets.some((secret) =>
    sources.some((source) =>
      sameSignature(input.signature as string, hmac('sha256', secret, source)),
    ),
  )
    ? ok
    : refuse('the HubSpot signature does not match the request');
}

/**
 * Standard Webhooks (the generic source): `webhook-signature` holds space-separated `v1,<base64>`
 * signatures of `id.timestamp.body`, keyed with the base64 secret after `whsec_`; the timestamp
 * (seconds) within 5 minutes. Any one valid signature is enough (senders rotate too).
 */
export function verifyStandardWebhook(
  input: { raw: Buffer; id?: string; timestamp?: string; signature?: string },
  secrets: readonly string[],
  nowMs: number,
): Verdict {
  if (!input.id) return refuse('missing webhook-id header');
  if (!input.timestamp) return refuse('missing webhook-timestamp header');
  if (!input.signature) return refuse('missing webhook-signature header');
  if (!/^\d+$/.test(input.timestamp))
    return refuse('webhook-timestamp must be whole seconds since the epoch');
  const window = withinWindow(Number(input.timestamp) * 1000, nowMs);
  if (!window.ok) return window;
  const signed = Buffer.concat([Buffer.from(`${input.id}.${input.timestamp}.`), input.raw]);
  const expected = secrets.map((secret) =>
    hmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'), signed),
  );
  const given = input.signature
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => part.slice(3));
  if (given.length === 0) return refuse('webhook-signature has no v1 signature');
  return given.some((signature) => expected.some((e) => sameSignature(signature, e)))
    ? ok
    : refuse('no webhook-signature matches the body');
}

/** Qualtrics signs nothing: the secret token in the subscription URL authenticates it. */
export function verifyToken(given: string | undefined, tokens: readonly string[]): Verdict {
  if (!given)
    return refuse('missing token: register the URL with ?token=<QUALTRICS_WEBHOOK_TOKEN>');
  return tokens.some((token) => sameSignature(given, token))
    ? ok
    : refuse('the token does not match');
}
