import { isIP } from 'node:net';
import { z } from 'zod';
import { outboundConfig, outboundEnvironment, type OutboundConfig } from '../outbound/config.ts';

/** A configuration that cannot start the server; the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
const url = (name: string) =>
  z
    .string()
    .trim()
    .url({ error: `${name} must be a URL such as https://login.salesforce.com` })
    .transform((value) => value.replace(/\/+$/, ''));

/**
 * Which peers may tell the client's address in `X-Forwarded-For` (Express's `trust proxy`): none
 * (false), the n nearest hops, or the proxies' addresses, CIDRs and Express's names for ranges.
 */
export type TrustProxy = false | number | string[];

const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const isAddressOrCidr = (entry: string) => {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return (
    prefix === undefined ||
    (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))
  );
};
const trustProxySchema = optionalText.transform((value, ctx): TrustProxy => {
  if (value === undefined || value === 'false' || value === '0') return false;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim());
  const bad = entries.filter(
    (entry) => !PROXY_RANGE_NAMES.includes(entry) && !isAddressOrCidr(entry),
  );
  if (bad.length === 0) return entries;
  ctx.addIssue({
    code: 'custom',
    message:
      value === 'true'
        ? 'true would believe any X-Forwarded-For a client writes; give the number of proxies in front of the server (1) or their addresses'
        : `must be a number of proxy hops (1), loopback, linklocal, uniquelocal, or a comma-separated list of proxy addresses or CIDRs such as 10.0.0.0/8 (not ${bad.map((entry) => JSON.stringify(entry)).join(', ')})`,
  });
  return z.NEVER;
});

/** The environment variables of the architecture's configuration contract. */
const environmentSchema = z.object({
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int()
    .min(0)
    .max(65535, { error: 'must be a port number from 0 to 65535' })
    .default(3000),
  HOST: optionalText.pipe(
    z
      .string()
      .regex(/^[0-9a-zA-Z.:-]+$/, {
        error: 'must be an address to listen on, e.g. 0.0.0.0 or 127.0.0.1',
      })
      .optional(),
  ),
  BOUCLE_DB: z.string().trim().min(1).default('./data/boucle.db'),
  DATABASE_URL: optionalText,
  BOUCLE_API_KEY: optionalText.pipe(
    z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  ),
  BOUCLE_SANDBOX: z.enum(['0', '1', ''], { error: 'must be 1 (sandbox) or 0' }).optional(),
  SALESFORCE_LOGIN_URL: optionalText.pipe(url('SALESFORCE_LOGIN_URL').optional()),
  SALESFORCE_CLIENT_ID: optionalText,
  SALESFORCE_CLIENT_SECRET: optionalText,
  SALESFORCE_USERNAME: optionalText,
  SALESFORCE_PRIVATE_KEY_FILE: optionalText,
  SALESFORCE_API_VERSION: z
    .string()
    .regex(/^\d{2}\.0$/, { error: 'must be an API version such as 62.0' })
    .refine((v) => Number(v) >= 60, { error: 'must be 60.0 or later' })
    .default('62.0'),
  // The managed package's namespace prefix, when Boucle is installed from AppExchange: its objects
  // and fields are then named ns__Survey_Response__c, ns__Score__c…
  SALESFORCE_NAMESPACE: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/, {
        error:
          'must be a namespace prefix: letters, digits and single underscores, starting with a letter',
      })
      .max(15, { error: 'must be at most 15 characters' })
      .refine((v) => !v.endsWith('_'), { error: 'must not end with an underscore' })
      .optional(),
  ),
  // More records of one kind in one sync round than this go through Bulk API 2.0 ingest jobs
  // (backfills) instead of Composite; 0 keeps Composite for everything.
  SALESFORCE_BULK_THRESHOLD: z.coerce
    .number({ error: 'must be a number of records, e.g. 2000' })
    .int({ error: 'must be a whole number of records' })
    .min(0, { error: 'must be 0 (Bulk API off) or more records' })
    .default(2000),
  HUBSPOT_BASE_URL: optionalText.pipe(url('HUBSPOT_BASE_URL').optional()),
  HUBSPOT_ACCESS_TOKEN: optionalText,
  HUBSPOT_CLIENT_SECRET: optionalText,
  BOUCLE_WEBHOOK_SECRET: optionalText.pipe(
    z.string().startsWith('whsec_', { error: 'must start with whsec_' }).optional(),
  ),
  TYPEFORM_SECRET: optionalText,
  TYPEFORM_FORM_MAPPINGS: optionalText,
  SURVEYMONKEY_CLIENT_ID: optionalText,
  SURVEYMONKEY_CLIENT_SECRET: optionalText,
  SURVEYMONKEY_ACCESS_TOKEN: optionalText,
  SURVEYMONKEY_API_URL: optionalText.pipe(url('SURVEYMONKEY_API_URL').optional()),
  QUALTRICS_WEBHOOK_TOKEN: optionalText,
  QUALTRICS_API_TOKEN: optionalText,
  QUALTRICS_API_URL: optionalText.pipe(url('QUALTRICS_API_URL').optional()),
  HUBSPOT_FEEDBACK_POLL_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int()
    .min(0, { error: 'must be 0 (off) or more' })
    .default(300),
  BOUCLE_WEBHOOK_RATE_PER_MINUTE: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1, { error: 'must be at least 1' })
    .default(600),
  /** An admin's additions to the default theme taxonomy (JSON, see README "Verbatims"). */
  BOUCLE_TAXONOMY_FILE: optionalText,
  /** The proxies whose `X-Forwarded-For` names the client (off: the peer's address is the client). */
  BOUCLE_TRUST_PROXY: trustProxySchema,
  BOUCLE_METRICS_TOKEN: optionalText.pipe(
    z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  ),
  BOUCLE_JOB_RETENTION_DAYS: z.coerce
    .number({ error: 'must be a number of days' })
    .int({ error: 'must be a whole number of days' })
    .min(1, { error: 'must be at least 1 day' })
    .default(7),
  // An erasure keeps the person's scores, anonymised, instead of deleting their answers and
  // ratings (README, "Privacy"); off by default: an erasure erases.
  BOUCLE_ERASURE_KEEP_STATISTICS: z
    .enum(['0', '1', 'false', 'true', ''], { error: 'must be 1 (keep scores, anonymised) or 0' })
    .optional(),
  BOUCLE_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  ...outboundEnvironment,
});

