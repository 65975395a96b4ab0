import type { Reply, Row } from './app.ts';
import { COLLECTION_LIMIT } from './collections.ts';
import { normalizeId } from './ids.ts';
import { apiError, type SalesforceOrg, type SaveResult } from './org.ts';

// The sObject resources of the REST API: the object list, describe, and one record by id or by
// external id (read, create, update, upsert, delete), with Salesforce's error lists.

function describe(org: SalesforceOrg, type: string, version: string): Row {
  const object = org.object(type);
  return {
    name: object.name,
    label: object.label,
    keyPrefix: object.keyPrefix,
    custom: object.custom,
    createable: !object.customMetadata,
    updateable: !object.customMetadata,
    deletable: !object.customMetadata,
    queryable: true,
    urls: {
      sobject: `/services/data/v${version}/sobjects/${object.name}`,
      describe: `/services/data/v${version}/sobjects/${object.name}/describe`,
    },
    fields: [...object.fields.values()].map((f) => ({
      name: f.name,
      label: f.label,
      type: f.type,
      length: f.length ?? 0,
      precision: f.precision ?? 0,
      scale: f.scale ?? 0,
      nillable: !f.required,
      createable: f.createable,
      updateable: f.updateable,
      unique: Boolean(f.unique),
      externalId: Boolean(f.externalId),
      idLookup: Boolean(f.externalId) || f.name === 'Id',
      custom: f.custom,
      defaultValue: f.defaultValue ?? null,
      referenceTo: f.referenceTo ?? [],
      relationshipName:
        f.type === 'reference'
          ? f.custom
            ? f.name.replace(/__c$/, '__r')
            : (f.relationshipName ?? null)
          : null,
      restrictedPicklist: Boolean(f.restrictedPicklist),
      picklistValues: (f.picklistValues ?? []).map((value) => ({
        value,
        label: value,
        active: true,
        defaultValue: value === f.defaultValue,
      })),
    })),
  };
}

function asRestErrors(result: SaveResult, status = 400): Reply {
  if (result.success) return { status: 201, body: result };
  return {
    status,
    body: result.errors.map((e) => ({
      message: e.message,
      errorCode: e.statusCode,
      fields: e.fields,
    })),
  };
}

export function sobjectsRoute(
  org: SalesforceOrg,
  method: string,
  version: string,
  type: string | undefined,
  second: string | undefined,
  third: string | undefined,
  query: Record<string, string>,
  body: unknown,
): Reply {
  if (!type) {
    if (method !== 'GET')
      throw apiError(
        405,
        'METHOD_NOT_ALLOWED',
        `HTTP Method '${method}' not allowed. Allowed are GET`,
      );
    return {
      status: 200,
      body: {
        encoding: 'UTF-8',
        maxBatchSize: COLLECTION_LIMIT,
        sobjects: [...org.schema.keys()].map((name) => ({
          name,
          label: org.object(name).label,
          custom: org.object(name).custom,
          keyPrefix: org.object(name).keyPrefix,
          queryable: true,
        })),
      },
    };
  }
  const object = org.object(type);
  if (second === 'describe' && method === 'GET')
    return { status: 200, body: describe(org, object.name, version) };
  if (!second) {
    if (method === 'GET')
      return {
        status: 200,
        body: {
          objectDescribe: {
            name: object.name,
            label: object.label,
            keyPrefix: object.keyPrefix,
            custom: object.custom,
          },
          recentItems: [],
        },
      };
    if (method === 'POST') return asRestErrors(org.create(object.name, (body ?? {}) as Row));
    throw apiError(
      405,
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${method}' not allowed. Allowed are GET,POST`,
    );
  }
  if (third !== undefined) {
    if (method === 'PATCH') {
      const { status, result } = org.upsert(
        object.name,
        second,
        third,
        (body ?? {}) as Row,
        version,
      );
      if (status === 300) return { status: 300, body: result };
      const save = result as SaveResult;
      return save.success ? { status, body: save } : asRestErrors(save);
    }
    if (method === 'GET') {
      // Indexed for the object's own fields only: an index per name a URL may carry would grow
      // with every unknown name and slow every write.
      const rows = object.fields.has(second)
        ? org.withValue(object.name, second, third)
        : org.rows(object.name).filter((row) => row[second] === third);
      if (rows.length === 0)
        throw apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
      if (rows.length > 1)
        return {
          status: 300,
          body: rows.map(
            (row) => `/services/data/v${version}/sobjects/${object.name}/${String(row.Id)}`,
          ),
        };
      return retrieve(org, object.name, String((rows[0] as Row).Id), query, version);
    }
    throw apiError(
      405,
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${method}' not allowed. Allowed are GET,PATCH`,
    );
  }
  const id = normalizeId(second);
  if (!id) throw apiError(400, 'MALFORMED_ID', `Id in URL is not valid: ${second}`);
  if (method === 'GET') return retrieve(org, object.name, id, query, version);
  if (method === 'PATCH') {
    const result = org.update(object.name, id, (body ?? {}) as Row);
    if (!result.success && result.errors[0]?.statusCode === 'ENTITY_IS_DELETED')
      throw apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    return result.success ? { status: 204 } : asRestErrors(result);
  }
  if (method === 'DELETE') {
    if (org.typeOf(id) !== object.name)
      throw apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const result = org.delete(id);
    return result.success ? { status: 204 } : asRestErrors(result);
  }
  throw apiError(
    405,
    'METHOD_NOT_ALLOWED',
    `HTTP Method '${method}' not allowed. Allowed are GET,PATCH,DELETE`,
  );
}

function retrieve(
  org: SalesforceOrg,
  type: string,
  id: string,
  query: Record<string, string>,
  version: string,
): Reply {
  const row = org.get(id);
  if (!row || org.typeOf(id) !== type)
    throw apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
  const fields = query.fields
    ? query.fields.split(',').map((f) => f.trim())
    : [...org.object(type).fields.keys()];
  const result = org.query(`SELECT ${fields.join(', ')} FROM ${type} WHERE Id = '${id}'`, version);
  return { status: 200, body: result.records[0] };
}
