// The settings page's way to the Boucle server (HubSpot builds each folder of the project on its
// own: settings/ cannot import cards/boucle.js). Keep BOUCLE_URL equal to the cards' one.
export const BOUCLE_URL = 'https://boucle.example.com';

/** Calls /hubspot{path} through `hubspot.fetch`; throws Boucle's message and field issues. */
export async function boucle(fetchImpl, path, options = {}) {
  let response;
  try {
    response = await fetchImpl(`${BOUCLE_URL}/hubspot${path}`, { timeout: 10_000, ...options });
  } catch (error) {
    throw Object.assign(new Error(`Cannot reach Boucle: ${error?.message ?? String(error)}`), {
      details: [],
    });
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw Object.assign(new Error(body?.error?.message ?? `Boucle answered ${response.status}`), {
      // The server names refused fields in `error.issues` (the API's error body).
      details: body?.error?.issues ?? [],
    });
  }
  return body;
}
