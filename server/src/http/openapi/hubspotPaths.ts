import { serverSettingsSchema } from '@boucle/shared/schemas';
import { z } from 'zod';
import { errors, json } from './common.ts';

/**
 * `/hubspot/*`, called by the HubSpot cards and settings page through `hubspot.fetch`: no bearer
 * token, but HubSpot's v3 signature and the query parameters HubSpot's proxy appends.
 */
const hubspotSigned = (
  summary: string,
  extra: Record<string, unknown> = {},
  path: object[] = [],
) => ({
  security: [],
  summary,
  description:
    "Signed by HubSpot's hubspot.fetch proxy: X-HubSpot-Signature-v3 is the base64 HMAC-SHA256, keyed with the app's client secret (HUBSPOT_CLIENT_SECRET), of method + URI (with %3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B decoded) + raw body + timestamp. A signature is accepted once within its 5-minute window.",
  parameters: [
    ...path,
    {
      name: 'X-HubSpot-Signature-v3',
      in: 'header',
      required: true,
      schema: { type: 'string' },
    },
    {
      name: 'X-HubSpot-Request-Timestamp',
      in: 'header',
      required: true,
      schema: { type: 'string', pattern: '^\\d+$' },
      description: 'milliseconds since the epoch, within 5 minutes of the server clock',
    },
    {
      name: 'portalId',
      in: 'query',
      required: true,
      schema: { type: 'string', pattern: '^\\d+$' },
      description: 'appended by HubSpot: must be the portal Boucle is connected to',
    },
    { name: 'userId', in: 'query', schema: { type: 'string' }, description: 'appended by HubSpot' },
    {
      name: 'userEmail',
      in: 'query',
      schema: { type: 'string' },
      description: 'appended by HubSpot',
    },
    { name: 'appId', in: 'query', schema: { type: 'string' }, description: 'appended by HubSpot' },
  ],
  ...extra,
});
const idIn = (description: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description,
});
const settingsBody = z.toJSONSchema(serverSettingsSchema, { io: 'input', unrepresentable: 'any' });
export const HUBSPOT_PATHS = {
  '/hubspot/companies/{id}/summary': {
    get: hubspotSigned(
      'The company card: the account summary of a company of the connected portal',
      {
        responses: {
          '200': { description: 'summary, or {"empty": true}' },
          ...errors(401, 403, 404, 503),
        },
      },
      [idIn('HubSpot company id')],
    ),
  },
  '/hubspot/contacts/{id}': {
    get: hubspotSigned(
      "The contact card: the contact's answers, the ratings of their interactions, their open callbacks",
      { responses: { '200': { description: 'contact card' }, ...errors(401, 403, 404, 503) } },
      [idIn('HubSpot contact id')],
    ),
  },
  '/hubspot/callbacks/{id}': {
    post: hubspotSigned(
      'Log the outcome of a HubSpot callback from the contact card; a retry of the same outcome changes nothing',
      {
        requestBody: json({ $ref: '#/components/schemas/CallbackOutcome' }),
        responses: {
          '200': { description: 'updated callback' },
          ...errors(400, 401, 403, 404, 409, 503),
        },
      },
      [idIn('Boucle callback id (URL-encoded: it contains colons)')],
    ),
  },
  '/hubspot/ratings': {
    post: hubspotSigned('An employee rates an interaction from the rating card', {
      requestBody: json({ $ref: '#/components/schemas/Rating' }),
      responses: { '202': { description: 'stored and queued' }, ...errors(400, 401, 403, 503) },
    }),
  },
  '/hubspot/settings': {
    get: hubspotSigned(
      'The settings in force (thresholds, business hours and holidays, survey pressure, journey, dissonance bands, escalation owners)',
      {
        responses: {
          '200': { description: 'settings', ...json(settingsBody) },
          ...errors(401, 403, 503),
        },
      },
    ),
    put: hubspotSigned('Save the settings from the settings page, effective on the next answer', {
      requestBody: json(settingsBody),
      responses: { '200': { description: 'saved settings' }, ...errors(400, 401, 403, 503) },
    }),
  },
  '/hubspot/owners': {
    get: hubspotSigned(
      "The portal's owners and teams, among which the settings page names an escalation owner per team and a default one",
      {
        responses: {
          '200': {
            description: '{"owners": [{"id", "name", "email"}], "teams": [{"id", "name"}]}',
          },
          ...errors(401, 403, 503),
        },
      },
    ),
  },
};
