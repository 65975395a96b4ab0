import { readFileSync } from 'node:fs';
import { vi } from 'vitest';

/**
 * A response the Boucle server really produced: `{ request, status, body }` from
 * fixtures/server/<name>.json, written by server/test/hubspot/backend.test.ts (which fails when
 * they no longer match what the server answers; BOUCLE_WRITE_FIXTURES=1 rewrites them).
 */
export function fromServer(name) {
  return JSON.parse(
    readFileSync(new URL(`./fixtures/server/${name}.json`, import.meta.url), 'utf8'),
  );
}

/** fakeFetch routes answering each fixture's request with what the server answered to it. */
export function serverRoutes(...fixtures) {
  return Object.fromEntries(
    fixtures.map(({ request, status, body }) => [request, { status, body }]),
  );
}

const kind = (value) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/**
 * Throws unless `value` has only fields the server's `sample` has, each of the same kind (null
 * stands for any kind): the items of an array are checked against every item of the sample's.
 */
function assertShaped(value, samples, path) {
  const known = samples.filter((sample) => sample !== null && sample !== undefined);
  if (value === null || value === undefined || known.length === 0) return;
  const kinds = new Set(known.map(kind));
  if (!kinds.has(kind(value)))
    throw new Error(`${path} is a ${kind(value)}; the server sends a ${[...kinds].join(' or ')}`);
  if (Array.isArray(value)) {
    const items = known.filter(Array.isArray).flat();
    value.forEach((item, index) => assertShaped(item, items, `${path}[${index}]`));
  } else if (typeof value === 'object') {
    const objects = known.filter((sample) => kind(sample) === 'object');
    for (const [key, field] of Object.entries(value)) {
      if (!objects.some((sample) => key in sample))
        throw new Error(`${path}.${key} is not a field the server sends`);
      assertShaped(
        field,
        objects.map((sample) => sample[key]),
        `${path}.${key}`,
      );
    }
  }
}

/**
 * A variant of a response the server produced, for a case the backend tests did not record (a
 * verbatim with markup, an overdue callback): `changes` replace top-level fields of `body`, and
 * must be shaped as the server shapes them, so that a fake cannot say what the server never says.
 */
export function likeServer(body, changes) {
  const variant = { ...body, ...changes };
  assertShaped(variant, [body], 'body');
  return variant;
}

/** A stand-in for `hubspot.fetch`: answers each path with a JSON body and a status, and records calls. */
export function fakeFetch(routes) {
  return vi.fn(async (url, options = {}) => {
    const path = new URL(url).pathname.replace(/^\/hubspot/, '');
    const key = `${options.method ?? 'GET'} ${path}`;
    const route = routes[key];
    if (!route) throw new Error(`unexpected ${key}`);
    const { status = 200, body } = typeof route === 'function' ? route(options) : route;
    return {
      ok: status < 400,
      status,
      json: async () => body,
    };
  });
}

/** Resolves once pending promises and React updates have run. */
export async function settle() {
  // React's scheduler flushes effects and renders on setImmediate turns in Node, and the fake
  // fetch answers on promise turns: a few turns of both, never a time to wait. (A single
  // setTimeout(0) could fire before the effect that calls fetch on a busy machine.)
  for (let turn = 0; turn < 10; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/** The names of every element a render produced, depth first. */
export function elementNames(node, names = new Set()) {
  for (const child of node.childNodes ?? []) {
    if (child.nodeType === 'element') names.add(child.name);
    elementNames(child, names);
  }
  return names;
}
