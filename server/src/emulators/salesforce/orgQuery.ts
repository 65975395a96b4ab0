import { normalizeId } from './ids.ts';
import { apiError } from './errors.ts';
import { relationshipOf, type FieldDef, type ObjectDef } from './schema.ts';
import {
  SoqlError,
  conditionFields,
  evaluateCondition,
  parseSoql,
  type Condition,
  type Literal,
} from './soql.ts';

// A SOQL query run over an org's records: parsed (soql.ts), its field paths checked against the
// schema, parent relationships followed, filtered, sorted, paged, and shaped as the REST API
// answers it (`attributes`, nested parents).

type Row = Record<string, unknown>;

/** The records a query reads. */
export interface QuerySource {
  readonly schema: Map<string, ObjectDef>;
  rows(type: string): Row[];
  get(id: string): Row | undefined;
  typeOf(id: string): string | undefined;
}

/**
 * Runs a SOQL query. `queryAll` also sees deleted records; the emulator deletes for good, so
 * both return the same rows.
 */
export function runQuery(
  org: QuerySource,
  soql: string,
  version: string,
  now: number,
): { totalSize: number; records: Row[] } {
  let parsed;
  try {
    parsed = parseSoql(soql, now);
  } catch (error) {
    if (error instanceof SoqlError) throw apiError(400, error.errorCode, error.message);
    throw error;
  }
  try {
    const object = objectForQuery(org, parsed.object);
    for (const path of [
      ...parsed.fields,
      ...conditionFields(parsed.where),
      ...parsed.orderBy.map((o) => o.field),
    ])
      checkPath(org, object, path, path.join('.'));
    const reader = (row: Row, path: string[]) => read(org, object, row, path);
    if (parsed.where) normalizeIdLiterals(object, parsed.where);
    let rows = org
      .rows(object.name)
      .filter((row) => !parsed.where || evaluateCondition(parsed.where, row, reader));
    if (parsed.orderBy.length > 0) {
      rows = [...rows].sort((a, b) => {
        for (const order of parsed.orderBy) {
          const x = reader(a, order.field);
          const y = reader(b, order.field);
          if (x === y) continue;
          if (x === null || x === undefined) return order.nullsLast ? 1 : -1;
          if (y === null || y === undefined) return order.nullsLast ? -1 : 1;
          const cmp =
            typeof x === 'string' && typeof y === 'string'
              ? x.localeCompare(y)
              : (x as number) < (y as number)
                ? -1
                : 1;
          return order.descending ? -cmp : cmp;
        }
        return 0;
      });
    }
    rows = rows.slice(
      parsed.offset ?? 0,
      parsed.limit === undefined ? undefined : (parsed.offset ?? 0) + parsed.limit,
    );
    if (parsed.count) return { totalSize: rows.length, records: [] };
    return {
      totalSize: rows.length,
      records: rows.map((row) => output(org, object, row, parsed.fields, version)),
    };
  } catch (error) {
    if (error instanceof SoqlError) throw apiError(400, error.errorCode, error.message);
    throw error;
  }
}

function objectForQuery(org: QuerySource, type: string): ObjectDef {
  const object = [...org.schema.values()].find((o) => o.name.toLowerCase() === type.toLowerCase());
  if (!object) {
    throw new SoqlError(
      'INVALID_TYPE',
      `sObject type '${type}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`,
    );
  }
  return object;
}

/** Reads a field path, following parent relationships (`Account.OwnerId`, `Account__r.Name`). */
function read(org: QuerySource, object: ObjectDef, row: Row | undefined, path: string[]): unknown {
  if (!row) return null;
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    const field = [...object.fields.values()].find(
      (f) => f.name.toLowerCase() === head.toLowerCase(),
    );
    return field ? (row[field.name] ?? null) : undefined;
  }
  const reference = [...object.fields.values()].find(
    (f) => relationshipOf(f)?.toLowerCase() === head.toLowerCase(),
  );
  if (!reference) return undefined;
  const parentId = row[reference.name];
  const parentType = typeof parentId === 'string' ? org.typeOf(parentId) : undefined;
  const parentObject = parentType
    ? org.schema.get(parentType)
    : org.schema.get(reference.referenceTo?.[0] ?? '');
  return parentObject
    ? read(org, parentObject, typeof parentId === 'string' ? org.get(parentId) : undefined, rest)
    : undefined;
}

function checkPath(org: QuerySource, object: ObjectDef, path: string[], original: string): void {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    if (![...object.fields.values()].some((f) => f.name.toLowerCase() === head.toLowerCase())) {
      throw new SoqlError(
        'INVALID_FIELD',
        `No such column '${original}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`,
      );
    }
    return;
  }
  const reference = [...object.fields.values()].find(
    (f) => relationshipOf(f)?.toLowerCase() === head.toLowerCase(),
  );
  const parent = reference && org.schema.get(reference.referenceTo?.[0] ?? '');
  if (!parent)
    throw new SoqlError(
      'INVALID_FIELD',
      `Didn't understand relationship '${head}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.`,
    );
  checkPath(org, parent, rest, original);
}

/** SOQL takes 15- or 18-character ids: literals compared with id fields are made 18. */
function normalizeIdLiterals(object: ObjectDef, condition: Condition): void {
  if (condition.kind === 'not') return normalizeIdLiterals(object, condition.inner);
  if ('left' in condition) {
    normalizeIdLiterals(object, condition.left);
    normalizeIdLiterals(object, condition.right);
    return;
  }
  if (condition.kind === 'like' || condition.field.length !== 1) return;
  const field = [...object.fields.values()].find(
    (f) => f.name.toLowerCase() === condition.field[0]?.toLowerCase(),
  );
  if (field?.type !== 'id' && field?.type !== 'reference') return;
  const fix = (literal: Literal): Literal =>
    literal.kind === 'string'
      ? { kind: 'string', value: normalizeId(literal.value) ?? literal.value }
      : literal;
  if (condition.kind === 'compare') condition.value = fix(condition.value);
  else condition.values = condition.values.map(fix);
}

function output(
  org: QuerySource,
  object: ObjectDef,
  row: Row,
  paths: string[][],
  version: string,
): Row {
  const out: Row = {
    attributes: {
      type: object.name,
      url: `/services/data/v${version}/sobjects/${object.name}/${String(row.Id)}`,
    },
  };
  for (const path of paths) {
    const [head, ...rest] = path as [string, ...string[]];
    if (rest.length === 0) {
      const field = [...object.fields.values()].find(
        (f) => f.name.toLowerCase() === head.toLowerCase(),
      ) as FieldDef;
      out[field.name] = row[field.name] ?? null;
      continue;
    }
    const reference = [...object.fields.values()].find(
      (f) => relationshipOf(f)?.toLowerCase() === head.toLowerCase(),
    ) as FieldDef;
    const key = relationshipOf(reference) as string;
    const parentId = row[reference.name];
    const parent = typeof parentId === 'string' ? org.get(parentId) : undefined;
    if (!parent) {
      out[key] = null;
      continue;
    }
    const parentObject = org.schema.get(org.typeOf(parentId as string) as string) as ObjectDef;
    const nested = (out[key] as Row | undefined) ?? {};
    out[key] = { ...nested, ...output(org, parentObject, parent, [rest], version) };
  }
  return out;
}
