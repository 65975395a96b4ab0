// Where the cards and the settings page reach the Boucle server, and how. Set BOUCLE_URL to your
// deployed server (and the same origin in app-hsmeta.json's permittedUrls.fetch) before
// `hs project upload`. HubSpot builds each folder of the project on its own, so settings/boucle.js
// is a copy of this file written by `npm run build:targets`: edit this one.
export const BOUCLE_URL = 'https://boucle.example.com';

/**
 * An error the Boucle server answered: its message, its code, and the fields it refused as the
 * server names them in the API's error body, `{"error": {"code", "message", "issues"}}`
 * (server/src/errors.ts).
 */
export class BoucleError extends Error {
  constructor(message, { code, status, issues = [] } = {}) {
    super(message);
    this.name = 'BoucleError';
    this.code = code;
    this.status = status;
    this.issues = issues;
  }
}

/**
 * Calls the Boucle server's /hubspot backend through `hubspot.fetch` (which signs the request
 * with HubSpot's v3 signature and adds the portal id). `fetchImpl` is `hubspot.fetch` in HubSpot
 * and a test double in tests.
 */
export async function boucle(fetchImpl, path, options = {}) {
  let response;
  try {
    response = await fetchImpl(`${BOUCLE_URL}/hubspot${path}`, { timeout: 10_000, ...options });
  } catch (error) {
    throw new BoucleError(`Cannot reach Boucle: ${error?.message ?? String(error)}`);
  }
  let body = {};
  try {
    body = await response.json();
  } catch {
    body = {};
  }
  if (!response.ok) {
    throw new BoucleError(body?.error?.message ?? `Boucle answered ${response.status}`, {
      code: body?.error?.code,
      status: response.status,
      issues: Array.isArray(body?.error?.issues) ? body.error.issues : [],
    });
  }
  return body;
}

/**
 * An error in one line: Boucle's message, then each field it refused and why (a refusal whose
 * message is the field's own, such as a forbidden callback move on `status`, is said once).
 */
export function describeError(error) {
  const message = error?.message ?? String(error);
  const fields = (error?.issues ?? [])
    .filter((issue) => issue.message !== message)
    .map((issue) => `${issue.path}: ${issue.message}`);
  return [message, ...fields].join(' — ');
}
