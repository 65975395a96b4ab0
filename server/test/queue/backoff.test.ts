import { describe, expect, it } from 'vitest';
import { hubspotRetry, salesforceRetryable } from '../../src/crm/classify.ts';
import { backoffMs } from '../../src/queue/backoff.ts';
import { RollingWindowLimiter } from '../../src/crm/rateLimiter.ts';

describe('salesforceRetryable', () => {
  it.each([
    ['UNABLE_TO_LOCK_ROW', undefined, true],
    ['REQUEST_LIMIT_EXCEEDED', 403, true],
    ['SERVER_UNAVAILABLE', 503, true],
    ['ECONNRESET', undefined, true],
    ['http_502', 502, true],
    ['FIELD_CUSTOM_VALIDATION_EXCEPTION', undefined, false],
    ['INVALID_FIELD', 400, false],
    ['DUPLICATE_VALUE', undefined, false],
    ['STRING_TOO_LONG', undefined, false],
  ])('treats %s (HTTP %s) as retryable: %s', (code, status, retryable) => {
    expect(salesforceRetryable(code, status)).toBe(retryable);
  });
});

describe('hubspotRetry', () => {
  it.each([
    [429, { policyName: 'TEN_SECONDLY_ROLLING' }, undefined, { retryable: true, waitMs: 10_000 }],
    [429, { policyName: 'TEN_SECONDLY_ROLLING' }, '3', { retryable: true, waitMs: 3_000 }],
    [
      429,
      { message: 'You have reached your secondly limit.' },
      undefined,
      { retryable: true, waitMs: 1_000 },
    ],
    [429, { policyName: 'DAILY' }, undefined, { retryable: true, waitMs: 3_600_000 }],
    [423, {}, undefined, { retryable: true, waitMs: 2_000 }],
    [423, {}, '5', { retryable: true, waitMs: 5_000 }],
    [502, {}, undefined, { retryable: true }],
    [477, {}, '60', { retryable: true, waitMs: 60_000 }],
    [undefined, undefined, undefined, { retryable: true }],
    [400, { category: 'VALIDATION_ERROR' }, undefined, { retryable: false }],
    [409, { category: 'CONFLICT' }, undefined, { retryable: false }],
  ])('answers HTTP %s %o (Retry-After %s) with %o', (status, body, retryAfter, verdict) => {
    expect(hubspotRetry(status, body, retryAfter)).toEqual(verdict);
  });
});

describe('backoffMs', () => {
  it('doubles from 2 s with ±50% jitter, capped at 15 min, never under what the CRM asked', () => {
    expect(backoffMs(0, 0.5)).toBe(2_000);
    expect(backoffMs(3, 0)).toBe(8_000);
    expect(backoffMs(3, 0.999)).toBe(23_984);
    expect(backoffMs(30, 0.5)).toBe(900_000);
    expect(backoffMs(0, 0.5, 10_000)).toBe(10_000);
    expect(backoffMs(2, 0.5, undefined, 20)).toBe(80);
  });
});

describe('RollingWindowLimiter', () => {
  it('lets `limit` calls through per window and makes the next one wait for the oldest to expire', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new RollingWindowLimiter(
      3,
      10_000,
      () => now,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
    );
    for (let i = 0; i < 3; i++) await limiter.acquire();
    expect(waits).toEqual([]);
    now = 4_000;
    await limiter.acquire();
    expect(waits).toEqual([6_001]);
  });

  it('holds every call after a pause (a 429 with Retry-After)', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new RollingWindowLimiter(
      100,
      10_000,
      () => now,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
    );
    limiter.pause(7_000);
    await limiter.acquire();
    expect(waits).toEqual([7_000]);
  });
});
