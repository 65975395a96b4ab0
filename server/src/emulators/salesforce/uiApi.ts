/**
 * The User Interface API's record resource (`/services/data/vXX.X/ui-api/records/{recordId}`), what
 * `lightning/uiRecordApi` calls: GET with `fields` / `optionalFields` (`Object.Field` names) returns
 * a Record (`apiName`, `id`, `fields: { F: { value, displayValue } }`, system fields); PATCH with
 * `{ "fields": { … } }` updates it and returns the new Record. Refusals on save are an "Error with
 * Output" whose `output` holds the record's `errors` and `fieldErrors`, as the UI API documents.
 * Not emulated: layouts, modes, child relationships, `If-Unmodified-Since`.
 */
import { displayValue } from './graphqlValues.ts';
import { normalizeId } from './ids.ts';
import { apiError, type SalesforceOrg, type SaveResult } from './org.ts';
import type { FieldDef, ObjectDef } from './schema.ts';

type Row = Record<string, unknown>;

interface Reply {
  status: number;
  body?: unknown;
}

export function uiApiRecord(
  org: SalesforceOrg,
  method: string,
  recordId: string,
  query: Record<string, string>,
  body: unknown,
): Reply {
  const id = normalizeId(recordId);
  const type = id ? org.typeOf(id) : undefined;
  if (!id || !type)
    throw apiError(404, 'NOT_FOUND', `The requested resource does not exist: record ${recordId}`);
  const object = org.object(type);
  if (method === 'GET') return { status: 200, body: record(org, object, id, query) };
  if (method === 'PATCH') {
    const input = (body ?? {}) as { fields?: unknown };
    if (!input.fields || typeof input.fields !== 'object' || Array.isArray(input.fields))
      throw apiError(400, 'INVALID_INPUT', 'The request body must be {"fields": {…}}.');
    const { Id, ...fields } = input.fields as Row;
    if (Id !== undefined && normalizeId(Id) !== id)
      throw apiError(400, 'INVALID_INPUT', `fields.Id ${String(Id)} is not the record ${id}.`);
    const result = org.update(type, id, fields);
    if (!result.success) return { status: 400, body: errorWithOutput(object, result) };
    return {
      status: 200,
      body: record(org, object, id, {
        fields: Object.keys(fields)
          .map((f) => `${type}.${f}`)
          .join(','),
      }),
    };
  }
  throw apiError(
    405,
    'METHOD_NOT_ALLOWED',
    `HTTP Method '${method}' not allowed. Allowed are GET,PATCH`,
  );
}

function record(
  org: SalesforceOrg,
  object: ObjectDef,
  id: string,
  query: Record<string, string>,
): Row {
  const names = (list: string | undefined, optional: boolean) =>
    (list ?? '')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean)
      .map((qualified) => {
        const [apiName, field, ...rest] = qualified.split('.');
        if (apiName !== object.name || !field || rest.length > 0) {
          if (optional) return undefined;
          throw apiError(
            400,
            'INVALID_FIELD',
            `${qualified}: fields are named Object.Field, here ${object.name}.<Field>.`,
          );
        }
        if (!object.fields.has(field)) {
          if (optional) return undefined;
          throw apiError(
            400,
            'INVALID_FIELD',
            `No such column '${field}' on entity '${object.name}'.`,
          );
        }
        return field;
      })
      .filter((f): f is string => Boolean(f));
  const wanted = [
    ...new Set([...names(query.fields, false), ...names(query.optionalFields, true)]),
  ];
  const row = org.get(id) as Row;
  return {
    apiName: object.name,
    childRelationships: {},
    eTag: `${String(row.LastModifiedDate)}:${id}`,
    fields: Object.fromEntries(
      wanted.map((name) => {
        const value = row[name] ?? null;
        return [
          name,
          { displayValue: displayValue(object.fields.get(name) as FieldDef, value), value },
        ];
      }),
    ),
    id,
    lastModifiedDate: row.LastModifiedDate ?? null,
    recordTypeId: null,
    recordTypeInfo: null,
    systemModstamp: row.LastModifiedDate ?? null,
    weakEtag: Date.parse(String(row.LastModifiedDate)) || 0,
  };
}

/** A refused save as the UI API's "Error with Output" (record errors and field errors). */
function errorWithOutput(object: ObjectDef, result: Extract<SaveResult, { success: false }>) {
  const errors: Row[] = [];
  const fieldErrors: Record<string, Row[]> = {};
  for (const error of result.errors) {
    const fields = error.fields.filter((f) => object.fields.has(f));
    if (fields.length === 0) {
      errors.push({ errorCode: error.statusCode, message: error.message });
      continue;
    }
    for (const field of fields)
      (fieldErrors[field] ??= []).push({
        constituentField: null,
        errorCode: error.statusCode,
        field,
        fieldLabel: object.fields.get(field)?.label ?? field,
        message: error.message,
      });
  }
  return {
    enhancedErrorType: 'RecordError',
    message: result.errors.map((e) => e.message).join(' '),
    output: { errors, fieldErrors },
  };
}
