import { createHash } from 'node:crypto';
import type { Answer } from '@boucle/shared/schemas';

/** A one-way hash of an e-mail, to remember an erasure without keeping the address. */
export function hashEmail(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/** An answer without the person: no respondent, no verbatim (it may name them). */
export function redact(answer: Answer): Answer {
  const { respondent: _respondent, comment: _comment, employeeEmail: _employee, ...rest } = answer;
  return rest;
}
