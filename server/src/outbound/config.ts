import { z } from 'zod';

/** Where Boucle sends its own signed webhooks: survey requests, and alerts about the sync. */
export type OutboundTarget = 'survey' | 'alerts';

/** One target's endpoint and the `whsec_…` secret that signs what goes there. */
export interface OutboundEndpoint {
  readonly url: string;
  readonly secret: string;
}

/** The outbound webhook targets configured; a target absent here records its events, unsent. */
export type OutboundConfig = { readonly [T in OutboundTarget]?: OutboundEndpoint };

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const endpointUrl = optionalText.pipe(
  z
    .string()
    .refine((value) => /^https?:\/\/[^/\s]/i.test(value) && URL.canParse(value), {
      error: 'must be an http(s) URL such as https://surveys.example.com/hooks/boucle',
    })
    .optional(),
);

/**
 * A Standard Webhooks secret: `whsec_` then the key in base64, 24 to 64 bytes (the spec's range).
 * The messages never repeat the value: it is a secret.
 */
const secret = optionalText.pipe(
  z
    .string()
    .refine((value) => value.startsWith('whsec_'), {
      error: 'must start with whsec_ (a Standard Webhooks secret: whsec_ then base64)',
    })
    .refine((value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value.slice(6)), {
      error: 'must be whsec_ followed by base64 (A–Z, a–z, 0–9, +, /, = padding)',
    })
    .refine(
      (value) => {
        const bytes = Buffer.from(value.slice(6), 'base64').length;
        return bytes >= 24 && bytes <= 64;
      },
      {
        error:
          "must hold a key of 24 to 64 bytes; generate one with: node -e \"console.log('whsec_' + require('crypto').randomBytes(32).toString('base64'))\"",
      },
    )
    .optional(),
);

/** The environment variables of outbound webhooks, merged into the configuration's schema. */
export const outboundEnvironment = {
  BOUCLE_SURVEY_WEBHOOK_URL: endpointUrl,
  BOUCLE_ALERT_WEBHOOK_URL: endpointUrl,
  /** Signs every outbound delivery, unless the target has a secret of its own. */
  BOUCLE_OUTBOUND_SECRET: secret,
  BOUCLE_SURVEY_WEBHOOK_SECRET: secret,
  BOUCLE_ALERT_WEBHOOK_SECRET: secret,
};

type OutboundEnvironment = {
  [K in keyof typeof outboundEnvironment]?: string | undefined;
};

/**
 * The outbound targets from the parsed environment; a problem for each URL that has no secret to
 * sign with is pushed to `problems`, naming the variables.
 */
export function outboundConfig(e: OutboundEnvironment, problems: string[]): OutboundConfig {
  const targets: [OutboundTarget, string | undefined, string | undefined, string, string][] = [
    [
      'survey',
      e.BOUCLE_SURVEY_WEBHOOK_URL,
      e.BOUCLE_SURVEY_WEBHOOK_SECRET,
      'BOUCLE_SURVEY_WEBHOOK_URL',
      'BOUCLE_SURVEY_WEBHOOK_SECRET',
    ],
    [
      'alerts',
      e.BOUCLE_ALERT_WEBHOOK_URL,
      e.BOUCLE_ALERT_WEBHOOK_SECRET,
      'BOUCLE_ALERT_WEBHOOK_URL',
      'BOUCLE_ALERT_WEBHOOK_SECRET',
    ],
  ];
  const config: { -readonly [T in OutboundTarget]?: OutboundEndpoint } = {};
  for (const [target, url, own, urlName, secretName] of targets) {
    if (!url) continue;
    const key = own ?? e.BOUCLE_OUTBOUND_SECRET;
    if (!key) {
      problems.push(
        `BOUCLE_OUTBOUND_SECRET: is required with ${urlName} (or set ${secretName}): deliveries are signed per Standard Webhooks with a whsec_ secret the receiver shares`,
      );
      continue;
    }
    config[target] = { url, secret: key };
  }
  return config;
}

/** What `boucle doctor` says of each outbound target: where it goes (never the secret), or not. */
export function describeOutbound(config: OutboundConfig = {}): { ok: boolean; text: string }[] {
  const names: Record<OutboundTarget, [string, string]> = {
    survey: ['survey requests (survey.requested)', 'BOUCLE_SURVEY_WEBHOOK_URL'],
    alerts: ['sync alerts (sync.alert)', 'BOUCLE_ALERT_WEBHOOK_URL'],
  };
  return (Object.keys(names) as OutboundTarget[]).map((target) => {
    const [what, variable] = names[target];
    const endpoint = config[target];
    return endpoint
      ? { ok: true, text: `${what}: signed deliveries to ${new URL(endpoint.url).origin}` }
      : {
          ok: false,
          text: `${what}: ${variable} is not set; they are recorded but not sent`,
        };
  });
}
