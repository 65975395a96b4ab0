import {
  answerSchema,
  callbackOutcomeSchema,
  callbackSchema,
  insightsQuerySchema,
  ratingSchema,
  serverSettingsSchema,
  touchpointSchema,
} from '@boucle/shared/schemas';
import { z } from 'zod';

const errorBody = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        issues: {
          type: 'array',
          items: {
            type: 'object',
            properties: { path: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
};
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      { description: 'error', ...json({ $ref: '#/components/schemas/Error' }) },
    ]),
  );

/** Query parameters from the zod schema that validates them. */
function queryParameters(schema: z.ZodType, descriptions: Record<string, string>) {
  const document = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, unknown>;
    required?: string[];
  };
  return Object.entries(document.properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: document.required?.includes(name) ?? false,
    schema: property,
    description: descriptions[name],
  }));
}

const shownNps = {
  type: 'object',
  description:
    'NPS and margin in points, rounded to one decimal; margin is null unless sample is "enough"',
  properties: {
    n: { type: 'integer' },
    promoters: { type: 'integer' },
    passives: { type: 'integer' },
    detractors: { type: 'integer' },
    nps: { type: ['number', 'null'] },
    margin: { type: ['number', 'null'], description: '95% half-width' },
    sample: { enum: ['enough', 'no_answers', 'too_few_answers', 'one_sided'] },
  },
};
const loopClosure = {
  type: 'object',
  description: 'callbacks raised in the window (first contact: the first attempt or reach)',
  properties: {
    ...Object.fromEntries(
      [
        'total',
        'closed',
        'contactedWithinSla',
        'contactedLate',
        'overdue',
        'escalated',
        'detractorsResurveyed',
        'detractorsRecovered',
      ].map((name) => [name, { type: 'integer' }]),
    ),
    ...Object.fromEntries(
      [
        'withinSlaPercent',
        'medianHoursToFirstContact',
        'p90HoursToFirstContact',
        'recoveryPercent',
      ].map((name) => [name, { type: ['number', 'null'] }]),
    ),
  },
};
const insightGroup = {
  type: 'object',
  allOf: [{ $ref: '#/components/schemas/ShownNps' }],
  properties: {
    key: { type: 'string' },
    rank: { type: ['integer', 'null'], description: 'null for hints' },
    rest: { $ref: '#/components/schemas/ShownNps' },
    comparison: {
      type: 'object',
      properties: {
        delta: { type: ['number', 'null'] },
        combinedMargin: { type: ['number', 'null'] },
        significant: { type: 'boolean' },
        direction: { enum: ['above', 'below', 'level'] },
      },
    },
    loopClosure: { $ref: '#/components/schemas/LoopClosure' },
  },
};

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
const HUBSPOT_PATHS = {
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
    get: hubspotSigned('The settings in force (thresholds, business hours, survey pressure)', {
      responses: {
        '200': { description: 'settings', ...json(settingsBody) },
        ...errors(401, 403, 503),
      },
    }),
    put: hubspotSigned('Save the settings from the settings page, effective on the next answer', {
      requestBody: json(settingsBody),
      responses: { '200': { description: 'saved settings' }, ...errors(400, 401, 403, 503) },
    }),
  },
};

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
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Answer: z.toJSONSchema(answerSchema, { io: 'input', unrepresentable: 'any' }),
        Rating: z.toJSONSchema(ratingSchema, { io: 'input', unrepresentable: 'any' }),
        Callback: z.toJSONSchema(callbackSchema, { unrepresentable: 'any' }),
        CallbackOutcome: z.toJSONSchema(callbackOutcomeSchema, {
          io: 'input',
          unrepresentable: 'any',
        }),
        Touchpoint: z.toJSONSchema(touchpointSchema, { unrepresentable: 'any' }),
        Error: errorBody,
        ShownNps: shownNps,
        LoopClosure: loopClosure,
        InsightGroup: insightGroup,
      },
    },
    security: [{ bearer: [] }],
    paths: {
      ...HUBSPOT_PATHS,
      '/v1/answers': {
        post: {
          summary:
            'Send one answer, or {"answers": [...]} with up to 1,000; the same id again is a duplicate',
          description:
            'Each answer needs a respondent (email or contact id) or an account. The body must be JSON (Content-Type: application/json; anything else is 415). An answer is unique by (source, id) and the first one stored wins: the same id sent again, whatever its content, changes nothing and is listed in duplicateAnswers, with sameContent false when its content differed from what is stored (send corrections under a new id).',
          requestBody: json({
            oneOf: [
              { $ref: '#/components/schemas/Answer' },
              {
                type: 'object',
                properties: {
                  answers: {
                    type: 'array',
                    maxItems: 1000,
                    items: { $ref: '#/components/schemas/Answer' },
                  },
                },
                required: ['answers'],
              },
            ],
          }),
          responses: {
            '202': {
              description: 'stored and queued',
              ...json({
                type: 'object',
                properties: {
                  accepted: { type: 'integer' },
                  duplicates: { type: 'integer' },
                  duplicateAnswers: {
                    type: 'array',
                    description:
                      'Only when duplicates > 0: each answer not stored because its id was known (first wins)',
                    items: {
                      type: 'object',
                      properties: {
                        id: { type: 'string' },
                        source: { type: 'string' },
                        sameContent: {
                          type: 'boolean',
                          description: 'false when this content differs from the answer kept',
                        },
                      },
                    },
                  },
                },
                required: ['accepted', 'duplicates'],
              }),
            },
            ...errors(400, 401, 413, 415),
          },
        },
        get: {
          summary: 'Answers whose respondent is not in the CRM yet (?status=unmatched)',
          parameters: [
            { name: 'status', in: 'query', required: true, schema: { enum: ['unmatched'] } },
          ],
          responses: { '200': { description: 'parked answers' }, ...errors(400, 401) },
        },
      },
      '/v1/ratings': {
        post: {
          summary: 'An employee rates the answer they gave (1–5)',
          requestBody: json({ $ref: '#/components/schemas/Rating' }),
          responses: {
            '202': { description: 'stored and queued' },
            ...errors(400, 401, 413, 415),
          },
        },
      },
      '/v1/accounts/{key}/summary': {
        get: {
          summary:
            'The account card: NPS with margin, trend, touchpoints, the journey in order with each touchpoint against its targets (met, missed, not_enough), verbatims, open callbacks, the norm',
          parameters: [
            {
              name: 'key',
              in: 'path',
              required: true,
              schema: { type: 'string' },
              description: 'Salesforce Account id, HubSpot company id or domain',
            },
            {
              name: 'window',
              in: 'query',
              schema: { type: 'string', pattern: '^\\d+d$', default: '90d' },
            },
          ],
          responses: { '200': { description: 'summary' }, ...errors(400, 401, 404) },
        },
      },
      '/v1/touchpoints': {
        get: {
          summary:
            'The configured journey (keys, English and French labels, order, targets) in journey order; with ?unknown=true, the touchpoints answers used that match none, with their answer counts',
          parameters: [
            { name: 'unknown', in: 'query', schema: { enum: ['true', 'false'] } },
            {
              name: 'crm',
              in: 'query',
              schema: { enum: ['salesforce', 'hubspot'] },
              description:
                'whose journey: Salesforce (Touchpoint__mdt) or HubSpot (settings page); default the first CRM configured',
            },
          ],
          responses: {
            '200': {
              description: 'the journey, or the unknown touchpoints',
              ...json({
                oneOf: [
                  {
                    type: 'object',
                    properties: {
                      crm: { type: ['string', 'null'] },
                      touchpoints: {
                        type: 'array',
                        items: { $ref: '#/components/schemas/Touchpoint' },
                      },
                      advice: { type: 'array', items: { type: 'string' } },
                    },
                  },
                  {
                    type: 'object',
                    properties: {
                      crm: { type: ['string', 'null'] },
                      unknown: {
                        type: 'array',
                        items: {
                          type: 'object',
                          properties: {
                            label: { type: 'string' },
                            variants: { type: 'array', items: { type: 'string' } },
                            answers: { type: 'integer' },
                          },
                        },
                      },
                    },
                  },
                ],
              }),
            },
            ...errors(400, 401),
          },
        },
      },
      '/v1/themes': {
        get: {
          summary:
            'Irritants and weak signals: themes by their share among unhappy answers (with a 95% margin), themes growing significantly against the previous window, recurring phrases no theme covers',
          description:
            'Unhappy answers are NPS detractors, dissatisfied CSAT and high-effort CES answers. Themes are read from each stored comment with the taxonomy in force (the default plus BOUCLE_TAXONOMY_FILE). team is not stored yet: `by=team` answers 200 with no groups and a reason.',
          parameters: [
            {
              name: 'by',
              in: 'query',
              schema: { enum: ['account', 'team', 'touchpoint', 'org'], default: 'org' },
            },
            {
              name: 'window',
              in: 'query',
              schema: { type: 'string', pattern: '^\\d+d$', default: '90d' },
              description: 'The window, in days; growth compares it with the window before it',
            },
            {
              name: 'minSample',
              in: 'query',
              schema: { type: 'integer', minimum: 1, default: 30 },
              description: 'Below this many unhappy answers a group is flagged lowSample',
            },
          ],
          responses: {
            '200': json({
              type: 'object',
              properties: {
                by: { type: 'string' },
                reason: { type: 'string', description: 'why a grouping has no groups (team)' },
                window: {
                  type: 'object',
                  properties: {
                    from: { type: 'string', format: 'date-time' },
                    to: { type: 'string', format: 'date-time' },
                    days: { type: 'integer' },
                  },
                },
                groups: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      key: { type: 'string' },
                      n: { type: 'integer' },
                      unhappy: { type: 'integer' },
                      previousN: { type: 'integer' },
                      lowSample: { type: 'boolean' },
                      themes: {
                        type: 'array',
                        items: {
                          type: 'object',
                          properties: {
                            theme: { type: 'string' },
                            label: {
                              type: 'object',
                              properties: { en: { type: 'string' }, fr: { type: 'string' } },
                            },
                            count: { type: 'integer' },
                            unhappyCount: { type: 'integer' },
                            unhappyShare: { type: 'number', description: 'percent' },
                            margin: { type: 'number', description: '95% half-width, points' },
                            share: { type: 'number', description: 'percent of all answers' },
                            previousShare: { type: 'number' },
                            growing: { type: 'boolean' },
                          },
                        },
                      },
                      candidates: {
                        type: 'array',
                        items: {
                          type: 'object',
                          properties: { phrase: { type: 'string' }, count: { type: 'integer' } },
                        },
                      },
                    },
                  },
                },
              },
            }),
            ...errors(400, 401),
          },
        },
      },
      '/v1/callbacks': {
        get: {
          summary: 'Callbacks not closed yet (default), the overdue ones, or those in one state',
          parameters: [
            {
              name: 'status',
              in: 'query',
              description:
                'open (default): every callback whose loop is not closed (states open, attempted, reached, escalated); overdue: past due and not reached (open, attempted, escalated); or one state of the state machine: attempted, reached, escalated, resolved, closed_no_contact',
              schema: {
                enum: [
                  'open',
                  'overdue',
                  'attempted',
                  'reached',
                  'escalated',
                  'resolved',
                  'closed_no_contact',
                ],
                default: 'open',
              },
            },
          ],
          responses: {
            '200': {
              description: 'callbacks',
              ...json({
                type: 'object',
                properties: {
                  callbacks: { type: 'array', items: { $ref: '#/components/schemas/Callback' } },
                },
              }),
            },
            ...errors(400, 401),
          },
        },
      },
      '/v1/callbacks/{id}': {
        patch: {
          summary:
            'Log an outcome; moves the forbidden by the state machine answer 409 with the reason',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: json({ $ref: '#/components/schemas/CallbackOutcome' }),
          responses: {
            '200': { description: 'updated callback' },
            ...errors(400, 401, 404, 409, 415),
          },
        },
      },
      '/v1/insights': {
        get: {
          summary:
            'Me versus the norm: NPS per owner, team, region or touchpoint over a window, with its margin, compared with the rest of the org, and the loop-closure figures of each group',
          description:
            'Each group is compared with the answers outside it (the two samples are then independent, as the combined margin assumes); significant means the gap exceeds sqrt(m1² + m2²). Groups with fewer than minSample answers, or all in one category, come as unranked hints without a margin. The owner is the employee an answer names (employeeEmail); a callback counts in the group of the answer that raised it. team and region are not stored yet: they answer 200 with no groups and a reason. With by=touchpoint, `journey` also lists the configured touchpoints in journey order, each against its targets (met, missed, not_enough), then the unknown ones.',
          parameters: queryParameters(insightsQuerySchema, {
            by: 'the breakdown',
            window: 'days back from now, 1d to 730d',
            crm: 'whose callbacks are measured; default: the first CRM configured',
            minSample: 'answers a group needs to be ranked',
          }),
          responses: {
            '200': {
              description: 'insights',
              ...json({
                type: 'object',
                properties: {
                  by: { enum: ['owner', 'team', 'region', 'touchpoint'] },
                  window: {
                    type: 'object',
                    properties: {
                      from: { type: 'string', format: 'date-time' },
                      to: { type: 'string', format: 'date-time' },
                      days: { type: 'integer' },
                    },
                  },
                  minSample: { type: 'integer' },
                  comparedWith: { const: 'rest_of_org' },
                  crm: { type: ['string', 'null'] },
                  org: {
                    allOf: [{ $ref: '#/components/schemas/ShownNps' }],
                    properties: { loopClosure: { $ref: '#/components/schemas/LoopClosure' } },
                  },
                  groups: {
                    type: 'array',
                    description: 'ranked by NPS, highest first',
                    items: { $ref: '#/components/schemas/InsightGroup' },
                  },
                  hints: {
                    type: 'array',
                    description: 'too few answers or one-sided: by key, never ranked',
                    items: { $ref: '#/components/schemas/InsightGroup' },
                  },
                  reason: {
                    type: 'string',
                    description: 'why a breakdown has no groups (team, region: not stored yet)',
                  },
                },
              }),
            },
            ...errors(400, 401),
          },
        },
      },
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
