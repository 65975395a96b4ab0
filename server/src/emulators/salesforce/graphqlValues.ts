import { Kind, type FieldNode, type SelectionSetNode, type ValueNode } from 'graphql';
import type { FieldDef } from './schema.ts';

// The values of a GraphQL request as the emulator reads them: literals and variables, operands as
// SOQL literals, a field's UI API display value; and the error a refused request becomes.

export type Variables = Record<string, unknown>;

/** A request the emulator refuses, reported as a GraphQL error with the path it concerns. */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly path: string[] = [],
    readonly errorType = 'ValidationError',
  ) {
    super(message);
  }
}

export function literalValue(node: ValueNode, variables: Variables): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables[node.name.value] ?? null;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => literalValue(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(
        node.fields.map((f) => [f.name.value, literalValue(f.value, variables)]),
      );
  }
}

export const fieldsOf = (set: SelectionSetNode | undefined): FieldNode[] =>
  (set?.selections ?? []).filter((s): s is FieldNode => s.kind === Kind.FIELD);
export const keyOf = (field: FieldNode) => field.alias?.value ?? field.name.value;

/**
 * A field's `displayValue` as the UI API gives it: the label of a picklist value or a boolean; null
 * for the rest (a real org formats dates and numbers in the user's locale).
 */
export function displayValue(field: FieldDef, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (field.type === 'picklist' || field.type === 'boolean') return String(value);
  return null;
}

/** A GraphQL operand as a SOQL literal, typed by the field it is compared with. */
export function soqlLiteral(field: FieldDef, operand: unknown, path: string[]): string {
  let value = operand;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const wrapped = value as { value?: unknown; literal?: unknown; range?: unknown };
    if ('literal' in wrapped) {
      const literal = String(wrapped.literal);
      if (!/^[A-Z_]+(:\d+)?$/.test(literal))
        throw new QueryError(`where: ${field.name}: '${literal}' is not a date literal.`, path);
      return literal;
    }
    value = wrapped.value;
  }
  if (value === null || value === undefined) return 'null';
  if (field.type === 'datetime' || field.type === 'date') {
    const text = String(value);
    const date = new Date(text);
    if (Number.isNaN(date.getTime()))
      throw new QueryError(`where: ${field.name}: '${text}' is not a ${field.type}.`, path);
    return field.type === 'date' ? text.slice(0, 10) : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
