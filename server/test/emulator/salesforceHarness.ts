import { createSign, generateKeyPairSync } from 'node:crypto';
import jsforce, { type Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { SalesforceEmulator } from '../../src/emulators/salesforce/app.ts';
import { admin } from './helpers.ts';

// The Salesforce emulator the emulator tests share: each test file calls
// useSalesforceEmulator() once, and reads `emulator` and `url` (live bindings, set before its
// first test); every test starts from a reset org.

export const VERSION = '62.0';
export const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

export let emulator: SalesforceEmulator;
export let url: string;

/** One emulator for the file (JWT bearer certificate set, no daily limit to speak of). */
export function useSalesforceEmulator(): void {
  let close: () => Promise<void>;
  beforeAll(async () => {
    emulator = new SalesforceEmulator({ jwtCertificate: publicKey, dailyApiLimit: 1_000_000 });
    ({ url, close } = await emulator.listen());
  });
  afterAll(() => close());
  beforeEach(() => emulator.reset());
}

/** A jsforce connection by client credentials. */
export async function connect(options: { clientSecret?: string } = {}): Promise<Connection> {
  const conn = new jsforce.Connection({
    oauth2: {
      clientId: 'boucle-sandbox',
      clientSecret: options.clientSecret ?? 'sandbox',
      loginUrl: url,
    },
    version: VERSION,
  });
  await conn.authorize({ grant_type: 'client_credentials' });
  return conn;
}

/** A JWT bearer assertion with these claims, signed with the key (by default, the org's). */
export function assertion(claims: Record<string, unknown>, key = keys.privateKey): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key).toString('base64url')}`;
}

/** Loads records through the admin API: their ids by object. */
export async function seed(
  records: Record<string, Record<string, unknown>[]>,
): Promise<Record<string, { id: string }[]>> {
  return (await admin(url, 'records', records)) as Record<string, { id: string }[]>;
}
