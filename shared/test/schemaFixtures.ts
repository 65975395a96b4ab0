import type { z } from 'zod';
import { toFieldIssues } from '../src/schemas/index.ts';

// What the schema tests share: the issues of a refused value, and an answer the contract accepts.

/** The field issues of a value a schema refuses. */
export function issuesOf(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  if (result.success) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  return toFieldIssues(result.error);
}

export const validAnswer = {
  id: 'ans-8812',
  score: 4,
  comment: 'Délai de réponse beaucoup trop long',
  touchpoint: 'after-sale',
  answeredAt: '2026-11-20T09:14:00Z',
  language: 'fr',
  respondent: { email: 'claire@acme.example', name: 'Claire Martin' },
  account: { domain: 'ACME.example' },
  interactionId: 'case-5521',
  employeeEmail: 'paul@vendor.example',
};
