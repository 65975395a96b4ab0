import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { API_KEY, answer, startHarness, waitFor, type Harness } from '../sync/harness.ts';

describe('boucle erase', () => {
  let h: Harness;
  let env: Record<string, string>;
  beforeAll(async () => {
    h = await startHarness();
    env = {
      BOUCLE_DB: h.config.dbPath,
      BOUCLE_API_KEY: API_KEY,
      SALESFORCE_LOGIN_URL: h.emulators.salesforceUrl,
      SALESFORCE_CLIENT_ID: 'boucle-sandbox',
      SALESFORCE_CLIENT_SECRET: 'sandbox',
      HUBSPOT_BASE_URL: h.emulators.hubspotUrl,
      HUBSPOT_ACCESS_TOKEN: 'pat-sandbox',
    };
  });
  afterAll(() => h.close());

  const run = async (args: string[]) => {
    let out = '';
    const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (out += t) };
    const code = await runCli(['erase', ...args], io, undefined, env);
    return { code, out };
  };

  it('erases a person in the store and follows the running server through both CRMs', async () => {
    await h.api('POST', '/v1/answers', answer({ id: 'cli-1', comment: 'Rappelez Claire' }));
    await waitFor(
      async () =>
        ((await h.sf()).Survey_Response__c ?? []).length === 1 &&
        ((await h.hs()).objects.boucle_survey_response ?? []).length === 1,
      20_000,
      'the answer in both CRMs',
    );
    const { code, out } = await run(['claire@acme.example', '--timeout', '30']);
    expect(code).toBe(0);
    expect(out).toMatch(/^erasure era_\S+ requested\n/);
    // Progress lines, until both CRMs are done.
    expect(out).toMatch(
      /hubspot: done \(\d+ records? erased\), salesforce: done \(\d+ records? erased\)\n/,
    );
    expect(out).toContain('erased in the store and in every CRM');
    expect((await h.sf()).Survey_Response__c ?? []).toEqual([]);
    const again = await run(['Claire@Acme.example', '--json']);
    expect(again.code).toBe(0);
    const view = JSON.parse(again.out) as { id: string; status: string; origin: string };
    expect(view).toMatchObject({ status: 'done', origin: 'cli' });
    expect(out).toContain(view.id); // the same erasure
  });

  it('reports an unknown address as nothing to erase', async () => {
    const { code, out } = await run(['nobody@acme.example', '--no-wait']);
    expect(code).toBe(0);
    expect(out).toContain('nothing to erase');
  });

  it('refuses a malformed e-mail with exit code 2, naming it', async () => {
    const { code, out } = await run(['not-an-address']);
    expect(code).toBe(2);
    expect(out).toContain('boucle erase: email: must be an e-mail address');
  });

  it('explains itself with --help', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('BOUCLE_ERASURE_KEEP_STATISTICS');
    expect(out).toContain('--no-wait');
  });
});
