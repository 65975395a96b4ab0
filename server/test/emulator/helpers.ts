import { readFileSync } from 'node:fs';

/** A CRM fixture, exactly as the reference material gives it. */
export function fixture<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/crm/${path}`, import.meta.url), 'utf8')) as T;
}

/** Calls an emulator's admin API. */
export async function admin(
  baseUrl: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}/__emulator/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
}
