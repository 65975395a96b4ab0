/**
 * What a CRM adapter resolved recently (contacts by e-mail, accounts by domain, users...), reused
 * for `ttlMs`: batches repeat respondents. Only what was found is cached, so a respondent who
 * appears in the CRM is found at the next look-up.
 */
export class ResolutionCache {
  private readonly entries = new Map<string, { at: number; value: unknown }>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * The values of `keys`, looking up with `lookup` only those not resolved recently.
   * @param kind a namespace (`contact`, `domain`...)
   * @param keys the keys wanted
   * @param lookup resolves the missing keys; keys it does not return were not found
   */
  async get<T>(
    kind: string,
    keys: readonly string[],
    lookup: (missing: string[]) => Promise<Map<string, T>>,
  ): Promise<Map<string, T>> {
    const now = this.clock();
    const found = new Map<string, T>();
    const missing: string[] = [];
    for (const key of new Set(keys)) {
      const hit = this.entries.get(`${kind}:${key}`);
      if (hit && now - hit.at < this.ttlMs) found.set(key, hit.value as T);
      else missing.push(key);
    }
    if (missing.length > 0) {
      for (const [key, value] of await lookup(missing)) {
        this.entries.set(`${kind}:${key}`, { at: now, value });
        found.set(key, value);
      }
    }
    return found;
  }
}
