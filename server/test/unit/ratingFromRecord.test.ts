import { describe, expect, it } from 'vitest';
import type { Rating } from '@boucle/shared/schemas';
import {
  ratingFromRecord,
  responseRatingRecord,
  salesforceInstant,
} from '../../src/crm/salesforce/mappers.ts';

/** A Response_Rating__c as the REST API returns it (date-times with a `+0000` offset). */
const record = (overrides: Record<string, unknown> = {}) => ({
  Id: 'a0B000000000001AAA',
  External_Id__c: 'salesforce:case-9:005000000000002AAA',
  Interaction_Id__c: 'case-9',
  Employee__c: '005000000000002AAA',
  Rating__c: 4,
  Comment__c: null,
  CreatedDate: '2026-12-01T09:15:00.000+0000',
  SystemModstamp: '2026-12-01T10:00:00.000+0000',
  ...overrides,
});

describe('reading back a rating entered in Salesforce', () => {
  it('reads Salesforce date-times with their +0000 offset', () => {
    expect(salesforceInstant('2026-12-01T09:15:00.000+0000')).toBe('2026-12-01T09:15:00.000Z');
    expect(salesforceInstant('2026-12-01T11:15:00.000+0200')).toBe('2026-12-01T09:15:00.000Z');
    expect(salesforceInstant('not a date')).toBeUndefined();
  });

  it('keys the rating by the record key, so the writer upserts that very record', () => {
    const read = ratingFromRecord(record(), 'paul@vendor.example');
    expect(read).toEqual({
      rating: {
        id: 'case-9:005000000000002AAA',
        source: 'salesforce',
        interactionId: 'case-9',
        employeeEmail: 'paul@vendor.example',
        rating: 4,
        ratedAt: '2026-12-01T09:15:00.000Z',
      },
    });
    const rating = (read as { rating: Rating }).rating;
    expect(
      responseRatingRecord({ ref: `${rating.source}:${rating.id}`, rating, dissonance: 'aligned' }),
    ).toEqual({
      attributes: { type: 'Response_Rating__c' },
      External_Id__c: 'salesforce:case-9:005000000000002AAA',
      Interaction_Id__c: 'case-9',
      Dissonance__c: 'Aligned',
    });
  });

  it('leaves out the ratings Boucle wrote from the API and records without a key', () => {
    expect(ratingFromRecord(record({ External_Id__c: 'api:r-1' }), 'a@b.example')).toEqual({
      skip: true,
    });
    expect(ratingFromRecord(record({ External_Id__c: null }), 'a@b.example')).toEqual({
      skip: true,
    });
  });

  it('names the record and field of a rating it cannot take', () => {
    expect(ratingFromRecord(record({ Rating__c: 9 }), 'paul@vendor.example')).toEqual({
      error: expect.stringMatching(/^Response_Rating__c a0B000000000001AAA: rating /),
    });
    expect(ratingFromRecord(record(), undefined)).toEqual({
      error: expect.stringContaining('Employee__c 005000000000002AAA'),
    });
  });
});
