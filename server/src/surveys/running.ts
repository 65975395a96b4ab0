import { surveyPressureSchema, type ServerSettings } from '@boucle/shared/schemas';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { SETTINGS } from '../http/hubspotApp.ts';
import { Outbound, OutboundDeliveries } from '../outbound/index.ts';
import type { CrmAdapter } from '../crm/adapter.ts';
import { surveyPressureInForce } from '../settings/describe.ts';
import type { Store } from '../store/store.ts';
import { Surveys } from './index.ts';

/**
 * The outbound webhooks (their delivery loop) and the survey services as the server runs them.
 * The caps are the survey-pressure settings in force (`surveyPressureInForce`: Salesforce's
 * `Survey_Pressure__mdt` and `Quiet_Period__mdt` when Salesforce is connected, else the HubSpot
 * settings page; with no CRM, those saved in the store): none apply until enabled.
 */
export function outboundAndSurveys(
  store: Store,
  config: Config,
  logger: Logger,
  engine: { backoffBaseMs?: number; maxAttempts?: number; idleMs?: number } = {},
  adapters: readonly Pick<CrmAdapter, 'crm' | 'surveyPressure'>[] = [],
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
      const pressure =
        adapters.length > 0 ? await surveyPressureInForce(adapters) : await saved(store);
      return pressure?.enabled ? pressure : undefined;
    },
  });
  return { deliveries, outbound, surveys };
}

/** The survey-pressure caps saved in the store (the HubSpot settings page's), if any. */
async function saved(store: Store) {
  const pressure = (await store.getSetting<ServerSettings>(SETTINGS))?.pressure;
  return pressure && surveyPressureSchema.parse(pressure);
}
