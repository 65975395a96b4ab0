import express from 'express';
import { HubSpotError } from './portal.ts';
import { BATCH_LIMIT, batchBody, batchInputs, param, type RouteContext } from './routing.ts';

/** Properties and their groups (CRM v3), and the schemas of custom objects. */
export function propertyRoutes({ portal, handle }: RouteContext): express.Router {
  const router = express.Router();
  // Properties and groups.
  router.get(
    '/crm/v3/properties/:type/groups',
    handle((req) => ({
      status: 200,
      body: { results: [...portal.type(param(req, 'type')).groups.values()] },
    })),
  );
  router.post(
    '/crm/v3/properties/:type/groups',
    handle((req) => ({
      status: 201,
      body: portal.createGroup(param(req, 'type'), req.body ?? {}),
    })),
  );
  router.get(
    '/crm/v3/properties/:type/groups/:name',
    handle((req) => {
      const group = portal.type(param(req, 'type')).groups.get(param(req, 'name'));
      if (!group)
        throw new HubSpotError(
          404,
          'OBJECT_NOT_FOUND',
          `Property group ${param(req, 'name')} does not exist`,
        );
      return { status: 200, body: group };
    }),
  );
  router.post(
    '/crm/v3/properties/:type/batch/create',
    handle((req) => {
      const inputs = batchInputs(req.body, BATCH_LIMIT);
      return {
        status: 201,
        body: batchBody(inputs.map((input) => portal.createProperty(param(req, 'type'), input))),
      };
    }),
  );
  router.post(
    '/crm/v3/properties/:type/batch/read',
    handle((req) => {
      const type = portal.type(param(req, 'type'));
      const inputs = batchInputs(req.body, BATCH_LIMIT) as { name?: string }[];
      return {
        status: 200,
        body: batchBody(inputs.map((i) => type.properties.get(String(i.name))).filter(Boolean)),
      };
    }),
  );
  router.get(
    '/crm/v3/properties/:type',
    handle((req) => ({
      status: 200,
      body: { results: [...portal.type(param(req, 'type')).properties.values()] },
    })),
  );
  router.post(
    '/crm/v3/properties/:type',
    handle((req) => ({
      status: 201,
      body: portal.createProperty(param(req, 'type'), req.body ?? {}),
    })),
  );
  router.get(
    '/crm/v3/properties/:type/:name',
    handle((req) => {
      const property = portal.type(param(req, 'type')).properties.get(param(req, 'name'));
      if (!property)
        throw new HubSpotError(
          404,
          'OBJECT_NOT_FOUND',
          `Unable to find property ${param(req, 'name')}`,
        );
      return { status: 200, body: property };
    }),
  );

  // Custom object schemas.
  router.get(
    '/crm-object-schemas/v3/schemas',
    handle(() => ({
      status: 200,
      body: {
        results: portal
          .allTypes()
          .filter((t) => t.custom)
          .map((t) => portal.schemaView(t)),
      },
    })),
  );
  router.post(
    '/crm-object-schemas/v3/schemas',
    handle((req) => ({
      status: 201,
      body: portal.schemaView(portal.createSchema(req.body ?? {})),
    })),
  );
  router.get(
    '/crm-object-schemas/v3/schemas/:type',
    handle((req) => {
      let type;
      try {
        type = portal.type(param(req, 'type'));
      } catch {
        throw new HubSpotError(
          404,
          'OBJECT_NOT_FOUND',
          `Unable to find object type ${param(req, 'type')}`,
        );
      }
      if (!type.custom)
        throw new HubSpotError(
          404,
          'OBJECT_NOT_FOUND',
          `Unable to find object type ${param(req, 'type')}`,
        );
      return { status: 200, body: portal.schemaView(type) };
    }),
  );

  return router;
}
