import express, { type Request } from 'express';
import { HubSpotError, type HubRecord, type HubSpotPortal } from './portal.ts';
import {
  BATCH_LIMIT,
  batchBody,
  batchInputs,
  listParam,
  now,
  param,
  type Body,
  type RouteContext,
} from './routing.ts';

/**
 * How batch writes answer when some inputs are bad, HubSpot's documentation being partial:
 * - `documented`: multi-status (207, bad inputs one by one) only for batch create whose every
 *   input carries an objectWriteTraceId, as the error-handling page says; batch update and upsert
 *   fail as a whole on one bad input, nothing written.
 * - `multi-status`: 207 for every batch write whose inputs all carry an objectWriteTraceId (the
 *   specs list 207 as a response of update and upsert too).
 * - `all-or-nothing`: every batch write fails as a whole on one bad input.
 */
export type BatchErrorMode = 'documented' | 'multi-status' | 'all-or-nothing';

/** CRM v3 objects: one record (read, create, update, archive), a page of them, and the batches. */
export function objectRoutes(ctx: RouteContext): express.Router {
  const { portal, handle } = ctx;
  const router = express.Router();
  const props = (req: Request) => {
    const names = listParam(req, 'properties');
    return names.length > 0 ? names : undefined;
  };
  /** `?associations=companies`: the record's associated ids per type, as the v3 read lists them. */
  const withAssociations = (req: Request, record: HubRecord, view: Record<string, unknown>) => {
    const types = listParam(req, 'associations');
    if (types.length === 0) return view;
    const type = param(req, 'type');
    view.associations = Object.fromEntries(
      types.map((to) => [
        portal.type(to).name,
        {
          results: portal.associated(type, record.id, to).map((a) => ({
            id: a.toObjectId,
            type: `${portal.type(type).singular}_to_${portal.type(to).singular}`,
          })),
        },
      ]),
    );
    return view;
  };

  router.post(
    '/crm/v3/objects/:type/batch/create',
    handle((req) => batchWrite(ctx, req, 'create')),
  );
  router.post(
    '/crm/v3/objects/:type/batch/update',
    handle((req) => batchWrite(ctx, req, 'update')),
  );
  router.post(
    '/crm/v3/objects/:type/batch/upsert',
    handle((req) => batchWrite(ctx, req, 'upsert')),
  );
  router.post(
    '/crm/v3/objects/:type/batch/read',
    handle((req) => batchRead(portal, req)),
  );
  router.post(
    '/crm/v3/objects/:type/batch/archive',
    handle((req) => {
      for (const input of batchInputs(req.body, BATCH_LIMIT) as { id?: string }[])
        portal.archive(param(req, 'type'), String(input.id));
      return { status: 204 };
    }),
  );
  router.get(
    '/crm/v3/objects/:type',
    handle((req) => {
      const limit = Math.min(Number(req.query.limit ?? 10), 100);
      const after = Number(req.query.after ?? 0);
      const records = portal.list(param(req, 'type'));
      const page = records.slice(after, after + limit);
      return {
        status: 200,
        body: {
          results: page.map((r) =>
            withAssociations(req, r, portal.view(param(req, 'type'), r, props(req))),
          ),
          ...(after + limit < records.length && {
            paging: { next: { after: String(after + limit), link: '' } },
          }),
        },
      };
    }),
  );
  router.post(
    '/crm/v3/objects/:type',
    handle((req) => ({
      status: 201,
      body: portal.view(
        param(req, 'type'),
        portal.create(param(req, 'type'), (req.body ?? {}) as Body),
        Object.keys(((req.body ?? {}) as Body).properties ?? {}),
      ),
    })),
  );
  router.get(
    '/crm/v3/objects/:type/:id',
    handle((req) => {
      const record = portal.get(
        param(req, 'type'),
        param(req, 'id'),
        req.query.idProperty as string | undefined,
      );
      return {
        status: 200,
        body: withAssociations(req, record, portal.view(param(req, 'type'), record, props(req))),
      };
    }),
  );
  router.patch(
    '/crm/v3/objects/:type/:id',
    handle((req) => {
      const record = portal.update(
        param(req, 'type'),
        param(req, 'id'),
        ((req.body ?? {}) as Body).properties as Body,
        req.query.idProperty as string | undefined,
      );
      return {
        status: 200,
        body: portal.view(
          param(req, 'type'),
          record,
          Object.keys((((req.body ?? {}) as Body).properties ?? {}) as Body),
        ),
      };
    }),
  );
  router.delete(
    '/crm/v3/objects/:type/:id',
    handle((req) => {
      portal.archive(param(req, 'type'), param(req, 'id'));
      return { status: 204 };
    }),
  );

  return router;
}

