import { evaluateFormula } from './formula.ts';
import { normalizeId } from './ids.ts';
import type { FieldDef, ObjectDef, PermissionSetDef } from './schema.ts';
import { apiError, type RecordError } from './errors.ts';

// What a create or update may write, checked as an org checks it: object and field-level
// security of the running user's permission sets, each value against its field's type, required
// fields, validation rules, unique fields.

type Row = Record<string, unknown>;

/** What the running user may do: everything (system, or a user with no permission set), or sets. */
export interface Access {
  readonly userId: string | undefined;
  /** Undefined: no field-level security (the system, or a user without assignments: an admin). */
  readonly sets: readonly PermissionSetDef[] | undefined;
  readonly hasPermission: (name: string) => boolean;
}

/** The records a check looks at (other rows for uniqueness, the type of a referenced id). */
export interface RecordLookup {
  rows(type: string): Row[];
  withValue(type: string, field: string, value: unknown): Row[];
  typeOf(id: string): string | undefined;
}

/**
 * Checks the fields of a write against the schema. Unknown or read-only fields fail the whole
 * request (as a JSON deserialization error does); bad values fail the record.
 */
export function checkFields(
  org: RecordLookup,
  access: Access,
  object: ObjectDef,
  input: Row,
  mode: 'create' | 'update',
  current?: Row,
): { fields: Row; errors: RecordError[] } {
  const fields: Row = {};
  const errors: RecordError[] = [];
  const fail = (statusCode: string, message: string, field: string) =>
    errors.push({ statusCode, message, fields: [field] });
  if (access.sets) {
    const allowed = access.sets.some((set) => {
      const permission = set.objects.get(object.name);
      return mode === 'create' ? permission?.create : permission?.edit;
    });
    if (!allowed)
      throw apiError(
        400,
        'INSUFFICIENT_ACCESS_OR_READONLY',
        `insufficient access rights on object: you cannot ${mode} ${object.name} records`,
      );
  }
  for (const [name, raw] of Object.entries(input)) {
    if (name === 'attributes' || (name === 'Id' && mode === 'update')) continue;
    const field = [...object.fields.values()].find(
      (f) => f.name.toLowerCase() === name.toLowerCase(),
    );
    if (!field)
      throw apiError(
        400,
        'INVALID_FIELD',
        `No such column '${name}' on sobject of type ${object.name}`,
      );
    // Field-level security: a custom field is written only when a permission set makes it editable.
    const secured =
      access.sets !== undefined &&
      field.custom &&
      !access.sets.some((set) => set.fields.get(`${object.name}.${field.name}`)?.editable);
    if (secured || (mode === 'create' ? !field.createable : !field.updateable)) {
      throw apiError(
        400,
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to ${mode} fields: ${field.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        [field.name],
      );
    }
    const checked = checkValue(org, field, raw);
    if ('error' in checked) fail(checked.error[0], checked.error[1], field.name);
    else fields[field.name] = checked.value;
  }
  const merged = { ...current, ...fields };
  const missing = [...object.fields.values()].filter(
    (f) =>
      f.required &&
      f.createable &&
      (merged[f.name] === undefined || merged[f.name] === null || merged[f.name] === ''),
  );
  if (missing.length > 0) {
    errors.push({
      statusCode: 'REQUIRED_FIELD_MISSING',
      message: `Required fields are missing: [${missing.map((f) => f.name).join(', ')}]`,
      fields: missing.map((f) => f.name),
    });
  }
  for (const rule of object.validationRules) {
    const context = {
      record: merged,
      isNew: mode === 'create',
      userId: access.userId,
      hasPermission: access.hasPermission,
    };
    if (evaluateFormula(rule.formula, context) === true) {
      errors.push({
        statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: rule.message,
        fields: rule.field ? [rule.field] : [],
      });
    }
  }
  for (const field of object.fields.values()) {
    if (!field.unique || fields[field.name] === undefined || fields[field.name] === null) continue;
    const other = org
      .withValue(object.name, field.name, fields[field.name])
      .find((row) => row.Id !== current?.Id);
    if (other) {
      errors.push({
        statusCode: 'DUPLICATE_VALUE',
        message: `duplicate value found: ${field.name} duplicates value on record with id: ${String(other.Id)}`,
        fields: [],
      });
    }
  }
  return { fields, errors };
}

function checkValue(
  org: RecordLookup,
  field: FieldDef,
  raw: unknown,
): { value: unknown } | { error: [string, string] } {
  if (raw === null || raw === '') return { value: null };
  const label = field.label;
  switch (field.type) {
    case 'string':
    case 'textarea':
    case 'phone':
    case 'url':
    case 'email': {
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean')
        return {
          error: [
            'INVALID_TYPE_ON_FIELD_IN_RECORD',
            `${label}: value not of required type: ${JSON.stringify(raw)}`,
          ],
        };
      const text = String(raw);
      if (field.length !== undefined && text.length > field.length)
        return {
          error: [
            'STRING_TOO_LONG',
            `${label}: data value too large: ${text.slice(0, 40)} (max length=${field.length})`,
          ],
        };
      if (field.type === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text))
        return { error: ['INVALID_EMAIL_ADDRESS', `${label}: invalid email address: ${text}`] };
      return { value: text };
    }
    case 'picklist': {
      const text = String(raw);
      if (field.restrictedPicklist && !field.picklistValues?.includes(text))
        return {
          error: [
            'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
            `${label}: bad value for restricted picklist field: ${text}`,
          ],
        };
      return { value: text };
    }
    case 'boolean':
      return typeof raw === 'boolean'
        ? { value: raw }
        : {
            error: [
              'INVALID_TYPE_ON_FIELD_IN_RECORD',
              `${label}: value not of required type: ${JSON.stringify(raw)}`,
            ],
          };
    case 'double':
    case 'int': {
      const value =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && raw.trim() !== ''
            ? Number(raw)
            : Number.NaN;
      if (!Number.isFinite(value))
        return {
          error: [
            'INVALID_TYPE_ON_FIELD_IN_RECORD',
            `${label}: value not of required type: ${JSON.stringify(raw)}`,
          ],
        };
      const digits = (field.precision ?? 18) - (field.scale ?? 0);
      if (Math.abs(Math.trunc(value)) >= 10 ** digits)
        return {
          error: [
            'NUMBER_OUTSIDE_VALID_RANGE',
            `${label}: value outside of valid range on numeric field: ${value}`,
          ],
        };
      const factor = 10 ** (field.scale ?? 0);
      return { value: Math.round(value * factor) / factor };
    }
    case 'date':
      return typeof raw === 'string' &&
        /^\d{4}-\d{2}-\d{2}$/.test(raw) &&
        !Number.isNaN(Date.parse(raw))
        ? { value: raw }
        : {
            error: [
              'INVALID_TYPE_ON_FIELD_IN_RECORD',
              `${label}: value not of required type: ${JSON.stringify(raw)}`,
            ],
          };
    case 'datetime': {
      const at = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
      return Number.isNaN(at)
        ? {
            error: [
              'INVALID_TYPE_ON_FIELD_IN_RECORD',
              `${label}: value not of required type: ${JSON.stringify(raw)}`,
            ],
          }
        : { value: new Date(at).toISOString().replace('Z', '+0000') };
    }
    case 'reference': {
      const id = normalizeId(raw);
      if (!id)
        return {
          error: ['MALFORMED_ID', `${label}: id value of incorrect type: ${String(raw)}`],
        };
      const target = org.typeOf(id);
      if (!target) return { error: ['INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`] };
      if (!field.referenceTo?.includes(target))
        return {
          error: ['FIELD_INTEGRITY_EXCEPTION', `${label}: id value of incorrect type: ${id}`],
        };
      return { value: id };
    }
    default:
      return { value: raw };
  }
}
