import { readFileSync } from 'node:fs';
import { ApiException } from '@hubspot/api-client/lib/codegen/crm/objects/apis/exception.js';
import { describe, expect, it } from 'vitest';
import {
  apiUsage,
  asCrmError,
  classifyFailure,
  failureOf,
  recordError,
  type CrmFailure,
} from '../../src/crm/classify.ts';
import { HUBSPOT_QUIRKS } from '../../src/crm/hubspot/quirks.ts';
import { SALESFORCE_QUIRKS } from '../../src/crm/salesforce/quirks.ts';

/** The vendors' documented error bodies (../shared/fixtures/crm, copied with provenance). */
const fixture = (path: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/crm/${path}`, import.meta.url), 'utf8')) as Record<
    string,
    Record<string, unknown> & unknown[]
  >;
const hubspot = fixture('hubspot/errors.json');
const salesforce = fixture('salesforce/errors.json');

/** What @hubspot/api-client throws for a refused call: an ApiException with status, body, headers. */
const hubspotRefusal = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new ApiException(status, `HTTP-Code: ${status}`, body, headers);
/** What jsforce throws for a REST error array: an HttpApiError named after its errorCode. */
const jsforceRefusal = ([first]: { errorCode: string; message: string }[]) =>
  Object.assign(new Error(first?.message), { name: first?.errorCode, errorCode: first?.errorCode });

describe('classifying HubSpot failures', () => {
  it.each([
    ['a ten-secondly 429', 429, hubspot['429_ten_secondly'], {}, true, 10_000],
    [
      'a ten-secondly 429 with Retry-After',
      429,
      hubspot['429_ten_secondly'],
      { 'retry-after': '3' },
      true,
      3_000,
    ],
    [
      'a 429 whose rate-limit headers say the window is spent',
      429,
      hubspot['429_ten_secondly'],
      {
        'x-hubspot-ratelimit-remaining': '0',
        'x-hubspot-ratelimit-interval-milliseconds': '10000',
      },
      true,
      10_000,
    ],
    ['the daily limit', 429, hubspot['429_daily'], {}, true, 3_600_000],
    ['the search limit', 429, hubspot['429_search_secondly'], {}, true, 1_000],
    ['a lock', 423, {}, {}, true, 2_000],
    ['a lock with a longer Retry-After', 423, {}, { 'retry-after': '5' }, true, 5_000],
    ['an expired token', 401, hubspot['401_expired'], {}, true, 30_000],
    ['a migration in progress', 477, {}, { 'retry-after': '60' }, true, 60_000],
    ['a bad gateway', 502, {}, {}, true, undefined],
    ['a validation error', 400, hubspot['400_validation'], {}, false, undefined],
    ['a unique-value conflict', 409, hubspot['409_conflict_unique_value'], {}, false, undefined],
  ])('%s (HTTP %s) is retryable: %s', (_what, status, body, headers, retryable, waitMs) => {
    const error = asCrmError(HUBSPOT_QUIRKS, hubspotRefusal(status, body, headers));
    expect({ retryable: error.retryable, waitMs: error.waitMs, status: error.status }).toEqual({
      retryable,
      waitMs,
      status,
    });
  });

  it('names the failure by the body category or policy, with HubSpot message, as dead letters show', () => {
    const failure = failureOf(HUBSPOT_QUIRKS, hubspotRefusal(400, hubspot['400_validation']));
    expect(classifyFailure(HUBSPOT_QUIRKS, failure).reason).toBe(
      'VALIDATION_ERROR: Property values were not valid: [...]',
    );
    expect(failureOf(HUBSPOT_QUIRKS, hubspotRefusal(429, hubspot['429_daily'])).code).toBe('DAILY');
    expect(failureOf(HUBSPOT_QUIRKS, hubspotRefusal(503, 'Service Unavailable')).code).toBe(
      'http_503',
    );
  });

  it('retries a call that never got an answer, named by its network code', () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: { code: 'ECONNREFUSED' },
    });
    const error = asCrmError(HUBSPOT_QUIRKS, refused);
    expect({ code: error.code, retryable: error.retryable }).toEqual({
      code: 'ECONNREFUSED',
      retryable: true,
    });
    expect(asCrmError(HUBSPOT_QUIRKS, new TypeError('fetch failed')).code).toBe('network_error');
  });

  it.each([
    ['VALIDATION_ERROR', false],
    ['CONFLICT', false],
    ['OBJECT_NOT_FOUND', false],
    ['RATE_LIMITS', true],
  ])('treats a batch input refused with %s as retryable: %s', (category, retryable) => {
    expect(recordError(HUBSPOT_QUIRKS, category, 'refused').retryable).toBe(retryable);
  });
});

describe('classifying Salesforce failures', () => {
  it.each([
    ['an expired session', salesforce['401_INVALID_SESSION_ID'], true],
    ['the request limit', salesforce['403_REQUEST_LIMIT_EXCEEDED'], true],
    ['a duplicate external id', salesforce['400_DUPLICATE_VALUE_single'], false],
    ['a validation rule', salesforce['400_FIELD_CUSTOM_VALIDATION_EXCEPTION_single'], false],
  ])('%s thrown by jsforce is retryable: %s', (_what, body, retryable) => {
    const error = asCrmError(SALESFORCE_QUIRKS, jsforceRefusal(body as never));
    expect({ code: error.code, retryable: error.retryable }).toEqual({
      code: (body as { errorCode: string }[])[0]?.errorCode,
      retryable,
    });
  });

  it.each([
    ['a lock on a record', salesforce['collections_item_UNABLE_TO_LOCK_ROW'], true],
    ['a duplicate in a collection', salesforce['collections_item_DUPLICATE_VALUE'], false],
  ])('%s in sObject Collections results is retryable: %s', (_what, item, retryable) => {
    const [first] = (item as unknown as { errors: { statusCode: string; message: string }[] })
      .errors;
    expect(recordError(SALESFORCE_QUIRKS, first!.statusCode, first!.message).retryable).toBe(
      retryable,
    );
  });

  it.each<[string, CrmFailure, boolean]>([
    ['a Composite subrequest answering 503', { status: 503, code: 'http_503', message: '' }, true],
    ['Edge rate limiting', { status: 420, code: 'http_420', message: '' }, true],
    ['a 429', { status: 429, code: 'http_429', message: '' }, true],
    ['a reset connection', { code: 'ECONNRESET', message: 'socket hang up' }, true],
    ['an invalid field', { status: 400, code: 'INVALID_FIELD', message: 'No such column' }, false],
    [
      'a string too long',
      { code: 'STRING_TOO_LONG', message: 'Comment: data value too large' },
      false,
    ],
  ])('%s is retryable: %s', (_what, failure, retryable) => {
    expect(classifyFailure(SALESFORCE_QUIRKS, failure).retryable).toBe(retryable);
  });

  it('waits an hour when Sforce-Limit-Info says the daily allocation is spent', () => {
    const limit = {
      code: 'REQUEST_LIMIT_EXCEEDED',
      message: 'TotalRequests Limit exceeded.',
      headers: { 'sforce-limit-info': 'api-usage=100000/100000; api-bursts=1/750' },
    };
    expect(classifyFailure(SALESFORCE_QUIRKS, limit)).toEqual({
      retryable: true,
      waitMs: 3_600_000,
      reason: 'REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.',
    });
    expect(
      classifyFailure(SALESFORCE_QUIRKS, {
        ...limit,
        headers: { 'sforce-limit-info': 'api-usage=18/100000' },
      }).waitMs,
    ).toBeUndefined();
  });

  it('reads api-usage as jsforce does', () => {
    expect(apiUsage('api-usage=10018/100000; api-bursts=1/750')).toEqual({
      used: 10018,
      limit: 100000,
    });
    expect(apiUsage(undefined)).toBeUndefined();
  });
});
