/**
 * The delay before the next attempt: exponential from 2 s, capped at 15 min, with ±50% jitter so
 * that a burst of failures does not come back as a burst of retries. A wait the CRM asked for is a
 * floor.
 * @param attempts attempts already made
 * @param random a number in [0, 1)
 * @param waitMs what the CRM asked for
 * @param baseMs the first delay
 */
export function backoffMs(
  attempts: number,
  random: number,
  waitMs?: number,
  baseMs = 2_000,
): number {
  const base = Math.min(15 * 60_000, baseMs * 2 ** Math.max(0, attempts));
  const jittered = Math.round(base * (0.5 + random));
  return Math.max(jittered, waitMs ?? 0);
}
