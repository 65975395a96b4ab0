import { HubSpotError, type HubRecord, type ObjectType } from './model.ts';
import { recordsWith } from './propertyIndex.ts';

// What a record write may hold, as HubSpot checks it: each property known, writable and of its
// type (numbers, booleans, options, dates at midnight UTC), the required ones present on create,
// unique values unique; and the error body HubSpot words for the refusals.

const READ_ONLY = [
  'hs_object_id',
  'hs_createdate',
  'hs_lastmodifieddate',
  'createdate',
  'lastmodifieddate',
];

/** Checks and normalizes property values to strings; collects per-property errors. */
export function checkProperties(
  type: ObjectType,
  input: Record<string, unknown>,
  current?: HubRecord,
): {
  values: Record<string, string | null>;
  errors: { message: string; code: string; name: string }[];
} {
  const values: Record<string, string | null> = {};
  const errors: { message: string; code: string; name: string }[] = [];
  for (const [name, raw] of Object.entries(input ?? {})) {
    const definition = type.properties.get(name);
    if (!definition) {
      errors.push({
        message: `Property "${name}" does not exist`,
        code: 'PROPERTY_DOESNT_EXIST',
        name,
      });
      continue;
    }
    if (definition.readOnly || READ_ONLY.includes(name)) {
      errors.push({
        message: `${name} is a read only property; its value cannot be set.`,
        code: 'READ_ONLY_VALUE',
        name,
      });
      continue;
    }
    if (raw === null || raw === '') {
      values[name] = raw === null ? null : '';
      continue;
    }
    const text = String(raw);
    switch (definition.type) {
      case 'number':
        if (!Number.isFinite(Number(text)))
          errors.push({
            message: `${text} was not a valid number.`,
            code: 'INVALID_FLOAT',
            name,
          });
        else values[name] = String(Number(text));
        break;
      case 'bool':
        if (text !== 'true' && text !== 'false')
          errors.push({
            message: `${text} was not a valid boolean (true or false).`,
            code: 'INVALID_BOOLEAN',
            name,
          });
        else values[name] = text;
        break;
      case 'enumeration':
        if (definition.options.length > 0 && !definition.options.some((o) => o.value === text)) {
          errors.push({
            message: `${text} was not one of the allowed options: ${definition.options.map((o) => o.value).join(', ')}`,
            code: 'INVALID_OPTION',
            name,
          });
        } else values[name] = text;
        break;
      case 'datetime':
      case 'date': {
        const at = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
        if (Number.isNaN(at))
          errors.push({
            message: `${text} was not a valid date-time: use ISO 8601 or epoch milliseconds.`,
            code: 'INVALID_DATE',
            name,
          });
        // HubSpot: date properties "must be set to midnight UTC … If you try to set a value
        // that is not midnight UTC, you will receive an error."
        else if (definition.type === 'date' && at % 86_400_000 !== 0)
          errors.push({
            message: `${text} is not midnight UTC: a date property takes YYYY-MM-DD or the epoch milliseconds of 00:00:00 UTC.`,
            code: 'INVALID_DATE',
            name,
          });
        else
          values[name] =
            definition.type === 'date'
              ? new Date(at).toISOString().slice(0, 10)
              : new Date(at).toISOString();
        break;
      }
      default:
        if (text.length > 65_536)
          errors.push({
            message: `${name} is longer than 65,536 characters.`,
            code: 'INVALID_LONG_STRING',
            name,
          });
        else values[name] = text;
    }
  }
  if (!current) {
    for (const required of type.requiredProperties) {
      const invalid = errors.some((e) => e.name === required);
      if (!invalid && (values[required] === undefined || values[required] === null))
        errors.push({
          message: `${required} is required.`,
          code: 'REQUIRED_FIELD',
          name: required,
        });
    }
  }
  return { values, errors };
}

/** The validation error of a write, as HubSpot words it. */
export function validationError(
  errors: { message: string; code: string; name: string }[],
  context: Record<string, string[]> = {},
): HubSpotError {
  const detail = errors.map((e) => ({
    isValid: false,
    message: e.message,
    error: e.code,
    name: e.name,
  }));
  return new HubSpotError(
    400,
    'VALIDATION_ERROR',
    `Property values were not valid: ${JSON.stringify(detail)}`,
    {
      errors: errors.map((e) => ({
        message: e.message,
        code: e.code,
        context: { propertyName: [e.name] },
      })),
      context,
    },
  );
}

export function uniqueConflict(
  type: ObjectType,
  values: Record<string, string | null>,
  selfId?: string,
): HubSpotError | undefined {
  for (const [name, value] of Object.entries(values)) {
    if (!type.properties.get(name)?.hasUniqueValue || value === null || value === '') continue;
    const other = recordsWith(type, name, value).find((r) => r.id !== selfId);
    if (other)
      return new HubSpotError(
        409,
        'CONFLICT',
        `A ${type.singular} with ${name} '${value}' already exists. Existing ID: ${other.id}`,
      );
  }
  return undefined;
}
