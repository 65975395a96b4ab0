import { z } from 'zod';
import { erasureRequestSchema } from '../../erasure/requests.ts';
import { errors, json } from './common.ts';

const crmProgress = {
  type: 'object',
  properties: {
    state: {
      enum: ['pending', 'done', 'dead'],
      description:
        'dead: the CRM refused (its reason in detail); dead-letters replay runs it again',
    },
    detail: {
      type: 'string',
      description: 'what was erased, nothing to erase, or why the CRM refused',
    },
    updatedAt: { type: 'string', format: 'date-time' },
  },
  required: ['state', 'updatedAt'],
};

const erasure = {
  type: 'object',
  description: 'An erasure: no personal data in it, not even the hashed e-mail',
  properties: {
    id: { type: 'string' },
    status: {
      enum: ['nothing_to_erase', 'pending', 'incomplete', 'done'],
      description: 'incomplete: a CRM refused (see crms); done: erased in the store and every CRM',
    },
    origin: { enum: ['api', 'cli', 'hubspot_privacy_deletion'] },
    requestedAt: { type: 'string', format: 'date-time' },
    keepStatistics: {
      type: 'boolean',
      description:
        'BOUCLE_ERASURE_KEEP_STATISTICS when requested: scores kept anonymised (true) or answers and ratings deleted',
    },
    found: {
      type: 'object',
      description: 'what the store held of the person when the erasure was requested',
      properties: {
        answers: { type: 'integer' },
        ratings: { type: 'integer' },
        callbacks: { type: 'integer' },
      },
    },
    crms: {
      type: 'object',
      description: 'progress per CRM configured, by name (salesforce, hubspot)',
      additionalProperties: crmProgress,
    },
    log: {
      type: 'array',
      description: 'the audit log: what happened when, per CRM',
      items: {
        type: 'object',
        properties: {
          at: { type: 'string', format: 'date-time' },
          crm: { type: 'string' },
          outcome: { type: 'string' },
          detail: { type: 'string' },
        },
      },
    },
  },
  required: ['id', 'status', 'origin', 'requestedAt', 'keepStatistics', 'found', 'crms', 'log'],
};

/** `/v1/erasures`: a person's erasure in the store and both CRMs, and its progress. */
export function erasurePaths(): Record<string, unknown> {
  return {
    '/v1/erasures': {
      post: {
        summary: "Erase a person's data everywhere Boucle wrote it",
        description:
          "Erases at once, in the store, the person's answers and ratings (deleted, or kept with their scores anonymised when BOUCLE_ERASURE_KEEP_STATISTICS=1) and the e-mail and notes of their callbacks, then erases the records Boucle wrote in Salesforce and HubSpot through the durable queue. The same address asked again (pending or done) is the same erasure, with the same id. An address the store does not know is answered 202 too, with status nothing_to_erase. Later deliveries of the person's answers given before the erasure are refused (counted as erased by POST /v1/answers).",
        requestBody: json(z.toJSONSchema(erasureRequestSchema, { io: 'input' })),
        responses: {
          '202': {
            description: 'requested (or requested before): the erasure, with a Location header',
            ...json(erasure),
          },
          ...errors(400, 401, 415),
        },
      },
    },
    '/v1/erasures/{id}': {
      get: {
        summary: 'An erasure and its progress per CRM',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'the erasure', ...json(erasure) }, ...errors(401, 404) },
      },
    },
  };
}
