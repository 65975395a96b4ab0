import type { FaultRule } from '../common.ts';
import type { Reply, Row } from './app.ts';
import { apiError, type SalesforceOrg } from './org.ts';

const COMPOSITE_LIMIT = 25;
const COMPOSITE_COLLECTIONS_LIMIT = 5;

/** Runs one subrequest as the REST API would, all-or-none forced when the composite asks it. */
export type Dispatch = (
  method: string,
  path: string,
  version: string,
  query: Record<string, string>,
  body: unknown,
  fault: FaultRule | undefined,
  batchSize: number | undefined,
  allOrNoneOverride?: boolean,
) => Reply;

/** Composite: up to 25 subrequests (5 collections or queries), `@{ref.field}` references. */
export function compositeRoute(
  org: SalesforceOrg,
  dispatch: Dispatch,
  body: unknown,
  version: string,
  fault: FaultRule | undefined,
): Reply {
  const request = (body ?? {}) as {
    allOrNone?: boolean;
    compositeRequest?: { method: string; url: string; referenceId: string; body?: unknown }[];
  };
  const subrequests = request.compositeRequest;
  if (!Array.isArray(subrequests) || subrequests.length === 0)
    throw apiError(400, 'INVALID_INPUT', 'compositeRequest: at least one subrequest is required');
  if (subrequests.length > COMPOSITE_LIMIT)
    throw apiError(
      400,
      'LIMIT_EXCEEDED',
      `Maximum number of subrequests exceeded: ${subrequests.length}. A composite request allows ${COMPOSITE_LIMIT}.`,
    );
  const heavy = subrequests.filter((s) =>
    /\/(composite\/sobjects|query|queryAll)(\/|\?|$)/.test(s.url),
  ).length;
  if (heavy > COMPOSITE_COLLECTIONS_LIMIT)
    throw apiError(
      400,
      'LIMIT_EXCEEDED',
      `A composite request allows at most ${COMPOSITE_COLLECTIONS_LIMIT} sObject Collections or query subrequests; it has ${heavy}.`,
    );
  const ids = new Set<string>();
  for (const sub of subrequests) {
    if (!sub.referenceId || !/^[A-Za-z0-9_]+$/.test(sub.referenceId) || ids.has(sub.referenceId))
      throw apiError(
        400,
        'INVALID_INPUT',
        `referenceId must be unique and alphanumeric: ${String(sub.referenceId)}`,
      );
    ids.add(sub.referenceId);
  }
  const allOrNone = Boolean(request.allOrNone);
  const before = allOrNone ? org.snapshot() : undefined;
  const results = new Map<string, unknown>();
  const responses: {
    body: unknown;
    httpHeaders: Record<string, string>;
    httpStatusCode: number;
    referenceId: string;
  }[] = [];
  let failed = false;
  for (const sub of subrequests) {
    if (failed && allOrNone) {
      responses.push({
        body: [
          {
            errorCode: 'PROCESSING_HALTED',
            message:
              'The transaction was rolled back since another operation in the same transaction failed.',
          },
        ],
        httpHeaders: {},
        httpStatusCode: 400,
        referenceId: sub.referenceId,
      });
      continue;
    }
    const resolved = resolveReferences({ url: sub.url, body: sub.body }, results);
    if ('error' in resolved) {
      failed = true;
      responses.push({
        body: [{ errorCode: 'PROCESSING_HALTED', message: resolved.error }],
        httpHeaders: {},
        httpStatusCode: 400,
        referenceId: sub.referenceId,
      });
      continue;
    }
    const url = new URL(resolved.url, 'http://composite');
    const match = /^\/services\/data\/v(\d+\.\d+)(\/.*)?$/.exec(url.pathname);
    const reply = match
      ? dispatch(
          sub.method.toUpperCase(),
          match[2] ?? '',
          match[1] as string,
          Object.fromEntries(url.searchParams),
          resolved.body,
          fault,
          undefined, // a query's default page size
          allOrNone ? true : undefined,
        )
      : {
          status: 400,
          body: [
            {
              errorCode: 'INVALID_INPUT',
              message: `url must start with /services/data/vXX.X/: ${sub.url}`,
            },
          ],
        };
    const subFailed =
      reply.status >= 400 ||
      (Array.isArray(reply.body) &&
        reply.body.some((r) => (r as { success?: boolean }).success === false));
    if (subFailed) failed = true;
    results.set(sub.referenceId, reply.body);
    responses.push({
      body: reply.body ?? null,
      httpHeaders:
        reply.status === 201 && reply.body && typeof reply.body === 'object' && 'id' in reply.body
          ? { Location: `/services/data/v${version}/sobjects/${String((reply.body as Row).id)}` }
          : {},
      httpStatusCode: reply.status,
      referenceId: sub.referenceId,
    });
  }
  if (before && failed) {
    org.restore(before);
    for (const response of responses) {
      if (
        response.httpStatusCode < 400 &&
        !(
          Array.isArray(response.body) &&
          response.body.some((r) => (r as { success?: boolean }).success === false)
        )
      ) {
        response.httpStatusCode = 400;
        response.body = [
          {
            errorCode: 'PROCESSING_HALTED',
            message:
              'The transaction was rolled back since another operation in the same transaction failed.',
          },
        ];
      }
    }
  }
  return { status: 200, body: { compositeResponse: responses } };
}

function resolveReferences(
  sub: { url: string; body?: unknown },
  results: Map<string, unknown>,
): { url: string; body?: unknown } | { error: string } {
  let missing: string | undefined;
  const lookup = (expression: string): unknown => {
    const [ref, ...path] = expression.replace(/\[(\d+)\]/g, '.$1').split('.');
    let value: unknown = results.get(ref as string);
    for (const key of path)
      value =
        value === null || value === undefined ? undefined : (value as Record<string, unknown>)[key];
    if (value === undefined || value === null) missing ??= expression;
    return value;
  };
  const replaceIn = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const whole = /^@\{([^}]+)\}$/.exec(value);
      if (whole) return lookup(whole[1] as string);
      return value.replace(/@\{([^}]+)\}/g, (_, expression: string) => String(lookup(expression)));
    }
    if (Array.isArray(value)) return value.map(replaceIn);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceIn(v)]));
    return value;
  };
  const url = replaceIn(sub.url) as string;
  const body = replaceIn(sub.body);
  if (missing)
    return {
      error: `Invalid reference specified. No value for ${missing} found in the results of an earlier subrequest.`,
    };
  return { url, body };
}
