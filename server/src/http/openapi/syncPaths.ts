import { z } from 'zod';
import { syncHealthSchema } from '../../health/summary.ts';
import { syncLogPageSchema, syncLogQuerySchema } from '../syncLog.ts';
import { healthViewSchema } from '../../health/view.ts';
import { errors, json, queryParameters } from './common.ts';
import { hubspotSigned } from './hubspotPaths.ts';

const schema = (type: z.ZodType) => z.toJSONSchema(type, { io: 'output', unrepresentable: 'any' });

/** `/v1/sync-log` and `/v1/sync-health`: is Boucle syncing, and what failed? */
export function syncPaths(): Record<string, unknown> {
  return {
    '/v1/sync-log': {
      get: {
        summary:
          'What the sync wrote where, when, under which CRM id; what failed, why, and what was retried',
        description:
          'One line per record and outcome: synced (with the CRM id), retried (the error, the attempt, when it runs again; "not sent" when the CRM call failed as a whole and no attempt was spent), dead (refused for good: a dead letter, see `npx boucle dead-letters`), replayed (moved back to the queue from the dead letters). Newest first by default (order=oldest for the other way); a full page carries `next`, passed as `after` for the following page. Lines are kept BOUCLE_SYNC_LOG_RETENTION_DAYS days (default 30). Unknown crm or status, a malformed since: 400 naming the parameter.',
        parameters: queryParameters(syncLogQuerySchema, {
          since: 'lines at or after this instant: ISO 8601, or a time back from now (90m, 24h, 7d)',
          crm: 'salesforce or hubspot',
          status: 'synced, retried, dead or replayed',
          ref: "the record's Boucle key: source:id of an answer or rating, a callback id, an account key",
          order: 'newest first (default) or oldest first',
          limit: 'lines per page, 1 to 1000 (default 100)',
          after: 'the `next` of the previous page',
        }),
        responses: {
          '200': { description: 'a page of the sync log', ...json(schema(syncLogPageSchema)) },
          ...errors(400, 401),
        },
      },
    },
    '/hubspot/settings/health': {
      get: hubspotSigned(
        'The sync health and the latest dead letters, for the settings page (the summary of GET /v1/sync-health)',
        {
          responses: {
            '200': { description: 'health and dead letters', ...json(schema(healthViewSchema)) },
            ...errors(401, 403, 404),
          },
        },
      ),
    },
    '/v1/sync-health': {
      get: {
        summary:
          'The sync health per CRM and kind of record: last successful sync, backlog, dead letters, outage, API budget',
        description:
          "Read from the store alone (no CRM call). status: failing while the CRM's calls fail as a whole (outage.since says since when), degraded while dead letters wait, else ok. apiBudget is the daily allocation the CRM last reported (Salesforce: Sforce-Limit-Info, a rolling 24 h; HubSpot: X-HubSpot-RateLimit-Daily, private apps only), null until one answer carried it. The same summary is on the HubSpot settings page and feeds the sync alerts.",
        responses: {
          '200': { description: 'the sync health', ...json(schema(syncHealthSchema)) },
          ...errors(401),
        },
      },
    },
  };
}
