import type { FaultRule, Faults } from '../common.ts';
import type { Reply, Row } from './app.ts';
import { apiError, type SalesforceOrg, type SaveResult } from './org.ts';

/** Records per sObject Collections call. */
export const COLLECTION_LIMIT = 200;

/** sObject Collections: create, update, upsert, delete of up to 200 records, results in order. */
export function collectionsRoute(
  org: SalesforceOrg,
  faults: Faults,
  method: string,
  type: string | undefined,
  externalField: string | undefined,
  query: Record<string, string>,
  body: unknown,
  fault: FaultRule | undefined,
  allOrNoneOverride?: boolean,
): Reply {
  const request = (body ?? {}) as { allOrNone?: boolean; records?: Row[] };
  const isDelete = method === 'DELETE';
  const items: unknown[] = isDelete
    ? String(query.ids ?? '')
        .split(',')
        .filter(Boolean)
    : (request.records ?? []);
  if (!isDelete && !Array.isArray(request.records))
    throw apiError(400, 'INVALID_INPUT', 'records: a list of records is required');
  if (items.length > COLLECTION_LIMIT)
    throw apiError(
      400,
      'EXCEEDED_ID_LIMIT',
      `record limit reached. cannot submit more than ${COLLECTION_LIMIT} records into this call`,
    );
  const allOrNone =
    allOrNoneOverride ?? (isDelete ? query.allOrNone === 'true' : Boolean(request.allOrNone));
  const before = allOrNone ? org.snapshot() : undefined;
  const results = items.map((item): SaveResult => {
    const targeted =
      fault?.recordMatch === undefined || JSON.stringify(item).includes(fault.recordMatch);
    if (
      fault?.recordErrorCode &&
      targeted &&
      (fault.recordMatch !== undefined || faults.hits(fault))
    ) {
      const id = isDelete ? String(item) : String((item as Row).id ?? (item as Row).Id ?? '');
      return {
        success: false,
        errors: [
          {
            statusCode: fault.recordErrorCode,
            message:
              fault.message ??
              (fault.recordErrorCode === 'UNABLE_TO_LOCK_ROW'
                ? `unable to obtain exclusive access to this record or 1 records: ${id}`
                : `Injected fault ${fault.recordErrorCode}`),
            fields: [],
          },
        ],
      };
    }
    if (isDelete) return org.delete(item);
    const record = item as Row;
    const recordType = (record.attributes as { type?: string } | undefined)?.type;
    if (!recordType)
      return {
        success: false,
        errors: [
          {
            statusCode: 'INVALID_INPUT',
            message:
              'When the request uses sObject Collections, each record must specify the type attribute',
            fields: [],
          },
        ],
      };
    if (method === 'POST') return org.create(recordType, record);
    if (method === 'PATCH' && type && externalField) {
      if (recordType !== type)
        return {
          success: false,
          errors: [
            {
              statusCode: 'INVALID_INPUT',
              message: `record type ${recordType} does not match ${type}`,
              fields: [],
            },
          ],
        };
      const key = Object.keys(record).find((k) => k.toLowerCase() === externalField.toLowerCase());
      const { result } = org.upsert(type, externalField, key ? record[key] : undefined, record);
      if (Array.isArray(result))
        return {
          success: false,
          errors: [
            {
              statusCode: 'DUPLICATE_EXTERNAL_ID',
              message: `Upsert failed. ${result.length} records match ${externalField}`,
              fields: [externalField],
            },
          ],
        };
      return result;
    }
    if (method === 'PATCH') {
      const { id, Id, ...fields } = record;
      return org.update(recordType, id ?? Id, fields);
    }
    throw apiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed.`);
  });
  if (before && results.some((r) => !r.success)) {
    org.restore(before);
    return {
      status: 200,
      body: results.map((r) =>
        r.success
          ? {
              success: false,
              errors: [
                {
                  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
                  message:
                    'Record rolled back because not all records were valid and the request was using AllOrNone header',
                  fields: [],
                },
              ],
            }
          : r,
      ),
    };
  }
  return { status: 200, body: results };
}
