import {
  answerSchema,
  callbackOutcomeSchema,
  callbackSchema,
  ratingSchema,
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
        Error: errorBody,
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/answers': {
        post: {
          summary:
            'Send one answer, or {"answers": [...]} with up to 1,000; the same id again is a duplicate',
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
                properties: { accepted: { type: 'integer' }, duplicates: { type: 'integer' } },
              }),
            },
            ...errors(400, 401, 413),
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
          responses: { '202': { description: 'stored and queued' }, ...errors(400, 401, 413) },
        },
      },
      '/v1/accounts/{key}/summary': {
        get: {
          summary:
            'The account card: NPS with margin, trend, touchpoints, verbatims, open callbacks, the norm',
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
      '/v1/callbacks': {
        get: {
          summary: 'Callbacks not closed yet, or only the overdue ones',
          parameters: [{ name: 'status', in: 'query', schema: { enum: ['open', 'overdue'] } }],
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
          responses: { '200': { description: 'updated callback' }, ...errors(400, 401, 404, 409) },
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
