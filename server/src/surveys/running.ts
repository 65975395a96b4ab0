import { surveyPressureSchema, type ServerSettings } from '@boucle/shared/schemas';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { SETTINGS } from '../http/hubspotApp.ts';
import { Outbound, OutboundDeliveries } from '../outbound/index.ts';
import type { Store } from '../store/store.ts';
import { Surveys } from './index.ts';

/**
 * The outbound webhooks (their delivery loop) and the survey services as the server runs them.
 * The caps are the survey-pressure settings saved (the settings page, Salesforce metadata): none
 * apply until they are saved with `enabled: true`.
 */
export function outboundAndSurveys(
  store: Store,
  config: Config,
  logger: Logger,
  engine: { backoffBaseMs?: number; maxAttempts?: number; idleMs?: number } = {},
) {
  const deliveries = new OutboundDeliveries({
    store,
    config: config.outbound ?? {},
    logger,
    ...(engine.backoffBaseMs && { backoffBaseMs: engine.backoffBaseMs }),
    ...(engine.maxAttempts && { maxAttempts: engine.maxAttempts }),
    ...(engine.idleMs && { idleMs: engine.idleMs }),
  });
  const outbound = new Outbound({
    store,
    config: config.outbound ?? {},
    logger,
    onQueued: () => deliveries.poke(),
  });
  const surveys = new Surveys({
    store,
    outbound,
    logger,
    savedCaps: async () => {
      const saved = (await store.getSetting<ServerSettings>(SETTINGS))?.pressure;
      const pressure = saved && surveyPressureSchema.parse(saved);
      return pressure?.enabled ? pressure : undefined;
    },
  });
  return { deliveries, outbound, surveys };
}
