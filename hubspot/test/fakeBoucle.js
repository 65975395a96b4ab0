import { vi } from 'vitest';

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
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The names of every element a render produced, depth first. */
export function elementNames(node, names = new Set()) {
  for (const child of node.childNodes ?? []) {
    if (child.nodeType === 'element') names.add(child.name);
    elementNames(child, names);
  }
  return names;
}
