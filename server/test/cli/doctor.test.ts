import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config/config.ts';
import { startServer } from '../../src/server.ts';
import { startEmulators, type RunningEmulators } from '../../src/emulators/start.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { freshDatabase } from '../store/postgres.ts';

async function run(argv: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    argv,
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
    undefined,
    env,
  );
  return { code, stdout, stderr };
}

describe('boucle doctor and setup hubspot', () => {
  let emulators: RunningEmulators;
  let env: Record<string, string>;
  beforeAll(async () => {
    emulators = await startEmulators();
    env = {
      BOUCLE_API_KEY: 'doctor-key-0123456789',
      BOUCLE_DB: join(mkdtempSync(join(tmpdir(), 'boucle-doctor-')), 'boucle.db'),
      SALESFORCE_LOGIN_URL: emulators.salesforceUrl,
      SALESFORCE_CLIENT_ID: 'boucle-sandbox',
      SALESFORCE_CLIENT_SECRET: 'sandbox',
      HUBSPOT_BASE_URL: emulators.hubspotUrl,
      HUBSPOT_ACCESS_TOKEN: 'pat-sandbox',
    };
  });
  afterAll(() => emulators.close());

  it('finds a fresh portal missing its properties, and says to run setup', async () => {
    const { code, stdout } = await run(['doctor'], env);
    expect(code).toBe(1);
    expect(stdout).toContain('✓ every object and field Boucle writes exists');
    expect(stdout).toContain(
      '✓ 3 alert thresholds (Detractor_Callback, Dissonance_Review, Promoter_Thanks)',
    );
    expect(stdout).toMatch(
      /✗ missing properties: companies\.boucle_nps.*\n {4}→ run `npx boucle setup hubspot`/,
    );
  });

  it('sets the portal up once, then finds everything in place', async () => {
    const first = await run(['setup', 'hubspot'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('companies.boucle_nps');
    expect(first.stdout).toContain('custom object boucle_survey_response');
    const second = await run(['setup', 'hubspot'], env);
    expect(second.stdout).toContain('Created: nothing (everything already existed)');
    const doctor = await run(['doctor'], env);
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toContain('Everything Boucle needs is in place.');
  });

  it('names the Touchpoint__mdt record and field it refuses, and a threshold outside the journey', async () => {
    const org = emulators.salesforce.org;
    const touchpoint = (name: string, order: number, extra: Record<string, unknown> = {}) => ({
      DeveloperName: name,
      Key__c: name.toLowerCase(),
      Label_En__c: name,
      Label_Fr__c: `${name} (fr)`,
      Order__c: order,
      Target_NPS__c: 20,
      ...extra,
    });
    org.replaceCustomMetadata('Touchpoint__mdt', [
      touchpoint('Pre', 1),
      touchpoint('Post', 3),
      touchpoint('Renewal', 2, { Target_NPS__c: 120 }),
    ]);
    try {
      const { code, stdout } = await run(['doctor'], env);
      expect(code).toBe(1);
      expect(stdout).toContain(
        '✗ Touchpoint__mdt Renewal: Target_NPS__c must be an NPS from -100 to 100',
      );
      expect(stdout).toContain('the last valid journey stays in force meanwhile');
      org.replaceCustomMetadata('Touchpoint__mdt', [touchpoint('Pre', 1), touchpoint('Post', 3)]);
      const gap = await run(['doctor'], env);
      expect(gap.stdout).toMatch(
        /✗ Touchpoint__mdt Post: Order__c must be a whole number from 1 to 2/,
      );
    } finally {
      emulators.salesforce.org.reset();
    }
  });

  it('gives the seeds’ advice for a journey of more than 15 touchpoints', async () => {
    emulators.salesforce.org.replaceCustomMetadata(
      'Touchpoint__mdt',
      Array.from({ length: 16 }, (_, i) => ({
        DeveloperName: `Step_${i + 1}`,
        Key__c: `step-${i + 1}`,
        Label_En__c: `Step ${i + 1}`,
        Label_Fr__c: `Étape ${i + 1}`,
        Order__c: i + 1,
        Target_NPS__c: 0,
      })),
    );
    try {
      const { stdout } = await run(['doctor'], env);
      expect(stdout).toContain(
        '✓ journey (Touchpoint__mdt): 16 touchpoints (b2b 1. step-1, b2b 2. step-2',
      );
      expect(stdout).toMatch(
        /! journey "b2b" has 16 touchpoints\n {4}→ the seeds advise a simple journey: one industrial customer keeps each to 11–15 steps at most/,
      );
    } finally {
      emulators.salesforce.org.reset();
    }
  });

  it('lists the touchpoints answers used that match none of the journey', async () => {
    const store = new SqliteStore(env.BOUCLE_DB!);
    await store.ingestAnswers(
      ['Après-vente', 'apres vente', 'Onboarding', 'onboarding', 'Renewal'].map(
        (touchpoint, i) => ({
          id: `doctor-${i}`,
          source: 'api',
          metric: 'nps',
          score: 8,
          answeredAt: '2026-11-20T09:00:00Z',
          touchpoint,
        }),
      ),
      [],
      Date.now(),
    );
    await store.close();
    const { stdout } = await run(['doctor'], env);
    expect(stdout).toContain(
      '! unknown touchpoint "Onboarding" (2 answers; also spelled "onboarding"): kept as sent, shown apart on the cards',
    );
    expect(stdout).toContain('! unknown touchpoint "Renewal" (1 answer)');
    expect(stdout).not.toMatch(/unknown touchpoint "Apr/);
  });

  it('says what a portal below Enterprise cannot have', async () => {
    const starter = await startEmulators({ hubspot: { customObjects: false } });
    try {
      const { code, stdout } = await run(['setup', 'hubspot'], {
        ...env,
        HUBSPOT_BASE_URL: starter.hubspotUrl,
      });
      expect(code).toBe(0);
      expect(stdout).toContain(
        'Not allowed on this portal: custom object boucle_survey_response (custom objects need an Enterprise portal)',
      );
      expect(stdout).toContain('Survey responses will be written as notes.');
    } finally {
      await starter.close();
    }
  });

  it('names an unreachable CRM and a bad configuration, with the fix', async () => {
    const unreachable = await run(['doctor'], {
      ...env,
      SALESFORCE_LOGIN_URL: 'http://127.0.0.1:9',
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stdout).toContain('✗ Salesforce is unreachable at http://127.0.0.1:9:');
    expect(unreachable.stdout).not.toContain('refused the');
    expect(unreachable.stdout).toContain(
      '→ check SALESFORCE_LOGIN_URL, the external client app and its credentials',
    );
    const bad = await run(['doctor'], { ...env, SALESFORCE_CLIENT_SECRET: '' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(
      '✗ SALESFORCE_CLIENT_SECRET: is required for the client-credentials flow',
    );
  });

  it('finds the running sandbox whatever its PORT, and says how to point at one it cannot find', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boucle-doctor-sandbox-'));
    const sandboxEnv = { BOUCLE_DB: join(dir, 'boucle.db'), BOUCLE_LOG_LEVEL: 'silent' };
    const sandbox = await startServer(loadConfig({ ...sandboxEnv, PORT: '0' }), {
      logger: pino({ level: 'silent' }),
      demo: false,
      preview: false,
    });
    let found;
    try {
      // Run without PORT: doctor would look at 3001 and 3002, where this sandbox is not.
      found = await run(['doctor'], sandboxEnv);
    } finally {
      await sandbox.close();
    }
    expect(found.stdout).toContain(
      `found the sandbox of npm start (pid ${process.pid}) at ${sandbox.url}`,
    );
    expect(found.stdout).toMatch(/Salesforce\n {2}✓ connected/);
    const gone = await run(['doctor'], { ...sandboxEnv, PORT: '0' });
    expect(gone.code).toBe(1);
    expect(gone.stdout).toContain('no running sandbox recorded');
    expect(gone.stdout).toContain('✗ Salesforce is unreachable at http://127.0.0.1:1');
    expect(gone.stdout).toContain('✗ HubSpot is unreachable at http://127.0.0.1:2');
    expect(gone.stdout).toContain('run `PORT=<that port> npx boucle doctor`');
  });

  it('checks a PostgreSQL store, and names one it cannot open without its password', async () => {
    const url = await freshDatabase();
    const ok = await run(['doctor'], { ...env, DATABASE_URL: url });
    expect(ok.stdout).toMatch(
      /✓ PostgreSQL postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/boucle_\w+: 0 jobs waiting/,
    );
    const down = await run(['doctor'], {
      ...env,
      DATABASE_URL: 'postgres://boucle:s3cret@127.0.0.1:1/boucle',
    });
    expect(down.code).toBe(1);
    expect(down.stdout).toContain(
      '✗ cannot open the PostgreSQL database at DATABASE_URL (postgres://boucle:***@127.0.0.1:1/boucle)',
    );
    expect(down.stdout).toContain('→ check that PostgreSQL runs');
    expect(down.stdout + down.stderr).not.toContain('s3cret');
  });
});