export type SalesforceConfig = {
  /** The managed package's namespace prefix (`SALESFORCE_NAMESPACE`); none when deployed as source. */
  readonly namespace?: string;
  /**
   * Bulk API 2.0 for backfills: rounds with more records of one kind than `threshold`
   * (`SALESFORCE_BULK_THRESHOLD`, default 2,000; 0: never) are upserted as ingest jobs. Tests
   * shorten the polling and the upload size.
   */
  readonly bulk?: {
    readonly threshold: number;
    readonly pollInitialMs?: number;
    readonly maxUploadBytes?: number;
  };
} & (
  | {
      readonly auth: 'client_credentials';
      readonly loginUrl: string;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly apiVersion: string;
    }
  | {
      readonly auth: 'jwt';
      readonly loginUrl: string;
      readonly clientId: string;
      readonly username: string;
      readonly privateKeyFile: string;
      readonly apiVersion: string;
    }
);

export interface HubSpotConfig {
  readonly baseUrl: string;
  readonly accessToken: string;
  readonly clientSecret?: string;
}

/** Secrets and settings of the survey-tool webhooks; lists hold two secrets during a rotation. */
export interface WebhooksConfig {
  readonly typeform?: { readonly secrets: string[]; readonly mappings: Record<string, unknown> };
  readonly surveymonkey?: {
    readonly credentials: { clientId: string; clientSecret: string }[];
    readonly accessToken?: string;
    readonly apiUrl: string;
  };
  readonly qualtrics?: {
    readonly tokens: string[];
    readonly apiToken?: string;
    readonly apiUrl?: string;
  };
  readonly hubspot?: { readonly secrets: string[] };
  readonly generic?: { readonly secrets: string[] };
  readonly ratePerMinute: number;
}

/** The server's configuration, parsed once at start. */
export interface Config {
  readonly port: number;
  /** The address to listen on: loopback in sandbox (emulators, no key), every interface otherwise. */
  readonly host: string;
  readonly dbPath: string;
  /** PostgreSQL instead of SQLite (several replicas may share it). */
  readonly databaseUrl?: string;
  /** Sandbox: local CRM emulators on PORT+1 and PORT+2, demo data, a generated API key. */
  readonly sandbox: boolean;
  readonly apiKey?: string;
  readonly salesforce?: SalesforceConfig;
  readonly hubspot?: HubSpotConfig;
  readonly webhookSecret?: string;
  readonly webhooks: WebhooksConfig;
  /** How often HubSpot feedback submissions are polled; 0 turns it off. */
  readonly hubspotFeedbackPollSeconds: number;
  /** Reads `/metrics` and `/health` details (the API key does too). */
  readonly metricsToken?: string;
  /** Days done sync jobs are kept before they are pruned. */
  readonly jobRetentionDays?: number;
  readonly logLevel: string;
  /** A JSON file of themes and words added to the default taxonomy. */
  readonly taxonomyFile?: string;
  /** The proxies trusted to name the client in `X-Forwarded-For`; false: none. */
  readonly trustProxy?: TrustProxy;
  /** Where Boucle's own signed webhooks go (survey requests, alerts); none: recorded, unsent. */
  readonly outbound?: OutboundConfig;
  /** Erasures keep answers' and ratings' scores, anonymised, rather than deleting them. */
  readonly erasureKeepStatistics?: boolean;
}

