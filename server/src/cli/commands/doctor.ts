import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../../config/config.ts';
import { ConfigError, loadConfig } from '../../config/config.ts';
import { HubSpotAdapter } from '../../crm/hubspot/adapter.ts';
import { describeOutbound } from '../../outbound/config.ts';
import { SalesforceAdapter } from '../../crm/salesforce/adapter.ts';
import { SANDBOX_FILE } from '../../server.ts';
import {
  DEFAULT_TOUCHPOINTS,
  MAX_ADVISED_JOURNEY_STEPS,
  orderJourney,
  oversizedJourneys,
  unknownTouchpoints,
  type Touchpoint,
} from '@boucle/shared';
import { rulesOutsideJourney } from '../../crm/salesforce/mappers.ts';
import { hubspotJourney, pageSettings } from '../../http/hubspotApp.ts';
import { settingsInForceLines } from './doctorSettings.ts';
import { describeStore, openStore, StoreUnavailableError } from '../../store/open.ts';
import type { Store } from '../../store/store.ts';
import { EXIT, commandConfig, type CliIo } from '../io.ts';

/** The sandbox `npm start` runs, as it recorded itself beside the store, if it still runs. */
export function runningSandbox(
  config: Config,
): { pid: number; url: string; salesforceUrl: string; hubspotUrl: string } | undefined {
  if (config.dbPath === ':memory:') return undefined;
  try {
    const found = JSON.parse(readFileSync(join(dirname(config.dbPath), SANDBOX_FILE), 'utf8')) as {
      pid: number;
      url: string;
      salesforceUrl: string;
      hubspotUrl: string;
    };
    process.kill(found.pid, 0); // throws when no such process
    return found;
  } catch {
    return undefined;
  }
}

/** Where the CRMs are: the configured ones, or the sandbox emulators of a running `npm start`. */
export function crmTargets(config: Config) {
  if (!config.sandbox) return { salesforce: config.salesforce, hubspot: config.hubspot };
  const running = runningSandbox(config);
  return {
    salesforce: {
      auth: 'client_credentials' as const,
      loginUrl: running?.salesforceUrl ?? `http://127.0.0.1:${config.port + 1}`,
      clientId: 'boucle-sandbox',
      clientSecret: 'sandbox',
      apiVersion: '62.0',
    },
    hubspot: {
      baseUrl: running?.hubspotUrl ?? `http://127.0.0.1:${config.port + 2}`,
      accessToken: 'pat-sandbox',
    },
  };
}

/**
 * `boucle doctor`: checks the configuration, the store, each CRM's reachability and credentials,
 * and that the objects, fields and properties Boucle writes exist; prints what to fix.
 */
