import { seededRandom } from '../random.ts';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { z } from 'zod';

/**
 * A fault injected into an emulator's CRM API (`POST /__emulator/faults`). A rule applies to the
 * requests whose "METHOD /path" contains `match` (case-insensitive), at `rate` (0–1, seeded so a
 * test run is repeatable), for at most `times` requests when given.
 */
export const faultRuleSchema = z.strictObject({
  match: z.string().min(1, { error: 'must name part of "METHOD /path", e.g. "composite"' }),
  rate: z.number().min(0).max(1, { error: 'must be from 0 to 1' }).default(1),
  times: z.number().int().positive().optional(),
  /** Answer with this HTTP status and the CRM's error body for it. */
  status: z.number().int().min(400).max(599).optional(),
  /** The CRM error code of that body (Salesforce `errorCode`, HubSpot `category`). */
  errorCode: z.string().optional(),
  message: z.string().optional(),
  /** Salesforce collections: fail each record (not the request) with this status code. */
  recordErrorCode: z.string().optional(),
  /** With recordErrorCode: fail only the records whose JSON contains this text (a validation rule). */
  recordMatch: z.string().optional(),
  /** Delay before answering (or before the fault), in milliseconds. */
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  /** Never answer: the client times out. */
  hang: z.boolean().optional(),
  /** Only requests with this Retry-After (HubSpot 429/423/477), in seconds. */
  retryAfterSeconds: z.number().int().min(0).optional(),
});
export type FaultRule = z.output<typeof faultRuleSchema>;

export const faultsBodySchema = z.strictObject({
  rules: z.array(faultRuleSchema).default([]),
  /** Access tokens expire this many minutes after they are issued (0 = at once). */
  tokenTtlMinutes: z.number().min(0).optional(),
  seed: z.number().int().optional(),
});
export type FaultsConfig = z.output<typeof faultsBodySchema>;

/** The faults in force and how many times each rule has fired. */
export class Faults {
  private config: FaultsConfig = { rules: [] };
  private fired: number[] = [];
  private next = seededRandom(1);

  set(config: FaultsConfig): void {
    this.config = config;
    this.fired = config.rules.map(() => 0);
    this.next = seededRandom(config.seed ?? 1);
  }

  get tokenTtlMs(): number | undefined {
    return this.config.tokenTtlMinutes === undefined
      ? undefined
      : this.config.tokenTtlMinutes * 60_000;
  }

  get rules(): readonly FaultRule[] {
    return this.config.rules;
  }

  /** The rule that applies to this request, if any (the first matching rule that fires). */
  pick(method: string, path: string): FaultRule | undefined {
    const key = `${method} ${path}`.toLowerCase();
    for (const [index, rule] of this.config.rules.entries()) {
      if (!key.includes(rule.match.toLowerCase())) continue;
      if (rule.times !== undefined && (this.fired[index] ?? 0) >= rule.times) continue;
      if (this.next() >= rule.rate) continue;
      this.fired[index] = (this.fired[index] ?? 0) + 1;
      return rule;
    }
    return undefined;
  }

  /** Draws whether a per-record fault hits one record. */
  hits(rule: FaultRule): boolean {
    return this.next() < rule.rate;
  }
}

/** API calls received, by endpoint, and the total as the CRM counts them against its limits. */
export class CallLog {
  private byEndpoint = new Map<string, number>();
  total = 0;

  record(endpoint: string, counted: boolean): void {
    this.byEndpoint.set(endpoint, (this.byEndpoint.get(endpoint) ?? 0) + 1);
    if (counted) this.total++;
  }

  toJSON() {
    return {
      total: this.total,
      byEndpoint: Object.fromEntries(
        [...this.byEndpoint.entries()].sort(([a], [b]) => a.localeCompare(b)),
      ),
    };
  }

  reset(): void {
    this.byEndpoint.clear();
    this.total = 0;
  }
}

/** Normalizes a path for the call log: ids and values become placeholders. */
export function endpointKey(method: string, path: string): string {
  const normalized = path
    .split('?')[0]
    ?.replace(/\/v\d+\.\d+\//, '/vXX.X/')
    .split('/')
    .map((segment) =>
      /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(segment) && /\d/.test(segment)
        ? '{id}'
        : /^\d+$/.test(segment)
          ? '{id}'
          : segment,
    )
    .join('/');
  return `${method} ${normalized}`;
}

/**
 * Keeps an emulator's state in a JSON file when one is given (`--data FILE`), written after each
 * change (at most every 200 ms) through a temporary file and a rename, so a crash never leaves
 * half a file.
 */
export class StateFile<T> {
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly path: string | undefined,
    private readonly snapshot: () => T,
  ) {}

  load(): T | undefined {
    if (!this.path || !existsSync(this.path)) return undefined;
    return JSON.parse(readFileSync(this.path, 'utf8')) as T;
  }

  changed(): void {
    if (!this.path || this.timer) return;
    this.timer = setTimeout(() => this.flush(), 200);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.path) return;
    writeFileSync(`${this.path}.tmp`, JSON.stringify(this.snapshot()));
    renameSync(`${this.path}.tmp`, this.path);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An Express app listening on `host:port`. Express 5 hands a failure to listen (a port in use) to
 * the callback, not to an 'error' listener: both reject, so the caller can say which port.
 */
export function listening(app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) =>
      error ? reject(error) : resolve(server),
    );
    server.once('error', reject);
  });
}

/** An emulator listening on `host:port`: its URL, and how to close it (state saved first). */
export async function listenEmulator(
  app: Express,
  stateFile: { flush(): void },
  port: number,
  host: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await listening(app, port, host);
  // Node's HTTP clients (the global agent under jsforce's and @hubspot/api-client's node-fetch)
  // keep idle sockets 5 s, and Node's server closed them after 5 s too: a request sent on a socket
  // just as the server closed it failed with ECONNRESET ("sync step failed" in a fresh sandbox).
  // Like the real CRMs, the emulator keeps idle connections longer than its clients do.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const address = server.address() as { port: number };
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        stateFile.flush();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
