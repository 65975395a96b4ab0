import type { Server } from 'node:http';
import { DEFAULT_THRESHOLD_RULES } from '@boucle/shared';
import { serverSettingsSchema, type SurveyPressureSettings } from '@boucle/shared/schemas';
import pino from 'pino';
import { listening } from '../../src/emulators/common.ts';
import { createApp } from '../../src/http/app.ts';
import { SETTINGS } from '../../src/http/hubspotApp.ts';
import { Metrics } from '../../src/http/metrics.ts';
import type { OutboundConfig } from '../../src/outbound/index.ts';
import { openStore, type StoreLocation } from '../../src/store/open.ts';
import { surveyRouter } from '../../src/surveys/router.ts';
import { outboundAndSurveys } from '../../src/surveys/running.ts';

export const KEY = 'survey-test-key-0123456789';

/**
 * The HTTP API with the survey routes, over a fresh store, on a clock the test moves: what the
 * server mounts, wired as `startServer` wires it (`outboundAndSurveys`), without the CRMs.
 */
export async function startSurveyApp(
  options: { now: string; outbound?: OutboundConfig; location?: Partial<StoreLocation> } = {
    now: '2026-06-15T12:00:00Z',
  },
) {
  const store = await openStore({ dbPath: ':memory:', ...options.location });
  const clock = { now: Date.parse(options.now) };
  const logger = pino({ level: 'silent' });
  const config = { outbound: options.outbound ?? {} } as Parameters<typeof outboundAndSurveys>[1];
  const { outbound, deliveries, surveys } = outboundAndSurveys(store, config, logger);
  const app = createApp({
    store,
    apiKey: KEY,
    crms: [],
    logger,
    metrics: new Metrics(store),
    clock: () => clock.now,
    surveys: surveyRouter({ store, surveys, clock: () => clock.now }),
  });
  const server: Server = await listening(app, 0, '127.0.0.1');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    store,
    clock,
    outbound,
    deliveries,
    surveys,
    /** Saves survey-pressure caps as the settings page does (the rest at its defaults). */
    async saveCaps(pressure: Partial<SurveyPressureSettings>) {
      await store.setSetting(
        SETTINGS,
        serverSettingsSchema.parse({
          rules: DEFAULT_THRESHOLD_RULES,
          pressure: { enabled: true, ...pressure },
        }),
        clock.now,
      );
    },
    /** Moves the clock by days (fractions allowed). */
    advanceDays(days: number) {
      clock.now += days * 86_400_000;
    },
    async api(method: string, path: string, body?: unknown) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & {
          error?: { code: string; message: string; issues: { path: string; message: string }[] };
        },
      };
    },
    async close() {
      await deliveries.stop();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await store.close();
    },
  };
}

export type SurveyApp = Awaited<ReturnType<typeof startSurveyApp>>;
