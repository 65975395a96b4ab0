import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { bulkUploads, bulkUpsertOf, failedRecordError } from '../../src/crm/salesforce/bulk.ts';

const item = (key: string, fields: Record<string, unknown>) => ({
  key,
  record: { attributes: { type: 'Survey_Response__c' }, External_Id__c: key, ...fields },
});

describe('bulkUploads', () => {
  it('writes one header of every field set, the external id first, and values as Bulk API reads them', () => {
    const [upload] = bulkUploads(
      [
        item('api:1', { Score__c: 9, Comment__c: 'Délai, "trop" long\nvraiment' }),
        item('api:2', { Score__c: 3, Contact__c: null, Touchpoint__c: '' }),
      ],
      'External_Id__c',
    );
    const rows = parse(upload?.csv ?? '') as string[][];
    expect(rows).toEqual([
      ['External_Id__c', 'Score__c', 'Comment__c', 'Contact__c', 'Touchpoint__c'],
      // Absent: left as it is (empty); null or empty: cleared (#N/A).
      ['api:1', '9', 'Délai, "trop" long\nvraiment', '', ''],
      ['api:2', '3', '', '#N/A', '#N/A'],
    ]);
  });

  it('cuts uploads that stay under the limit once base64 encoded', () => {
    const items = Array.from({ length: 100 }, (_, i) =>
      item(`api:${i}`, { Comment__c: 'x'.repeat(90) }),
    );
    const uploads = bulkUploads(items, 'External_Id__c', 4096);
    expect(uploads.length).toBeGreaterThan(1);
    for (const upload of uploads)
      expect(Buffer.from(upload.csv).toString('base64').length).toBeLessThanOrEqual(4096);
    expect(uploads.flatMap((u) => u.items.map((i) => i.key))).toEqual(items.map((i) => i.key));
  });
});

describe('failedRecordError', () => {
  it.each([
    [
      'UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record:--',
      'UNABLE_TO_LOCK_ROW',
      true,
    ],
    [
      'STRING_TOO_LONG:Comment: data value too large: a:b (max length=10):Comment__c',
      'STRING_TOO_LONG',
      false,
    ],
  ])('reads %s as a %s error (retryable: %s)', (text, code, retryable) => {
    const error = failedRecordError(text);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
  });
});

describe('bulkUpsertOf', () => {
  const path = '/composite/sobjects/Survey_Response__c/External_Id__c';
  it('takes upserts above the threshold, not at it, never with Bulk API off', () => {
    const records = (n: number) => Array.from({ length: n }, () => ({}));
    expect(bulkUpsertOf(path, records(2001), 2000)).toEqual({
      object: 'Survey_Response__c',
      field: 'External_Id__c',
    });
    expect(bulkUpsertOf(path, records(2000), 2000)).toBeUndefined();
    expect(bulkUpsertOf(path, records(5000), 0)).toBeUndefined();
    expect(bulkUpsertOf('/composite/sobjects', records(5000), 2000)).toBeUndefined();
  });
});
