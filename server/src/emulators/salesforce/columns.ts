/**
 * `GET /query?q=…&columns=true`: the column metadata of a query instead of its rows. The REST guide
 * does not document it; the Salesforce CLI's `sf data query` asks for it to lay out its table, and
 * the shape below is the one its own tests use (salesforcecli/plugin-data,
 * `test/test-files/queryFields.exemplars.ts`): one column per selected field, parent fields as
 * `joinColumns` of their relationship.
 */
import { parseSoql } from './soql.ts';
import { relationshipOf, type FieldDef, type ObjectDef } from './schema.ts';

export interface ColumnMetadata {
  aggregate: boolean;
  apexType: string | null;
  booleanType: boolean;
  columnName: string;
  custom: boolean;
  displayName: string;
  foreignKeyName: string | null;
  insertable: boolean;
  joinColumns: ColumnMetadata[];
  numberType: boolean;
  textType: boolean;
  updatable: boolean;
}

const TEXT_TYPES = new Set(['string', 'textarea', 'email', 'url', 'phone', 'picklist']);
const APEX_TYPES: Record<string, string> = {
  id: 'Id',
  reference: 'Id',
  boolean: 'Boolean',
  double: 'Double',
  int: 'Integer',
  date: 'Date',
  datetime: 'Datetime',
};

const byName = (object: ObjectDef, name: string) =>
  [...object.fields.values()].find((f) => f.name.toLowerCase() === name.toLowerCase());
const byRelationship = (object: ObjectDef, name: string) =>
  [...object.fields.values()].find((f) => relationshipOf(f)?.toLowerCase() === name.toLowerCase());

function fieldColumn(field: FieldDef): ColumnMetadata {
  return {
    aggregate: false,
    apexType: APEX_TYPES[field.type] ?? 'String',
    booleanType: field.type === 'boolean',
    columnName: field.name,
    custom: field.custom,
    displayName: field.name,
    foreignKeyName: null,
    insertable: field.createable,
    joinColumns: [],
    numberType: field.type === 'double' || field.type === 'int',
    textType: TEXT_TYPES.has(field.type),
    updatable: field.updateable,
  };
}

/**
 * The columns of an already validated query (run it through the org's `query` first).
 * @param schema the org's objects by API name
 */
export function queryColumns(
  schema: Map<string, ObjectDef>,
  soql: string,
): Record<string, unknown> {
  const parsed = parseSoql(soql, Date.now());
  const root = [...schema.values()].find(
    (o) => o.name.toLowerCase() === parsed.object.toLowerCase(),
  ) as ObjectDef;
  const columns: ColumnMetadata[] = [];
  const add = (into: ColumnMetadata[], object: ObjectDef, path: string[]): void => {
    const [head, ...rest] = path as [string, ...string[]];
    if (rest.length === 0) {
      const field = byName(object, head) as FieldDef;
      if (!into.some((c) => c.columnName === field.name && c.joinColumns.length === 0))
        into.push(fieldColumn(field));
      return;
    }
    const reference = byRelationship(object, head) as FieldDef;
    const name = relationshipOf(reference) as string;
    let join = into.find((c) => c.columnName === name && c.foreignKeyName === reference.name);
    if (!join) {
      join = {
        ...fieldColumn(reference),
        apexType: null,
        columnName: name,
        displayName: name,
        foreignKeyName: reference.name,
        insertable: false,
        updatable: false,
      };
      into.push(join);
    }
    const parent = schema.get(reference.referenceTo?.[0] ?? '') as ObjectDef;
    add(join.joinColumns, parent, rest);
  };
  if (!parsed.count) for (const path of parsed.fields) add(columns, root, path);
  return {
    columnMetadata: columns,
    entityName: root.name,
    groupBy: false,
    idSelected: parsed.fields.some((p) => p.length === 1 && p[0]?.toLowerCase() === 'id'),
    keyPrefix: root.keyPrefix,
  };
}
