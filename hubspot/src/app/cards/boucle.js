// Where the cards reach the Boucle server, and how. Set BOUCLE_URL to your deployed server (and the
// same origin in app-hsmeta.json's permittedUrls.fetch) before `hs project upload`.
export const BOUCLE_URL = 'https://boucle.example.com';

/** An error the Boucle server answered, with its message and the fields it names. */
export class BoucleError extends Error {
  constructor(message, details = []) {
    super(message);
    this.name = 'BoucleError';
    this.details = details;
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
    throw new BoucleError(
      body?.error?.message ?? `Boucle answered ${response.status}`,
      body?.error?.issues ?? [],
    );
  }
  return body;
}

/** An error in one line: Boucle's message, then each field it names and why. */
export function describeError(error) {
  const fields = (error?.details ?? []).map((detail) => `${detail.path}: ${detail.message}`);
  return [error?.message ?? String(error), ...fields].join(' — ');
}
