import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { type CallLog, type FaultRule, type Faults, endpointKey, sleep } from '../common.ts';
import { HubSpotError, type HubSpotPortal } from './portal.ts';

const WINDOW_MS = 10_000;

export interface GateOptions {
  /** Private-app tokens accepted; default `pat-sandbox`. */
  readonly tokens?: readonly string[];
  /** Requests per token per rolling 10 s; default 100 (private app, Free/Starter). */
  readonly burstLimit?: number;
  /** Requests per portal per day; default 250,000. */
  readonly dailyLimit?: number;
  /** Search requests per portal per second; default 5. */
  readonly searchPerSecond?: number;
}

/**
 * What stands before every CRM route, in HubSpot's order: the call is recorded, an injected fault
 * picked, the bearer token checked (and expired by a fault's TTL), then the daily, search and
 * ten-secondly limits, with HubSpot's rate-limit headers and 429 bodies.
 */
export class ApiGate {
  private readonly tokens: Set<string>;
  private readonly tokenIssuedAt = new Map<string, number>();
  private readonly recent = new Map<string, number[]>();
  private searches: number[] = [];
  /** Requests counted against the daily limit (kept in the state file). */
  daily = 0;
  /** The fault picked for each request (a per-input fault acts inside the batch). */
  private readonly picked = new WeakMap<Request, FaultRule>();

  constructor(
    private readonly options: GateOptions,
    private readonly faults: Faults,
    private readonly calls: CallLog,
    private readonly portal: HubSpotPortal,
  ) {
    this.tokens = new Set(options.tokens ?? ['pat-sandbox']);
  }

  get burstLimit(): number {
    return this.options.burstLimit ?? 100;
  }

  get dailyLimit(): number {
    return this.options.dailyLimit ?? 250_000;
  }

  pickedFault(req: Request): FaultRule | undefined {
    return this.picked.get(req);
  }

  /** New faults start their token TTL afresh. */
  forgetTokens(): void {
    this.tokenIssuedAt.clear();
  }

  reset(): void {
    this.recent.clear();
    this.searches = [];
    this.daily = 0;
    this.tokenIssuedAt.clear();
  }

  /** Whether the request goes on to its route; when not, the response has been sent (or hangs). */
  async pass(req: Request, res: Response): Promise<boolean> {
    const path = req.baseUrl + req.path;
    const isSearch = req.method === 'POST' && /\/search$/.test(path);
    this.calls.record(endpointKey(req.method, path), true);
    const fault = this.faults.pick(req.method, path);
    if (fault) this.picked.set(req, fault);
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (fault?.hang) return false;
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!token || !this.tokens.has(token)) {
      res
        .status(401)
        .json(
          new HubSpotError(
            401,
            'INVALID_AUTHENTICATION',
            'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
          ).body(),
        );
      return false;
    }
    const ttl = this.faults.tokenTtlMs;
    if (ttl !== undefined) {
      const issued = this.tokenIssuedAt.get(token) ?? Date.now();
      this.tokenIssuedAt.set(token, issued);
      if (Date.now() - issued >= ttl) {
        const minutes = Math.max(0, Math.floor((Date.now() - issued - ttl) / 60_000));
        res
          .status(401)
          .json(
            new HubSpotError(
              401,
              'EXPIRED_AUTHENTICATION',
              `The OAuth token used to make this call expired ${minutes} minute(s) ago.`,
            ).body(),
          );
        return false;
      }
    }
    const at = Date.now();
    this.daily++;
    if (this.daily > this.dailyLimit) {
      res.status(429).json({
        status: 'error',
        message: 'You have reached your daily limit.',
        errorType: 'RATE_LIMIT',
        correlationId: randomUUID(),
        policyName: 'DAILY',
        requestId: randomUUID(),
      });
      return false;
    }
    if (isSearch) {
      // Search has its own limit, is exempt from the ten-secondly one, and sends no limit headers.
      this.searches = this.searches.filter((t) => at - t < 1000);
      if (this.searches.length >= (this.options.searchPerSecond ?? 5)) {
        res.status(429).json({
          status: 'error',
          message: 'You have reached your secondly limit.',
          errorType: 'RATE_LIMIT',
          correlationId: randomUUID(),
          policyName: 'SECONDLY',
        });
        return false;
      }
      this.searches.push(at);
    } else {
      const window = (this.recent.get(token) ?? []).filter((t) => at - t < WINDOW_MS);
      const remaining = this.burstLimit - window.length;
      res.set({
        'X-HubSpot-RateLimit-Daily': String(this.dailyLimit),
        'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, this.dailyLimit - this.daily)),
        'X-HubSpot-RateLimit-Interval-Milliseconds': String(WINDOW_MS),
        'X-HubSpot-RateLimit-Max': String(this.burstLimit),
        'X-HubSpot-RateLimit-Remaining': String(Math.max(0, remaining - 1)),
      });
      if (remaining <= 0) {
        this.recent.set(token, window);
        res.set(
          'Retry-After',
          String(Math.max(1, Math.ceil((WINDOW_MS - (at - (window[0] as number))) / 1000))),
        );
        res.status(429).json({
          status: 'error',
          message: 'You have reached your ten_secondly_rolling limit.',
          errorType: 'RATE_LIMIT',
          correlationId: randomUUID(),
          policyName: 'TEN_SECONDLY_ROLLING',
          groupName: `publicapi:private_app-api-calls-ten-secondly:${this.portal.portalId}`,
        });
        return false;
      }
      window.push(at);
      this.recent.set(token, window);
    }
    if (fault?.status) {
      if (fault.retryAfterSeconds !== undefined)
        res.set('Retry-After', String(fault.retryAfterSeconds));
      const body =
        fault.status === 429
          ? {
              status: 'error',
              message: 'You have reached your ten_secondly_rolling limit.',
              errorType: 'RATE_LIMIT',
              correlationId: randomUUID(),
              policyName: 'TEN_SECONDLY_ROLLING',
            }
          : new HubSpotError(
              fault.status,
              fault.errorCode ??
                (fault.status === 423
                  ? 'LOCKED'
                  : fault.status >= 500
                    ? 'INTERNAL_ERROR'
                    : 'VALIDATION_ERROR'),
              fault.message ??
                (fault.status === 423
                  ? 'The record is locked by another update; retry after 2 seconds.'
                  : `Injected fault ${fault.status}`),
            ).body();
      res.status(fault.status).json(body);
      return false;
    }
    return true;
  }
}
