import express, { type Request } from 'express';
import { HubSpotError, type HubRecord, type HubSpotPortal } from './portal.ts';
import type { RouteContext } from './routing.ts';

const SEARCH_RESULT_CAP = 10_000;
const SEARCH_PAGE_LIMIT = 200;
const SEARCH_GROUPS = 5;
const SEARCH_FILTERS_PER_GROUP = 6;
const SEARCH_FILTERS_TOTAL = 18;
const SEARCH_QUERY_LENGTH = 3_000;

/** CRM v3 search: filter groups, sorts, a free-text query and paging, within HubSpot's limits. */
export function searchRoutes({ portal, handle }: RouteContext): express.Router {
  const router = express.Router();
  router.post(
    '/crm/v3/objects/:type/search',
    handle((req) => search(portal, req)),
  );
  return router;
}

function search(portal: HubSpotPortal, req: Request): { status: number; body: unknown } {
  const type = portal.type(String(req.params.type));
  const body = (req.body ?? {}) as {
    filterGroups?: {
      filters?: {
        propertyName: string;
        operator: string;
        value?: unknown;
        values?: unknown[];
        highValue?: unknown;
      }[];
    }[];
    sorts?: (string | { propertyName: string; direction?: string })[];
    query?: string;
    properties?: string[];
    limit?: number;
    after?: string | number;
  };
  const groups = body.filterGroups ?? [];
  if (groups.length > SEARCH_GROUPS)
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `Too many filter groups: ${groups.length}; at most ${SEARCH_GROUPS} are allowed.`,
    );
  for (const group of groups)
    if ((group.filters ?? []).length > SEARCH_FILTERS_PER_GROUP)
      throw new HubSpotError(
        400,
        'VALIDATION_ERROR',
        `Too many filters in a group: ${(group.filters ?? []).length}; at most ${SEARCH_FILTERS_PER_GROUP} are allowed.`,
      );
  const filters = groups.flatMap((g) => g.filters ?? []);
  if (filters.length > SEARCH_FILTERS_TOTAL)
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `Too many filters: ${filters.length}; at most ${SEARCH_FILTERS_TOTAL} are allowed in all groups together.`,
    );
  for (const filter of filters)
    if (
      (filter.operator === 'IN' || filter.operator === 'NOT_IN') &&
      (!Array.isArray(filter.values) || filter.values.length === 0)
    )
      throw new HubSpotError(
        400,
        'VALIDATION_ERROR',
        `The ${filter.operator} operator on ${filter.propertyName} needs a non-empty "values" list.`,
      );
  if ((body.query ?? '').length > SEARCH_QUERY_LENGTH)
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `query must be at most ${SEARCH_QUERY_LENGTH} characters`,
    );
  const limit = body.limit ?? 10;
  if (limit > SEARCH_PAGE_LIMIT)
    throw new HubSpotError(400, 'VALIDATION_ERROR', `limit must be at most ${SEARCH_PAGE_LIMIT}`);
  const after = Number(body.after ?? 0);
  if (after + limit > SEARCH_RESULT_CAP)
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `Search results are limited to ${SEARCH_RESULT_CAP} total results; after=${after} goes past them.`,
    );
  const value = (record: HubRecord, name: string) => record.properties[name] ?? null;
  const compare = (a: string | null, b: unknown) => {
    const x = Number(a);
    const y = Number(b);
    if (a !== null && Number.isFinite(x) && Number.isFinite(y) && String(b).trim() !== '')
      return x - y;
    const da = Date.parse(String(a));
    const db = /^\d+$/.test(String(b)) ? Number(b) : Date.parse(String(b));
    if (!Number.isNaN(da) && !Number.isNaN(db)) return da - db;
    return String(a ?? '')
      .toLowerCase()
      .localeCompare(String(b ?? '').toLowerCase());
  };
  const matches = (
    record: HubRecord,
    filter: {
      propertyName: string;
      operator: string;
      value?: unknown;
      values?: unknown[];
      highValue?: unknown;
    },
  ) => {
    if (!type.properties.has(filter.propertyName))
      throw new HubSpotError(
        400,
        'VALIDATION_ERROR',
        `Property "${filter.propertyName}" does not exist on ${type.name}`,
      );
    const v = value(record, filter.propertyName);
    switch (filter.operator) {
      case 'EQ':
        return v !== null && compare(v, filter.value) === 0;
      case 'NEQ':
        return v === null || compare(v, filter.value) !== 0;
      case 'LT':
        return v !== null && compare(v, filter.value) < 0;
      case 'LTE':
        return v !== null && compare(v, filter.value) <= 0;
      case 'GT':
        return v !== null && compare(v, filter.value) > 0;
      case 'GTE':
        return v !== null && compare(v, filter.value) >= 0;
      case 'BETWEEN':
        return v !== null && compare(v, filter.value) >= 0 && compare(v, filter.highValue) <= 0;
      case 'IN':
        return v !== null && (filter.values ?? []).some((x) => compare(v, x) === 0);
      case 'NOT_IN':
        return v === null || !(filter.values ?? []).some((x) => compare(v, x) === 0);
      case 'HAS_PROPERTY':
        return v !== null && v !== '';
      case 'NOT_HAS_PROPERTY':
        return v === null || v === '';
      case 'CONTAINS_TOKEN':
        return (
          v !== null &&
          v
            .toLowerCase()
            .split(/\W+/)
            .includes(String(filter.value).toLowerCase().replace(/\*/g, ''))
        );
      case 'NOT_CONTAINS_TOKEN':
        return (
          v === null || !v.toLowerCase().split(/\W+/).includes(String(filter.value).toLowerCase())
        );
      default:
        throw new HubSpotError(
          400,
          'VALIDATION_ERROR',
          `Unknown filter operator ${filter.operator}`,
        );
    }
  };
  let records = portal
    .list(type.name)
    .filter(
      (record) =>
        groups.length === 0 ||
        groups.some((g) => (g.filters ?? []).every((f) => matches(record, f))),
    );
  if (body.query) {
    const q = body.query.toLowerCase();
    records = records.filter((r) =>
      Object.values(r.properties).some((v) => v !== null && v.toLowerCase().includes(q)),
    );
  }
  for (const sort of [...(body.sorts ?? [])].reverse()) {
    const name = typeof sort === 'string' ? sort : sort.propertyName;
    const descending = typeof sort !== 'string' && sort.direction === 'DESCENDING';
    records = [...records].sort(
      (a, b) => (descending ? -1 : 1) * compare(value(a, name), value(b, name)),
    );
  }
  const total = records.length;
  const page = records.slice(after, after + limit);
  return {
    status: 200,
    body: {
      total,
      results: page.map((r) => portal.view(type.name, r, body.properties)),
      ...(after + limit < Math.min(total, SEARCH_RESULT_CAP) && {
        paging: { next: { after: String(after + limit) } },
      }),
    },
  };
}