/**
 * batch/create, update, upsert: all or nothing, or failures per input in a 207 multi-status when
 * every input carries an objectWriteTraceId and the {@link BatchErrorMode} allows it for this
 * write. A per-input fault (`recordErrorCode`, with `recordMatch` naming the inputs) fails the
 * inputs whose JSON contains the text, as a validation rule would.
 */
function batchWrite(
  { portal, faults, batchErrors, picked }: RouteContext,
  req: Request,
  mode: 'create' | 'update' | 'upsert',
): { status: number; body: unknown } {
  const type = String(req.params.type);
  refuseReadOnly(portal, type);
  const inputs = batchInputs(req.body, BATCH_LIMIT);
  const traced = inputs.length > 0 && inputs.every((i) => typeof i.objectWriteTraceId === 'string');
  const multiStatus =
    traced &&
    (batchErrors() === 'multi-status' || (batchErrors() === 'documented' && mode === 'create'));
  const fault = picked(req);
  const before = multiStatus ? undefined : portal.snapshot();
  const startedAt = now();
  const results: Body[] = [];
  const errors: Body[] = [];
  for (const input of inputs) {
    try {
      if (
        fault?.recordErrorCode &&
        (fault.recordMatch === undefined
          ? faults.hits(fault)
          : JSON.stringify(input).includes(fault.recordMatch))
      )
        throw new HubSpotError(
          400,
          fault.recordErrorCode,
          fault.message ?? `Injected fault ${fault.recordErrorCode}`,
        );
      const properties = (input.properties ?? {}) as Body;
      let record: HubRecord;
      let created: boolean | undefined;
      if (mode === 'create')
        record = portal.create(type, input as Parameters<HubSpotPortal['create']>[1]);
      else if (mode === 'update')
        record = portal.update(
          type,
          String(input.id),
          properties,
          input.idProperty as string | undefined,
        );
      else {
        if (typeof input.idProperty !== 'string')
          throw new HubSpotError(
            400,
            'VALIDATION_ERROR',
            'idProperty is required for batch upsert',
          );
        ({ record, created } = portal.upsert(type, input.idProperty, String(input.id), properties));
      }
      const view = portal.view(type, record, [
        ...Object.keys(properties),
        ...(typeof input.idProperty === 'string' ? [input.idProperty] : []),
      ]);
      results.push({
        ...view,
        ...(created !== undefined && { new: created }),
        ...(input.objectWriteTraceId !== undefined && {
          objectWriteTraceId: input.objectWriteTraceId,
        }),
      });
    } catch (error) {
      if (!(error instanceof HubSpotError)) throw error;
      if (!multiStatus) {
        if (before) portal.restore(before);
        throw error;
      }
      const body = error.body();
      errors.push({
        status: 'error',
        category: body.category,
        message: body.message,
        context: {
          ...(body.context as Body),
          objectWriteTraceId: [String(input.objectWriteTraceId)],
        },
        errors: body.errors ?? [],
        links: {},
      });
    }
  }
  const body = batchBody(results, errors, startedAt);
  if (errors.length > 0) return { status: 207, body };
  return { status: mode === 'create' ? 201 : 200, body };
}

/** Feedback submissions are written by HubSpot's surveys, never through the API. */
function refuseReadOnly(portal: HubSpotPortal, type: string): void {
  if (portal.type(type).name === 'feedback_submissions') {
    throw new HubSpotError(
      405,
      'VALIDATION_ERROR',
      'feedback_submissions are read-only through the API',
    );
  }
}

function batchRead(portal: HubSpotPortal, req: Request): { status: number; body: unknown } {
  const type = String(req.params.type);
  const body = (req.body ?? {}) as { properties?: string[]; idProperty?: string };
  const inputs = batchInputs(req.body, BATCH_LIMIT) as { id?: string }[];
  portal.checkIdProperty(type, body.idProperty);
  const results: unknown[] = [];
  const missing: string[] = [];
  for (const input of inputs) {
    try {
      results.push(
        portal.view(type, portal.get(type, String(input.id), body.idProperty), body.properties),
      );
    } catch (error) {
      if (!(error instanceof HubSpotError)) throw error;
      missing.push(String(input.id));
    }
  }
  const base = batchBody(results);
  if (missing.length === 0) return { status: 200, body: base };
  return {
    status: 207,
    body: {
      ...base,
      numErrors: 1,
      errors: [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: `Could not get some ${portal.type(type).name} objects, they may be deleted or not exist. Check that ids are valid.`,
          context: { ids: missing },
          errors: [],
          links: {},
        },
      ],
    },
  };
}
