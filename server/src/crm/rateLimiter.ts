/**
 * A rolling-window limiter: at most `limit` calls in any `windowMs`, as HubSpot counts them (100
 * per 10 s for a private app). `acquire()` waits for a free slot instead of letting the CRM answer
 * 429; `pause()` holds every call after a 429 for as long as the CRM asked.
 */
export class RollingWindowLimiter {
  private stamps: number[] = [];
  private pausedUntil = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async acquire(): Promise<void> {
    for (;;) {
      const now = this.clock();
      if (now < this.pausedUntil) {
        await this.sleep(this.pausedUntil - now);
        continue;
      }
      this.stamps = this.stamps.filter((t) => now - t < this.windowMs);
      if (this.stamps.length < this.limit) {
        this.stamps.push(now);
        return;
      }
      await this.sleep(this.windowMs - (now - (this.stamps[0] as number)) + 1);
    }
  }

  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock() + ms);
  }
}
