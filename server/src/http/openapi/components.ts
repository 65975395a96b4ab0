import {
  answerSchema,
  callbackOutcomeSchema,
  callbackSchema,
  ratingSchema,
  touchpointSchema,
} from '@boucle/shared/schemas';
import { z } from 'zod';
import { errorBody } from './common.ts';

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
const summaryFigures = {
  type: 'object',
  description:
    "An account's headline figures over the window: NPS and margin in points and CSAT (share of 4–5 answers, in percent) and CES (mean effort 1–7, lower is better), each rounded to one decimal, null without answers of that metric",
  properties: {
    n: { type: 'integer', description: 'NPS answers' },
    promoters: { type: 'integer' },
    passives: { type: 'integer' },
    detractors: { type: 'integer' },
    nps: { type: ['number', 'null'] },
    margin: { type: ['number', 'null'], description: '95% half-width' },
    lowSample: { type: 'boolean' },
    csat: {
      type: 'object',
      properties: { n: { type: 'integer' }, csat: { type: ['number', 'null'] } },
      required: ['n', 'csat'],
    },
    ces: {
      type: 'object',
      properties: { n: { type: 'integer' }, ces: { type: ['number', 'null'] } },
      required: ['n', 'ces'],
    },
  },
  required: ['n', 'nps', 'margin', 'csat', 'ces'],
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

/** `components` of the document: the contracts' zod schemas as JSON Schema, and the shown figures. */
export function components(): Record<string, unknown> {
  return {
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
      SummaryFigures: summaryFigures,
      LoopClosure: loopClosure,
      InsightGroup: insightGroup,
    },
  };
}
