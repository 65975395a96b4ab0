import type { z } from 'zod';

/** One validation problem: the dotted path of the field and why it was refused. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Turns a zod error into the `issues` list of the API's error body, one entry per problem, each
 * naming the field (`respondent.email`, `answers.3.score`); problems about the whole object have
 * the path `(root)`.
 * @param error a zod error
 */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => (path ? `${path}.${key}` : key));
      return { path: keys.join(', '), message: `unknown field${keys.length > 1 ? 's' : ''}` };
    }
    return { path: path || '(root)', message: issue.message };
  });
}

/**
 * One line per problem, `path: message`, for command-line tools and logs.
 * @param error a zod error
 */
export function describeIssues(error: z.ZodError): string {
  return toFieldIssues(error)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ');
}
