import type { ArgumentNode, FieldNode, SelectionSetNode } from 'graphql';
import {
  QueryError,
  displayValue,
  fieldsOf,
  keyOf,
  literalValue,
  soqlLiteral,
  type Variables,
} from './graphqlValues.ts';
import type { SalesforceOrg } from './org.ts';
import { relationshipOf, type FieldDef, type ObjectDef } from './schema.ts';

// A GraphQL query run over the org: each `uiapi.query` connection and `uiapi.aggregate` becomes a
// SOQL query (where, orderBy, first) run by the org, and its rows are shaped as UI API nodes.

type Row = Record<string, unknown>;

const DEFAULT_FIRST = 10;
const MAX_FIRST = 2000;
const MAX_SUBQUERIES = 10;
const OPERATORS = new Set(['eq', 'ne', 'lt', 'gt', 'lte', 'gte', 'in', 'nin', 'like']);
const SOQL_OPERATORS: Record<string, string> = {
  eq: '=',
  ne: '!=',
  lt: '<',
  gt: '>',
  lte: '<=',
  gte: '>=',
  in: 'IN',
  nin: 'NOT IN',
  like: 'LIKE',
};

export class Executor {
  private subqueries = 0;

  constructor(
    private readonly org: SalesforceOrg,
    private readonly variables: Variables,
    private readonly version: string,
  ) {}

  run(root: SelectionSetNode): Row {
    const data: Row = {};
    for (const field of fieldsOf(root)) {
      if (field.name.value !== 'uiapi')
        throw new QueryError(`Field '${field.name.value}' in type 'Query' is undefined`, [
          field.name.value,
        ]);
      const uiapi: Row = {};
      for (const part of fieldsOf(field.selectionSet)) {
        const path = ['uiapi', part.name.value];
        if (part.name.value === 'query') uiapi[keyOf(part)] = this.each(part, path, 'query');
        else if (part.name.value === 'aggregate')
          uiapi[keyOf(part)] = this.each(part, path, 'aggregate');
        else throw new QueryError(`Field '${part.name.value}' in type 'UIAPI' is undefined`, path);
      }
      data[keyOf(field)] = uiapi;
    }
    return data;
  }

  private each(part: FieldNode, path: string[], kind: 'query' | 'aggregate'): Row {
    const out: Row = {};
    for (const objectField of fieldsOf(part.selectionSet)) {
      if (++this.subqueries > MAX_SUBQUERIES)
        throw new QueryError(`A query can hold at most ${MAX_SUBQUERIES} subqueries.`, path);
      const objectPath = [...path, objectField.name.value];
      const object = this.object(objectField.name.value, objectPath);
      out[keyOf(objectField)] =
        kind === 'query'
          ? this.connection(object, objectField, objectPath)
          : this.aggregate(object, objectField, objectPath);
    }
    return out;
  }

  private object(name: string, path: string[]): ObjectDef {
    try {
      return this.org.object(name);
    } catch {
      throw new QueryError(`Field '${name}' in type 'RecordQuery' is undefined`, path);
    }
  }

  private args(field: FieldNode): Record<string, unknown> {
    return Object.fromEntries(
      (field.arguments ?? []).map((a: ArgumentNode) => [
        a.name.value,
        literalValue(a.value, this.variables),
      ]),
    );
  }

