import { z } from 'zod';
import {
  surveyPermissionQuerySchema,
  surveyRequestBodySchema,
  surveyRequestsQuerySchema,
} from '../../surveys/router.ts';
import { SURVEY_REQUEST_ORIGINS, SURVEY_REQUEST_STATUSES } from '../../surveys/records.ts';
import { errors, json, queryParameters } from './common.ts';

const reason = {
  type: 'object',
  properties: {
    code: {
      enum: [
        'contact_recently_surveyed',
        'contact_cap_reached',
        'account_recently_surveyed',
        'account_cap_reached',
        'quiet_period',
      ],
    },
    message: { type: 'string' },
  },
  required: ['code', 'message'],
};

const permission = {
  allowed: { type: 'boolean' },
  reason: {
    type: ['string', 'null'],
    description: 'why not, in words (every reason, joined by "; "); null when allowed',
  },
  reasons: { type: 'array', items: reason },
  nextAllowedAt: {
    type: ['string', 'null'],
    format: 'date-time',
    description: 'the first instant at which every cap allows a survey; null when allowed now',
  },
};

const surveyRequest = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'sr_…' },
    email: { type: 'string' },
    accountKey: { type: 'string' },
    touchpoint: { type: 'string' },
    reason: { type: 'string', description: 'why it was asked for' },
    origin: { enum: [...SURVEY_REQUEST_ORIGINS] },
    status: {
      enum: [...SURVEY_REQUEST_STATUSES],
      description:
        'scheduled: a follow-up not due yet, or held by the caps until nextAllowedAt; requested: allowed and announced; refused: beyond the caps when asked; answered: the contact answered after it',
    },
    dueAt: { type: 'string', format: 'date-time' },
    requestedAt: { type: 'string', format: 'date-time' },
    refusal: { type: 'array', items: reason },
    nextAllowedAt: { type: 'string', format: 'date-time' },
    callbackId: { type: 'string', description: 'a follow-up: the resolved callback it follows' },
    owner: { type: 'string', description: "a follow-up: the callback's assignee" },
    fromCategory: { type: 'string', description: 'a follow-up: the category of the answer' },
    answerRef: { type: 'string', description: 'the answer that followed (source:id)' },
    recovery: {
      type: 'object',
      properties: {
        from: { type: 'string' },
        to: { type: 'string' },
        score: { type: 'integer' },
        recovered: { type: 'boolean', description: 'a detractor now passive or promoter' },
      },
    },
    deliveryId: { type: 'string', description: 'the survey.requested delivery (msg_…)' },
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'email', 'origin', 'status', 'dueAt', 'createdAt'],
};

/** `/v1/survey-permission`, `/v1/survey-requests`: survey pressure and survey requests. */
export function surveyPaths(): Record<string, unknown> {
  return {
    '/v1/survey-permission': {
      get: {
        summary:
          'Whether a contact (or an account) may be surveyed now under the survey-pressure caps; ask it before each send',
        description:
          "The caps are the survey-pressure settings saved (contact gap and cap per window, account gap and cap per window, quiet periods); until they are saved with enabled true, every survey is allowed. Surveys counted: answers received and requests announced (a request and the answer that follows it within 30 days are one). The account is the account key given, else the e-mail's domain.",
        parameters: queryParameters(surveyPermissionQuerySchema, {
          email: 'the contact (email or account is required)',
          account: 'an account key (domain, Salesforce Account id, HubSpot company id)',
          touchpoint: 'the touchpoint of the survey (recorded; the caps apply to every touchpoint)',
        }),
        responses: {
          '200': {
            description: 'the decision',
            ...json({ type: 'object', properties: permission, required: Object.keys(permission) }),
          },
          ...errors(400, 401),
        },
      },
    },
    '/v1/survey-requests': {
      post: {
        summary:
          'Ask for a survey (a Salesforce Flow HTTP callout, a HubSpot workflow webhook, a survey tool): allowed requests are announced as a signed survey.requested delivery',
        description:
          'The caps decide: allowed, the request is stored and announced to BOUCLE_SURVEY_WEBHOOK_URL (Standard Webhooks, signed with BOUCLE_OUTBOUND_SECRET); refused, it is stored as refused and answered 200 with allowed false, the reason and nextAllowedAt (a decision for the automation to branch on, not an error). With an id, the same id again returns the request stored first (duplicate true) and announces nothing more. Fields other than these are ignored.',
        parameters: ['touchpoint', 'reason', 'account'].map((name) => ({
          name,
          in: 'query',
          schema: { type: 'string' },
          description: `the ${name} when the body has none (a HubSpot workflow's fixed values)`,
        })),
        requestBody: json(z.toJSONSchema(surveyRequestBodySchema, { io: 'input' })),
        responses: {
          '201': {
            description: 'allowed: stored and announced',
            ...json({
              type: 'object',
              properties: { ...permission, duplicate: { type: 'boolean' }, request: surveyRequest },
            }),
          },
          '200': { description: 'refused by the caps (allowed false), or a duplicate id' },
          ...errors(400, 401, 415),
        },
      },
      get: {
        summary:
          'Survey requests, newest first: from automations, and the follow-ups due after resolved detractor callbacks',
        parameters: queryParameters(surveyRequestsQuerySchema, {
          status: 'only requests in this state',
          origin: 'api (automations) or follow-up (after a resolved detractor callback)',
          email: 'only this contact',
          limit: 'requests per page, 1 to 500 (default 100)',
          cursor: 'the `next` of the previous page',
        }),
        responses: {
          '200': {
            description: 'a page of requests',
            ...json({
              type: 'object',
              properties: {
                requests: { type: 'array', items: surveyRequest },
                next: { type: ['string', 'null'], description: 'cursor of the next page' },
                recovery: {
                  type: 'object',
                  description:
                    'with origin=follow-up: over every follow-up, how many were scheduled, answered, and answered by a detractor now passive or promoter, in all and by owner',
                  properties: {
                    scheduled: { type: 'integer' },
                    answered: { type: 'integer' },
                    recovered: { type: 'integer' },
                    byOwner: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: {
                          owner: { type: 'string' },
                          answered: { type: 'integer' },
                          recovered: { type: 'integer' },
                        },
                      },
                    },
                  },
                },
              },
            }),
          },
          ...errors(400, 401),
        },
      },
    },
    '/v1/survey-requests/{id}': {
      get: {
        summary: 'One survey request, with its answer and recovery once answered',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'the request', ...json(surveyRequest) },
          ...errors(401, 404),
        },
      },
    },
  };
}
