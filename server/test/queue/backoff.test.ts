import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/queue/backoff.ts';
import { RollingWindowLimiter } from '../../src/crm/rateLimiter.ts';

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
