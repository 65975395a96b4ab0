import { z } from 'zod';

// The pieces every path of the OpenAPI document uses: the error body, JSON content, error
// responses, and query parameters read from the zod schema that validates them.

export const errorBody = {
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
export const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
export const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      { description: 'error', ...json({ $ref: '#/components/schemas/Error' }) },
    ]),
  );

/** Query parameters from the zod schema that validates them. */
export function queryParameters(schema: z.ZodType, descriptions: Record<string, string>) {
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
