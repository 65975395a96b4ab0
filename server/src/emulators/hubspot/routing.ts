import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { FaultRule, Faults } from '../common.ts';
import type { BatchErrorMode } from './objects.ts';
import { HubSpotError, type HubSpotPortal } from './portal.ts';

/** Inputs per batch call of the CRM v3 objects and properties APIs. */
export const BATCH_LIMIT = 100;

export type Body = Record<string, unknown>;
export const now = () => new Date().toISOString();

/** What a route answers: a status, and a JSON body unless it is empty (204). */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
}

/** Turns a route's reply into the response, a HubSpotError into HubSpot's error body. */
export type Handle = (fn: (req: Request) => Reply | Promise<Reply>) => RequestHandler;

/** What every route family is given: the portal and the request's fault, nothing of the gate. */
export interface RouteContext {
  readonly portal: HubSpotPortal;
  readonly handle: Handle;
  readonly faults: Faults;
  /** How batch writes answer when some inputs are bad, read per request (tests switch it). */
  batchErrors(): BatchErrorMode;
  /** The fault the gate picked for this request (a per-input fault acts inside the batch). */
  picked(req: Request): FaultRule | undefined;
}

/** A handle whose every reply is followed by `changed` (the state file saves the portal). */
export function handler(changed: () => void): Handle {
  return (fn) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const reply = await fn(req);
      changed();
      if (reply.body === undefined) res.status(reply.status).end();
      else res.status(reply.status).json(reply.body);
    } catch (error) {
      if (error instanceof HubSpotError) return void res.status(error.status).json(error.body());
      next(error);
    }
  };
}

export const param = (req: Request, name: string) =>
  String((req.params as Record<string, string>)[name]);

/**
 * A list query parameter in both forms HubSpot reads: repeated, as @hubspot/api-client sends
 * it (`properties=a&properties=b`), or comma-separated (`properties=a,b`).
 */
export function listParam(req: Request, name: string): string[] {
  const value = req.query[name];
  return (Array.isArray(value) ? value : [value])
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** The body of a HubSpot batch answer: its results, and its errors when some inputs failed. */
export function batchBody(results: unknown[], errors: unknown[] = [], startedAt = now()) {
  return {
    status: 'COMPLETE',
    results,
    ...(errors.length > 0 && { numErrors: errors.length, errors }),
    startedAt,
    completedAt: now(),
  };
}

/** A batch call's `inputs`, refused when not a list or longer than the endpoint's limit. */
export function batchInputs(body: unknown, limit: number): Body[] {
  const inputs = (body as { inputs?: unknown })?.inputs;
  if (!Array.isArray(inputs))
    throw new HubSpotError(400, 'VALIDATION_ERROR', 'Invalid input JSON: inputs must be a list');
  if (inputs.length > limit)
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `Batch input limit exceeded: ${inputs.length} inputs given, the limit is ${limit}.`,
      { context: { inputs: [String(inputs.length)] } },
    );
  return inputs as Body[];
}
