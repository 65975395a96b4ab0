import express, { type Request } from 'express';
import { HubSpotError, type HubSpotPortal } from './portal.ts';
import { param, type RouteContext } from './routing.ts';

/** The account (portal) the token belongs to, and its owners (CRM v3). */
export function accountRoutes({ portal, handle }: RouteContext): express.Router {
  const router = express.Router();
  // The account (portal) the token belongs to.
  router.get(
    '/account-info/v3/details',
    handle(() => ({
      status: 200,
      body: {
        portalId: portal.portalId,
        accountType: portal.customObjects ? 'STANDARD' : 'STANDARD',
        timeZone: 'Europe/Paris',
        companyCurrency: 'EUR',
        utcOffset: '+01:00',
        dataHostingLocation: 'eu1',
      },
    })),
  );

  // Owners.
  router.get(
    '/crm/v3/owners',
    handle((req) => owners(portal, req)),
  );
  router.get(
    '/crm/v3/owners/:id',
    handle((req) => {
      const owner = portal.owners.find((o) => o.id === param(req, 'id'));
      if (!owner)
        throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `Owner ${param(req, 'id')} not found`);
      return { status: 200, body: { type: 'PERSON', ...owner } };
    }),
  );

  return router;
}

function owners(portal: HubSpotPortal, req: Request): { status: number; body: unknown } {
  const email = typeof req.query.email === 'string' ? req.query.email.toLowerCase() : undefined;
  const limit = Math.min(Number(req.query.limit ?? 100), 500);
  const after = Number(req.query.after ?? 0);
  const owners = portal.owners.filter(
    (o) => !o.archived && (!email || o.email.toLowerCase() === email),
  );
  return {
    status: 200,
    body: {
      results: owners.slice(after, after + limit).map((o) => ({ type: 'PERSON', ...o })),
      ...(after + limit < owners.length && {
        paging: { next: { after: String(after + limit) } },
      }),
    },
  };
}