/** Comma-separated secrets: the current one, and the previous one while a rotation is under way. */
const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * Parses the environment into a {@link Config}, or throws a {@link ConfigError} that names each
 * bad or missing variable. Nothing else in the server reads `process.env`.
 * @param env the environment (`process.env`)
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`).join('\n'),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.DATABASE_URL && !/^postgres(ql)?:\/\/[^/]/.test(e.DATABASE_URL)) {
    problems.push(
      'DATABASE_URL: must be a PostgreSQL URL, postgres://user:password@host:5432/database (unset it to use SQLite at BOUCLE_DB)',
    );
  }
  let salesforce: SalesforceConfig | undefined;
  const salesforceSet = [
    e.SALESFORCE_CLIENT_ID,
    e.SALESFORCE_CLIENT_SECRET,
    e.SALESFORCE_USERNAME,
    e.SALESFORCE_PRIVATE_KEY_FILE,
  ].some(Boolean);
  if (salesforceSet) {
    if (!e.SALESFORCE_LOGIN_URL)
      problems.push(
        'SALESFORCE_LOGIN_URL: is required with the other SALESFORCE_* variables (your My Domain, e.g. https://acme.my.salesforce.com)',
      );
    if (!e.SALESFORCE_CLIENT_ID)
      problems.push(
        'SALESFORCE_CLIENT_ID: is required (the consumer key of the external client app)',
      );
    if (e.SALESFORCE_USERNAME || e.SALESFORCE_PRIVATE_KEY_FILE) {
      if (!e.SALESFORCE_USERNAME)
        problems.push(
          'SALESFORCE_USERNAME: is required with SALESFORCE_PRIVATE_KEY_FILE (JWT bearer flow)',
        );
      if (!e.SALESFORCE_PRIVATE_KEY_FILE)
        problems.push(
          'SALESFORCE_PRIVATE_KEY_FILE: is required with SALESFORCE_USERNAME (JWT bearer flow)',
        );
      if (
        e.SALESFORCE_LOGIN_URL &&
        e.SALESFORCE_CLIENT_ID &&
        e.SALESFORCE_USERNAME &&
        e.SALESFORCE_PRIVATE_KEY_FILE
      ) {
        salesforce = {
          auth: 'jwt',
          loginUrl: e.SALESFORCE_LOGIN_URL,
          clientId: e.SALESFORCE_CLIENT_ID,
          username: e.SALESFORCE_USERNAME,
          privateKeyFile: e.SALESFORCE_PRIVATE_KEY_FILE,
          apiVersion: e.SALESFORCE_API_VERSION,
          ...(e.SALESFORCE_NAMESPACE && { namespace: e.SALESFORCE_NAMESPACE }),
          bulk: { threshold: e.SALESFORCE_BULK_THRESHOLD },
        };
      }
    } else if (!e.SALESFORCE_CLIENT_SECRET) {
      problems.push(
        'SALESFORCE_CLIENT_SECRET: is required for the client-credentials flow (or set SALESFORCE_USERNAME and SALESFORCE_PRIVATE_KEY_FILE for JWT)',
      );
    } else if (e.SALESFORCE_LOGIN_URL && e.SALESFORCE_CLIENT_ID) {
      salesforce = {
        auth: 'client_credentials',
        loginUrl: e.SALESFORCE_LOGIN_URL,
        clientId: e.SALESFORCE_CLIENT_ID,
        clientSecret: e.SALESFORCE_CLIENT_SECRET,
        apiVersion: e.SALESFORCE_API_VERSION,
        ...(e.SALESFORCE_NAMESPACE && { namespace: e.SALESFORCE_NAMESPACE }),
        bulk: { threshold: e.SALESFORCE_BULK_THRESHOLD },
      };
    }
  }
  let hubspot: HubSpotConfig | undefined;
  if (e.HUBSPOT_ACCESS_TOKEN) {
    hubspot = {
      baseUrl: e.HUBSPOT_BASE_URL ?? 'https://api.hubapi.com',
      accessToken: e.HUBSPOT_ACCESS_TOKEN,
      ...(e.HUBSPOT_CLIENT_SECRET && { clientSecret: e.HUBSPOT_CLIENT_SECRET }),
    };
  } else if (e.HUBSPOT_BASE_URL) {
    problems.push(
      "HUBSPOT_ACCESS_TOKEN: is required with HUBSPOT_BASE_URL (the private app's access token)",
    );
  }
  const sandbox =
    e.BOUCLE_SANDBOX === '1' ||
    (e.BOUCLE_SANDBOX !== '0' && !salesforce && !hubspot && !salesforceSet && !e.HUBSPOT_BASE_URL);
  if (!sandbox && !e.BOUCLE_API_KEY)
    problems.push(
      'BOUCLE_API_KEY: is required outside sandbox mode (a random string of 16+ characters that API clients send as a bearer token)',
    );
  if (!sandbox && !salesforce && !hubspot && problems.length === 0)
    problems.push(
      'BOUCLE_SANDBOX: is 0 but no CRM is configured; set SALESFORCE_* or HUBSPOT_ACCESS_TOKEN',
    );
  let mappings: Record<string, unknown> = {};
  if (e.TYPEFORM_FORM_MAPPINGS) {
    try {
      mappings = JSON.parse(e.TYPEFORM_FORM_MAPPINGS) as Record<string, unknown>;
      if (typeof mappings !== 'object' || mappings === null || Array.isArray(mappings))
        throw new Error('not an object');
    } catch {
      problems.push(
        'TYPEFORM_FORM_MAPPINGS: must be a JSON object {"<form id>": {"score": "<field ref>", ...}}',
      );
    }
  }
  const smIds = list(e.SURVEYMONKEY_CLIENT_ID);
  const smSecrets = list(e.SURVEYMONKEY_CLIENT_SECRET);
  if (smIds.length !== smSecrets.length)
    problems.push(
      'SURVEYMONKEY_CLIENT_SECRET: needs one secret per SURVEYMONKEY_CLIENT_ID (comma-separated, in the same order)',
    );
  const outbound = outboundConfig(e, problems);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  const webhooks: WebhooksConfig = {
    ratePerMinute: e.BOUCLE_WEBHOOK_RATE_PER_MINUTE,
    ...(e.TYPEFORM_SECRET && { typeform: { secrets: list(e.TYPEFORM_SECRET), mappings } }),
    ...(smIds.length > 0 && {
      surveymonkey: {
        credentials: smIds.map((clientId, i) => ({
          clientId,
          clientSecret: smSecrets[i] as string,
        })),
        ...(e.SURVEYMONKEY_ACCESS_TOKEN && { accessToken: e.SURVEYMONKEY_ACCESS_TOKEN }),
        apiUrl: e.SURVEYMONKEY_API_URL ?? 'https://api.surveymonkey.com',
      },
    }),
    ...(e.QUALTRICS_WEBHOOK_TOKEN && {
      qualtrics: {
        tokens: list(e.QUALTRICS_WEBHOOK_TOKEN),
        ...(e.QUALTRICS_API_TOKEN && { apiToken: e.QUALTRICS_API_TOKEN }),
        ...(e.QUALTRICS_API_URL && { apiUrl: e.QUALTRICS_API_URL }),
      },
    }),
    ...(e.HUBSPOT_CLIENT_SECRET && { hubspot: { secrets: list(e.HUBSPOT_CLIENT_SECRET) } }),
    ...(e.BOUCLE_WEBHOOK_SECRET && { generic: { secrets: list(e.BOUCLE_WEBHOOK_SECRET) } }),
  };
  return {
    port: e.PORT,
    host: e.HOST ?? (sandbox ? '127.0.0.1' : '0.0.0.0'),
    dbPath: e.BOUCLE_DB,
    ...(e.DATABASE_URL && { databaseUrl: e.DATABASE_URL }),
    sandbox,
    ...(e.BOUCLE_API_KEY && { apiKey: e.BOUCLE_API_KEY }),
    ...(salesforce && { salesforce }),
    ...(hubspot && { hubspot }),
    ...(e.BOUCLE_WEBHOOK_SECRET && { webhookSecret: e.BOUCLE_WEBHOOK_SECRET }),
    webhooks,
    hubspotFeedbackPollSeconds: e.HUBSPOT_FEEDBACK_POLL_SECONDS,
    ...(e.BOUCLE_METRICS_TOKEN && { metricsToken: e.BOUCLE_METRICS_TOKEN }),
    jobRetentionDays: e.BOUCLE_JOB_RETENTION_DAYS,
    logLevel: e.BOUCLE_LOG_LEVEL,
    ...(e.BOUCLE_TAXONOMY_FILE && { taxonomyFile: e.BOUCLE_TAXONOMY_FILE }),
    trustProxy: e.BOUCLE_TRUST_PROXY,
    outbound,
    erasureKeepStatistics: ['1', 'true'].includes(e.BOUCLE_ERASURE_KEEP_STATISTICS ?? ''),
  };
}