  private connection(object: ObjectDef, field: FieldNode, path: string[]): Row {
    const args = this.args(field);
    const first = args.first ?? DEFAULT_FIRST;
    if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > MAX_FIRST)
      throw new QueryError(`'first' must be an integer from 1 to ${MAX_FIRST}.`, path);
    const edges = fieldsOf(field.selectionSet).find((f) => f.name.value === 'edges');
    const node = fieldsOf(edges?.selectionSet).find((f) => f.name.value === 'node');
    const selected = node ? this.selectedPaths(object, node.selectionSet, [], path) : [];
    const where = this.where(object, args.where, [], path);
    const soql = [
      `SELECT ${['Id', ...selected.map((p) => p.join('.'))].join(', ')} FROM ${object.name}`,
      where ? `WHERE ${where}` : '',
      this.orderBy(object, args.orderBy, path),
      `LIMIT ${first + 1}`,
    ]
      .filter(Boolean)
      .join(' ');
    const rows = this.org.query(soql, this.version).records;
    const page = rows.slice(0, first);
    // Counted only when asked for: the components never ask, and a count is a second query.
    const total = () =>
      where
        ? this.org.query(`SELECT COUNT() FROM ${object.name} WHERE ${where}`, this.version)
            .totalSize
        : this.org.rows(object.name).length;
    const out: Row = {};
    for (const part of fieldsOf(field.selectionSet)) {
      const key = keyOf(part);
      if (part.name.value === 'edges')
        out[key] = page.map((row, i) => {
          const edge: Row = {};
          for (const e of fieldsOf(part.selectionSet)) {
            if (e.name.value === 'node') edge[keyOf(e)] = this.node(object, row, e.selectionSet);
            else if (e.name.value === 'cursor')
              edge[keyOf(e)] = Buffer.from(`v1:${i}`).toString('base64');
          }
          return edge;
        });
      else if (part.name.value === 'totalCount') out[key] = total();
      else if (part.name.value === 'pageInfo') {
        const info: Row = {
          hasNextPage: rows.length > first,
          hasPreviousPage: false,
          startCursor: page.length ? Buffer.from('v1:0').toString('base64') : null,
          endCursor: page.length ? Buffer.from(`v1:${page.length - 1}`).toString('base64') : null,
        };
        // Only what the query selects, under its aliases, as GraphQL answers.
        out[key] = Object.fromEntries(
          fieldsOf(part.selectionSet).map((f) => [keyOf(f), info[f.name.value] ?? null]),
        );
      } else
        throw new QueryError(
          `Field '${part.name.value}' in type '${object.name}Connection' is undefined`,
          path,
        );
    }
    return out;
  }

  /** The SOQL field paths a node selection needs (`Name`, `Account__r.Name`). */
  private selectedPaths(
    object: ObjectDef,
    set: SelectionSetNode | undefined,
    prefix: string[],
    path: string[],
  ): string[][] {
    const paths: string[][] = [];
    for (const field of fieldsOf(set)) {
      const name = field.name.value;
      if (name === '__typename' || name === 'Id') {
        if (name === 'Id' && prefix.length) paths.push([...prefix, 'Id']);
        continue;
      }
      const scalar = this.field(object, name);
      if (scalar) {
        paths.push([...prefix, scalar.name]);
        continue;
      }
      const parent = this.parent(object, name);
      if (!parent)
        throw new QueryError(`Field '${name}' in type '${object.name}' is undefined`, [
          ...path,
          name,
        ]);
      paths.push(
        ...this.selectedPaths(
          parent.object,
          field.selectionSet,
          [...prefix, name],
          [...path, name],
        ),
      );
    }
    return paths;
  }

  private field(object: ObjectDef, name: string): FieldDef | undefined {
    return object.fields.get(name); // GraphQL names fields exactly, as the map keys them
  }

  private parent(object: ObjectDef, relationship: string): { object: ObjectDef } | undefined {
    const reference = [...object.fields.values()].find((f) => relationshipOf(f) === relationship);
    const target = reference?.referenceTo?.[0];
    return target ? { object: this.org.object(target) } : undefined;
  }

  /** One record as a UI API node: `Id`, `{ value, displayValue }` fields, nested parents. */
  private node(object: ObjectDef, row: Row, set: SelectionSetNode | undefined): Row {
    const out: Row = {};
    for (const field of fieldsOf(set)) {
      const name = field.name.value;
      const key = keyOf(field);
      if (name === '__typename') out[key] = object.name;
      else if (name === 'Id') out[key] = row.Id ?? null;
      else if (this.field(object, name)) {
        const def = this.field(object, name) as FieldDef;
        const value = row[def.name] ?? null;
        const cell: Row = {};
        for (const part of fieldsOf(field.selectionSet)) {
          if (part.name.value === 'value') cell[keyOf(part)] = value;
          else if (part.name.value === 'displayValue') cell[keyOf(part)] = displayValue(def, value);
          else if (part.name.value === 'label') cell[keyOf(part)] = def.label;
        }
        out[key] = cell;
      } else {
        const parent = this.parent(object, name) as { object: ObjectDef };
        const parentRow = row[name] as Row | null | undefined;
        out[key] = parentRow ? this.node(parent.object, parentRow, field.selectionSet) : null;
      }
    }
    return out;
  }

  private orderBy(object: ObjectDef, orderBy: unknown, path: string[]): string {
    if (orderBy === undefined || orderBy === null) return '';
    const terms: string[] = [];
    const walk = (spec: unknown, prefix: string[], target: ObjectDef) => {
      for (const [name, value] of Object.entries((spec ?? {}) as Row)) {
        const options = (value ?? {}) as { order?: string; nulls?: string };
        if (this.field(target, name) && ('order' in options || 'nulls' in options)) {
          const order = String(options.order ?? 'ASC').toUpperCase();
          if (order !== 'ASC' && order !== 'DESC')
            throw new QueryError(`orderBy ${name}: order must be ASC or DESC.`, path);
          const nulls = options.nulls ? ` NULLS ${String(options.nulls).toUpperCase()}` : '';
          terms.push(`${[...prefix, name].join('.')} ${order}${nulls}`);
          continue;
        }
        const parent = this.parent(target, name);
        if (!parent)
          throw new QueryError(`orderBy: no field '${name}' on ${target.name}.`, [...path, name]);
        walk(value, [...prefix, name], parent.object);
      }
    };
    walk(orderBy, [], object);
    return terms.length ? `ORDER BY ${terms.join(', ')}` : '';
  }

  /** A GraphQL `where` filter as a SOQL condition ('' when there is none). */
  private where(object: ObjectDef, where: unknown, prefix: string[], path: string[]): string {
    if (where === undefined || where === null) return '';
    if (typeof where !== 'object' || Array.isArray(where))
      throw new QueryError('where: a filter object is expected.', path);
    const parts: string[] = [];
    for (const [key, value] of Object.entries(where as Row)) {
      if (key === 'and' || key === 'or') {
        if (!Array.isArray(value))
          throw new QueryError(`where: '${key}' takes a list of filters.`, path);
        const inner = value.map((v) => this.where(object, v, prefix, path)).filter(Boolean);
        if (inner.length) parts.push(`(${inner.join(key === 'and' ? ' AND ' : ' OR ')})`);
      } else if (key === 'not') {
        const inner = this.where(object, value, prefix, path);
        if (inner) parts.push(`(NOT ${inner})`);
      } else {
        const field = this.field(object, key);
        if (field) {
          parts.push(this.comparison(field, [...prefix, field.name], value, path));
          continue;
        }
        const parent = this.parent(object, key);
        if (!parent)
          throw new QueryError(`where: no field '${key}' on ${object.name}.`, [...path, key]);
        const inner = this.where(parent.object, value, [...prefix, key], path);
        if (inner) parts.push(inner);
      }
    }
    return parts.join(' AND ');
  }

  private comparison(field: FieldDef, fieldPath: string[], operators: unknown, path: string[]) {
    if (!operators || typeof operators !== 'object')
      throw new QueryError(`where: ${fieldPath.join('.')} takes an operator object.`, path);
    const terms = Object.entries(operators as Row).map(([op, operand]) => {
      if (!OPERATORS.has(op))
        throw new QueryError(
          `where: '${op}' is not an operator of ${fieldPath.join('.')} (eq, ne, lt, gt, lte, gte, in, nin, like).`,
          path,
        );
      const name = fieldPath.join('.');
      if (op === 'in' || op === 'nin') {
        if (!Array.isArray(operand) || operand.length === 0)
          throw new QueryError(`where: ${name} ${op} takes a non-empty list.`, path);
        return `${name} ${SOQL_OPERATORS[op]} (${operand.map((v) => soqlLiteral(field, v, path)).join(', ')})`;
      }
      return `${name} ${SOQL_OPERATORS[op]} ${soqlLiteral(field, operand, path)}`;
    });
    return terms.length > 1 ? `(${terms.join(' AND ')})` : (terms[0] ?? '');
  }

  private aggregate(object: ObjectDef, field: FieldNode, path: string[]): Row {
    const args = this.args(field);
    const groupBy = Object.entries((args.groupBy ?? {}) as Row)
      .filter(([, spec]) => (spec as { group?: boolean } | null)?.group)
      .map(([name]) => {
        const def = this.field(object, name);
        if (!def) throw new QueryError(`groupBy: no field '${name}' on ${object.name}.`, path);
        return def.name;
      });
    const edges = fieldsOf(field.selectionSet).find((f) => f.name.value === 'edges');
    const node = fieldsOf(edges?.selectionSet).find((f) => f.name.value === 'node');
    const aggregate = fieldsOf(node?.selectionSet).find((f) => f.name.value === 'aggregate');
    const measured = fieldsOf(aggregate?.selectionSet).map((f) => f.name.value);
    for (const name of measured)
      if (name !== '__typename' && !this.field(object, name))
        throw new QueryError(`Field '${name}' in type '${object.name}_Aggregate' is undefined`, [
          ...path,
          name,
        ]);
    const where = this.where(object, args.where, [], path);
    const columns = [...new Set(['Id', ...groupBy, ...measured.filter((m) => m !== '__typename')])];
    const rows = this.org.query(
      `SELECT ${columns.join(', ')} FROM ${object.name}${where ? ` WHERE ${where}` : ''}`,
      this.version,
    ).records;
    const groups = new Map<string, Row[]>();
    for (const row of rows) {
      const key = JSON.stringify(groupBy.map((g) => row[g] ?? null));
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    if (groups.size === 0 && groupBy.length === 0) groups.set('[]', []);
    const out: Row = {};
    for (const part of fieldsOf(field.selectionSet)) {
      if (part.name.value !== 'edges')
        throw new QueryError(
          `Field '${part.name.value}' in type '${object.name}_AggregateConnection' is undefined`,
          path,
        );
      out[keyOf(part)] = [...groups.values()].map((members) => ({
        [keyOf(node as FieldNode)]: {
          [keyOf(aggregate as FieldNode)]: Object.fromEntries(
            fieldsOf(aggregate?.selectionSet).map((f) => [
              keyOf(f),
              f.name.value === '__typename'
                ? `${object.name}_AggregateResult`
                : this.measure(object, f, members, groupBy),
            ]),
          ),
        },
      }));
    }
    return out;
  }

  /** One field of an aggregate node: the group's value, or count / sum / avg / min / max. */
  private measure(object: ObjectDef, field: FieldNode, members: Row[], groupBy: string[]): Row {
    const def = this.field(object, field.name.value) as FieldDef;
    const values = members.map((m) => m[def.name]).filter((v) => v !== null && v !== undefined);
    const numbers = values.filter((v): v is number => typeof v === 'number');
    const out: Row = {};
    for (const part of fieldsOf(field.selectionSet)) {
      const fn = part.name.value;
      let result: unknown;
      if (fn === 'value' || fn === 'displayValue') {
        if (!groupBy.includes(def.name))
          throw new QueryError(`${def.name} is neither grouped nor aggregated.`, [def.name]);
        result =
          fn === 'value'
            ? (members[0]?.[def.name] ?? null)
            : displayValue(def, members[0]?.[def.name] ?? null);
      } else if (fn === 'count') result = values.length;
      else if (fn === 'countDistinct') result = new Set(values.map(String)).size;
      else if (fn === 'sum') result = numbers.reduce((a, b) => a + b, 0);
      else if (fn === 'avg')
        result = numbers.length ? numbers.reduce((a, b) => a + b, 0) / numbers.length : null;
      else if (fn === 'min') result = values.length ? [...values].sort()[0] : null;
      else if (fn === 'max') result = values.length ? [...values].sort().at(-1) : null;
      else throw new QueryError(`'${fn}' is not an aggregate function.`, [def.name]);
      out[keyOf(part)] =
        fn === 'value' || fn === 'displayValue'
          ? result
          : Object.fromEntries(
              fieldsOf(part.selectionSet).map((leaf) => [
                keyOf(leaf),
                leaf.name.value === 'value' ? result : result === null ? null : String(result),
              ]),
            );
    }
    return out;
  }
}
