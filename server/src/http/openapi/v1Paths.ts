import { insightsQuerySchema } from '@boucle/shared/schemas';
import { errors, json, queryParameters } from './common.ts';

/** `/v1/*`: the bearer-token API (answers, ratings, summaries, touchpoints, themes, callbacks, insights). */
export function v1Paths(): Record<string, unknown> {
  return {
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
                erased: {
                  type: 'integer',
                  description:
                    'Only when > 0: answers refused because their respondent was erased on request (POST /v1/erasures) after giving them',
                },
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
        summary:
          'Answers whose respondent is not in the CRM yet (?status=unmatched), or those kept beyond the survey-pressure caps (?status=flagged: each with pressure.reasons, raising no callback)',
        parameters: [
          {
            name: 'status',
            in: 'query',
            required: true,
            schema: { enum: ['unmatched', 'flagged'] },
          },
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
          'The account card: NPS with margin, CSAT and CES (overall), trend, touchpoints, the journey in order with each touchpoint against its targets (met, missed, not_enough), verbatims, open callbacks, the norm',
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
        responses: {
          '200': {
            description: 'summary',
            ...json({
              type: 'object',
              properties: { overall: { $ref: '#/components/schemas/SummaryFigures' } },
            }),
          },
          ...errors(400, 401, 404),
        },
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
        description:
          'One callback per answer and kind, whatever the number of CRMs: each with `crm` (the CRM whose rules raised it first) and `crms`, its record and assignee in each CRM it is written to ({crm, crmId, assignee}); `loggedIn` says where (salesforce, hubspot, api) and by whom its last outcome was logged.',
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
        description:
          "The outcome settles the callback in every CRM it is written to, each record updated with a note saying it was logged through the API. The id is the callback's, or the id one CRM gave it before twin callbacks were merged.",
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
  };
}
