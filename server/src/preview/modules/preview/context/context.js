// What the preview page tells its components: the signed-in user, the language, the demo records.
// The page serves it as JSON in <script type="application/json" id="boucle-preview">.
const element = typeof document === 'undefined' ? null : document.getElementById('boucle-preview');

export const context = element ? JSON.parse(element.textContent) : { language: 'en' };

/** A custom label in the page's language (the French translation when the page is in French). */
export function label(english, french) {
  return context.language === 'fr' ? french : english;
}

const listeners = new Set();

/** Called again whenever a record changed, as Lightning Data Service refreshes its wires. */
export function onRecordChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function recordsChanged() {
  for (const listener of [...listeners]) listener();
}

/**
 * Calls the preview's bridge to the Salesforce emulator. Resolves with the JSON body; rejects as
 * Lightning Data Service does, with `{ status, body }` where body is what Salesforce answered.
 */
export async function salesforce(path, options = {}) {
  const response = await fetch(`/preview/api/salesforce/${path}`, {
    ...options,
    headers: { 'content-type': 'application/json', ...(options.headers || {}) },
  });
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = { message: text };
  }
  if (!response.ok) {
    const first = Array.isArray(body) ? body[0] : body;
    throw { status: response.status, statusText: response.statusText, body: first || {} };
  }
  return body;
}

/**
 * A wire adapter that reads through `load(config)` (a promise of what the component receives) when
 * its configuration changes and again whenever a record changed, as Lightning Data Service
 * refreshes its wires; a late answer to an older read is dropped.
 */
export class RefreshingWire {
  constructor(dataCallback) {
    this.dataCallback = dataCallback;
    this.config = undefined;
    this.generation = 0;
  }

  update(config) {
    this.config = config;
    this.read();
  }

  connect() {
    this.unsubscribe = onRecordChange(() => this.read());
  }

  disconnect() {
    if (this.unsubscribe) this.unsubscribe();
  }

  async read() {
    const generation = ++this.generation;
    const value = await this.load(this.config);
    if (value !== undefined && generation === this.generation) this.dataCallback(value);
  }
}