export async function doctorCommand(
  env: Record<string, string | undefined>,
  io: CliIo,
): Promise<number> {
  let failures = 0;
  const ok = (text: string) => io.stdout(`  ✓ ${text}\n`);
  const fail = (text: string, fix: string) => {
    failures++;
    io.stdout(`  ✗ ${text}\n    → ${fix}\n`);
  };
  const warn = (text: string, advice: string) => io.stdout(`  ! ${text}\n    → ${advice}\n`);
  const journeyLines = (where: string, touchpoints: readonly Touchpoint[]) => {
    ok(
      `${where}: ${touchpoints.length} touchpoints (${orderJourney(touchpoints)
        .map((t) => `${t.journey} ${t.order}. ${t.key}`)
        .join(', ')})`,
    );
    for (const { journey, steps } of oversizedJourneys(touchpoints))
      warn(
        `journey "${journey}" has ${steps} touchpoints`,
        `the seeds advise a simple journey: one industrial customer keeps each to 11–${MAX_ADVISED_JOURNEY_STEPS} steps at most; listen at the moments that matter`,
      );
  };
  let touchpointCounts: { label: string; answers: number }[] = [];
  let settingsJourney: readonly Touchpoint[] = DEFAULT_TOUCHPOINTS;
  let salesforceJourney: readonly Touchpoint[] | undefined;
  let savedSettings: Awaited<ReturnType<typeof pageSettings>> | undefined;
  const inForce: (SalesforceAdapter | HubSpotAdapter)[] = [];
  io.stdout('Configuration\n');
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const line of error.message.split('\n'))
      fail(line, 'set it in the environment (README.md, Configuration)');
    return EXIT.failure;
  }
  const sandbox = config.sandbox ? runningSandbox(config) : undefined;
  const targets = crmTargets(config);
  // Sandbox not found: where it was looked for, and how to point doctor at one on another PORT.
  const startSandbox = `start the sandbox with \`npm start\`, or, if it runs with another PORT, run \`PORT=<that port> npx boucle doctor\` (no sandbox recorded in ${join(dirname(config.dbPath), SANDBOX_FILE)})`;
  ok(
    config.sandbox
      ? sandbox
        ? `sandbox mode (no CRM configured): found the sandbox of npm start (pid ${sandbox.pid}) at ${sandbox.url}; checking its emulators at ${sandbox.salesforceUrl} and ${sandbox.hubspotUrl}`
        : `sandbox mode (no CRM configured): no running sandbox recorded; checking the emulators of npm start at ${targets.salesforce?.loginUrl} and ${targets.hubspot?.baseUrl} (PORT + 1 and + 2)`
      : `CRMs: ${[config.salesforce && `Salesforce (${config.salesforce.auth === 'jwt' ? 'JWT bearer' : 'client credentials'} at ${config.salesforce.loginUrl})`, config.hubspot && `HubSpot (${config.hubspot.baseUrl})`].filter(Boolean).join(', ')}`,
  );
  const sources = Object.keys(config.webhooks).filter((k) => k !== 'ratePerMinute');
  ok(
    `survey-tool webhooks: ${sources.length > 0 ? sources.join(', ') : 'none configured (docs/integrations.md)'}`,
  );

  for (const line of describeOutbound(config.outbound))
    if (line.ok) ok(line.text);
    else warn(line.text, "set it to the receiver's URL, with BOUCLE_OUTBOUND_SECRET (README.md)");

  io.stdout('Store\n');
  if (!config.databaseUrl && !existsSync(config.dbPath))
    ok(`${config.dbPath} does not exist yet: it is created at the first start`);
  else {
    let store: Store | undefined;
    try {
      store = await openStore(config);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      fail(
        error.message,
        'check that PostgreSQL runs and that DATABASE_URL names a database this user may open',
      );
    }
    if (store) {
      const stats = await store.queueStats();
      const dead = Object.entries(stats)
        .filter(([k]) => k.endsWith('.dead'))
        .reduce((n, [, v]) => n + v, 0);
      const waiting = Object.entries(stats)
        .filter(([k]) => k.endsWith('.ready') || k.endsWith('.running'))
        .reduce((n, [, v]) => n + v, 0);
      touchpointCounts = await store.touchpointCounts();
      settingsJourney = await hubspotJourney(store);
      savedSettings = await pageSettings(store);
      await store.close();
      ok(`${describeStore(config)}: ${waiting} jobs waiting`);
      if (dead > 0)
        fail(
          `${dead} dead letters`,
          'read them with `npx boucle dead-letters list`, fix the cause, then `npx boucle dead-letters replay --all`',
        );
    }
  }

  if (targets.salesforce) {
    io.stdout('Salesforce\n');
    const salesforce = new SalesforceAdapter(targets.salesforce);
    const reach = await salesforce.check();
    if (!reach.ok)
      fail(
        reach.detail,
        config.sandbox
          ? startSandbox
          : 'check SALESFORCE_LOGIN_URL, the external client app and its credentials',
      );
    else {
      ok(reach.detail);
      inForce.push(salesforce);
      const missing = await salesforce
        .missingFields()
        .catch((error: Error) => [`(describe failed: ${error.message})`]);
      if (missing.length === 0) ok('every object and field Boucle writes exists');
      else
        fail(
          `missing: ${missing.join(', ')}`,
          'deploy the package: `sf project deploy start --source-dir salesforce/force-app --target-org <alias>`',
        );
      const rules = await salesforce.thresholdRules().catch(() => []);
      if (rules.length > 0)
        ok(`${rules.length} alert thresholds (${rules.map((r) => r.id).join(', ')})`);
      else
        fail(
          'no active Alert_Threshold__mdt record',
          'add one in Setup → Custom Metadata Types → Alert Threshold → Manage Records',
        );
      for (const problem of salesforce.ruleProblems)
        fail(problem, 'fix the record in Setup → Custom Metadata Types');
      salesforceJourney = await salesforce.touchpoints();
      if (salesforce.touchpointProblems.length === 0)
        journeyLines('journey (Touchpoint__mdt)', salesforceJourney);
      for (const problem of salesforce.touchpointProblems)
        fail(
          problem,
          'fix the record in Setup → Custom Metadata Types → Touchpoint → Manage Records; the last valid journey stays in force meanwhile',
        );
      for (const problem of rulesOutsideJourney(rules, salesforceJourney))
        fail(problem, 'name a Touchpoint__mdt key or label in Touchpoint__c, or leave it blank');
    }
  }
  if (targets.hubspot) {
    io.stdout('HubSpot\n');
    const page = savedSettings;
    const hubspot = new HubSpotAdapter(targets.hubspot, {
      ...(page && { settings: async () => page }),
    });
    try {
      const setup = await hubspot.missingSetup();
      ok('connected');
      inForce.push(hubspot);
      if (setup.missing.length === 0) ok('every boucle_* property exists');
      else
        fail(`missing properties: ${setup.missing.join(', ')}`, 'run `npx boucle setup hubspot`');
      ok(
        setup.customObject
          ? 'survey responses: the boucle_survey_response custom object'
          : 'survey responses: as notes (no custom object; Enterprise portals can have one: `npx boucle setup hubspot`)',
      );
      journeyLines('journey (settings page)', settingsJourney);
    } catch (error) {
      const { message } = error as Error;
      fail(
        /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH/.test(message)
          ? `HubSpot is unreachable at ${targets.hubspot.baseUrl}: ${message}`
          : message,
        config.sandbox
          ? startSandbox
          : "check HUBSPOT_ACCESS_TOKEN and the private app's scopes (README.md)",
      );
    }
  }
  if (inForce.length > 0) {
    io.stdout('Settings in force\n');
    await settingsInForceLines(inForce, { ok, fail });
  }
  io.stdout('Touchpoints answers used\n');
  const unknown = unknownTouchpoints(touchpointCounts, salesforceJourney ?? settingsJourney);
  if (unknown.length === 0) ok('every touchpoint answers carry is in the journey');
  for (const touchpoint of unknown)
    warn(
      `unknown touchpoint "${touchpoint.label}" (${touchpoint.answers} answer${touchpoint.answers > 1 ? 's' : ''}${
        touchpoint.variants.length > 1
          ? `; also spelled ${touchpoint.variants
              .slice(1)
              .map((v) => `"${v}"`)
              .join(', ')}`
          : ''
      }): kept as sent, shown apart on the cards`,
      'add it to the journey (a key or label), or fix the label the survey sends; GET /v1/touchpoints?unknown=true lists them',
    );
  io.stdout(
    failures === 0
      ? '\nEverything Boucle needs is in place.\n'
      : `\n${failures} problem${failures > 1 ? 's' : ''} to fix.\n`,
  );
  return failures === 0 ? EXIT.ok : EXIT.failure;
}

