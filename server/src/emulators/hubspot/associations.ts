import express, { type Request } from 'express';
import { HubSpotError, type HubSpotPortal } from './portal.ts';
import { batchBody, batchInputs, param, type Body, type RouteContext } from './routing.ts';

const ASSOCIATION_READ_LIMIT = 1000;
const ASSOCIATION_CREATE_LIMIT = 2000;

/** Associations v4: labels, batch create/read/archive, and the default association of a pair. */
export function associationRoutes({ portal, handle }: RouteContext): express.Router {
  const router = express.Router();
  // Associations v4.
  router.get(
    '/crm/v4/associations/:from/:to/labels',
    handle((req) => ({
      status: 200,
      body: { results: portal.labelsBetween(param(req, 'from'), param(req, 'to')) },
    })),
  );
  router.post(
    '/crm/v4/associations/:from/:to/labels',
    handle((req) => ({
      status: 200,
      body: {
        results: [
          portal.createLabel(
            param(req, 'from'),
            param(req, 'to'),
            String((req.body as Body)?.label ?? ''),
          ),
        ],
      },
    })),
  );
  router.post(
    '/crm/v4/associations/:from/:to/batch/create',
    handle((req) => associationsCreate(portal, req, param(req, 'from'), param(req, 'to'))),
  );
  router.post(
    '/crm/v4/associations/:from/:to/batch/associate/default',
    handle((req) => associationsDefault(portal, req, param(req, 'from'), param(req, 'to'))),
  );
  router.post(
    '/crm/v4/associations/:from/:to/batch/read',
    handle((req) => associationsRead(portal, req, param(req, 'from'), param(req, 'to'))),
  );
  router.post(
    '/crm/v4/associations/:from/:to/batch/archive',
    handle((req) => {
      for (const input of batchInputs(req.body, ASSOCIATION_CREATE_LIMIT) as {
        from?: { id?: string };
        to?: { id?: string }[];
      }[]) {
        for (const to of input.to ?? [])
          portal.unlink(
            param(req, 'from'),
            String(input.from?.id),
            param(req, 'to'),
            String(to.id),
          );
      }
      return { status: 204 };
    }),
  );
  router.put(
    '/crm/v4/objects/:from/:id/associations/default/:to/:toId',
    handle((req) => {
      const label = portal.link(
        param(req, 'from'),
        param(req, 'id'),
        param(req, 'to'),
        param(req, 'toId'),
      );
      return {
        status: 200,
        body: batchBody([
          {
            from: { id: param(req, 'id') },
            to: { id: param(req, 'toId') },
            associationSpec: {
              associationCategory: label.category,
              associationTypeId: label.typeId,
            },
          },
        ]),
      };
    }),
  );

  return router;
}

function associationsCreate(
  portal: HubSpotPortal,
  req: Request,
  from: string,
  to: string,
): { status: number; body: unknown } {
  const inputs = batchInputs(req.body, ASSOCIATION_CREATE_LIMIT) as {
    from?: { id?: string };
    to?: { id?: string };
    types?: { associationCategory?: string; associationTypeId?: number }[];
  }[];
  const results: unknown[] = [];
  const errors: unknown[] = [];
  for (const input of inputs) {
    try {
      const labels = (input.types ?? []).map((spec) => {
        const label = portal
          .labelsBetween(from, to)
          .find(
            (l) => l.typeId === spec.associationTypeId && l.category === spec.associationCategory,
          );
        if (!label)
          throw new HubSpotError(
            400,
            'VALIDATION_ERROR',
            `association type ${spec.associationCategory}/${spec.associationTypeId} is not defined from ${from} to ${to}`,
          );
        return portal.link(from, String(input.from?.id), to, String(input.to?.id), label);
      });
      results.push({
        fromObjectTypeId: portal.type(from).objectTypeId,
        fromObjectId: Number(input.from?.id),
        toObjectTypeId: portal.type(to).objectTypeId,
        toObjectId: Number(input.to?.id),
        labels: labels.map((l) => l.label).filter(Boolean),
      });
    } catch (error) {
      if (!(error instanceof HubSpotError)) throw error;
      errors.push({
        status: 'error',
        category: error.category,
        message: error.message,
        context: { fromId: [String(input.from?.id)], toId: [String(input.to?.id)] },
        errors: [],
        links: {},
      });
    }
  }
  const body = batchBody(results, errors);
  return { status: errors.length > 0 ? 207 : 201, body };
}

function associationsDefault(
  portal: HubSpotPortal,
  req: Request,
  from: string,
  to: string,
): { status: number; body: unknown } {
  const inputs = batchInputs(req.body, ASSOCIATION_CREATE_LIMIT) as {
    from?: { id?: string };
    to?: { id?: string };
  }[];
  const results = inputs.map((input) => {
    const label = portal.link(from, String(input.from?.id), to, String(input.to?.id));
    return {
      from: { id: String(input.from?.id) },
      to: { id: String(input.to?.id) },
      associationSpec: { associationCategory: label.category, associationTypeId: label.typeId },
    };
  });
  return {
    status: 200,
    body: batchBody(results),
  };
}

function associationsRead(
  portal: HubSpotPortal,
  req: Request,
  from: string,
  to: string,
): { status: number; body: unknown } {
  const inputs = batchInputs(req.body, ASSOCIATION_READ_LIMIT) as { id?: string }[];
  const results = inputs
    .map((input) => ({
      from: { id: String(input.id) },
      to: portal
        .associated(from, String(input.id), to)
        .map((a) => ({ toObjectId: Number(a.toObjectId), associationTypes: a.associationTypes })),
    }))
    .filter((r) => r.to.length > 0);
  return {
    status: 200,
    body: batchBody(results),
  };
}
