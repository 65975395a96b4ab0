import type { z } from 'zod';

/** One validation problem: the dotted path of the field and why it was refused. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Turns a zod error into the `issues` list of the API's error body, one entry per problem, each
 * naming the field (`respondent.email`, `answers.3.score`); problems about the whole object have
 * the path `(root)`. Given the input that was parsed, a field left out says "required" (rather
 * than the type it should have had), and a body that is not an object says what it is instead.
 * @param error a zod error
 * @param input what was parsed
 */
export function toFieldIssues(error: z.ZodError, input?: unknown): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => (path ? `${path}.${key}` : key));
      return { path: keys.join(', '), message: `unknown field${keys.length > 1 ? 's' : ''}` };
    }
    if (input !== undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
      if (issue.path.length > 0 && valueAt(input, issue.path) === undefined)
        return { path, message: 'required' };
      if (issue.path.length === 0 && issue.code === 'invalid_type' && issue.expected === 'object')
        return { path: '(root)', message: `must be a JSON object, not ${kindOf(input)}` };
    }
    return { path: path || '(root)', message: issue.message };
  });
}

/** The value at `path` inside `input`, undefined when it is not there. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) value = (value as Record<PropertyKey, unknown> | null)?.[key];
  return value;
}

/** What a JSON value is, in words. */
function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/**
 * One line per problem, `path: message`, for command-line tools and logs.
 * @param error a zod error
 * @param input what was parsed (see {@link toFieldIssues})
 */
export function describeIssues(error: z.ZodError, input?: unknown): string {
  return toFieldIssues(error, input)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ');
}