/** `boucle setup hubspot`: creates, idempotently, what Boucle needs in the portal. */
export async function setupHubSpotCommand(
  env: Record<string, string | undefined>,
  io: CliIo,
): Promise<number> {
  const config = commandConfig('setup hubspot', env, io);
  if (!config) return EXIT.badInput;
  const target = crmTargets(config).hubspot;
  if (!target) {
    io.stderr('boucle setup hubspot: HubSpot is not configured: set HUBSPOT_ACCESS_TOKEN\n');
    return EXIT.badInput;
  }
  try {
    const report = await new HubSpotAdapter(target).ensureSetup();
    io.stdout(
      `Created: ${report.created.length > 0 ? `\n  ${report.created.join('\n  ')}` : 'nothing (everything already existed)'}\n`,
    );
    io.stdout(`Already there: ${report.existing.length}\n`);
    for (const line of report.notAllowed) io.stdout(`Not allowed on this portal: ${line}\n`);
    io.stdout(
      `Survey responses will be written as ${report.surveyStorage === 'custom_object' ? 'the boucle_survey_response custom object' : 'notes'}.\n`,
    );
    return EXIT.ok;
  } catch (error) {
    io.stderr(`boucle setup hubspot: ${(error as Error).message}\n`);
    return EXIT.failure;
  }
}
