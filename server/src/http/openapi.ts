import { errors } from './openapi/common.ts';
import { components } from './openapi/components.ts';
import { erasurePaths } from './openapi/erasurePaths.ts';
import { HUBSPOT_PATHS } from './openapi/hubspotPaths.ts';
import { v1Paths } from './openapi/v1Paths.ts';

let cached: Record<string, unknown> | undefined;

/** The OpenAPI 3.1 document of the HTTP API, generated from the same zod schemas that validate. */
export function openApiDocument(): Record<string, unknown> {
  cached ??= {
    openapi: '3.1.0',
    info: {
      title: 'Boucle API',
      version: '1',
      description:
        'Closed-loop customer feedback: answers, employee ratings, account summaries and callbacks.',
    },
    components: components(),
    security: [{ bearer: [] }],
    paths: {
      ...HUBSPOT_PATHS,
      ...v1Paths(),
      ...erasurePaths(),
      '/health': {
        get: {
          security: [],
          summary:
            'Liveness ({"status": "up"} or "down"); with the API key or BOUCLE_METRICS_TOKEN, readiness of the store and CRM connections',
          responses: {
            '200': { description: 'up; with a key, ok or degraded' },
            '503': { description: 'store unavailable' },
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (bearer: BOUCLE_METRICS_TOKEN or the API key)',
          responses: { '200': { description: 'text exposition format' }, ...errors(401) },
        },
      },
    },
  };
  return cached;
}
