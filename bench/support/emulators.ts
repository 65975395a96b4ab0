/**
 * The CRM emulators as the benchmarks run them, instrumented from the outside (no emulator code
 * changed): every CRM API call is logged with its status, duration and what it did (the
 * subrequests of a Composite call, the object of a search), and the first write of each survey
 * response record is timed, so that a benchmark can tell when an answer became visible in the CRM.
 *
 * Run as a script (a child process), it starts both emulators, prints their URLs and answers the
 * parent's `report` messages over IPC; `instrumentEmulators` does the same in-process.
 */
import { Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulators, type RunningEmulators } from '../../server/src/emulators/start.ts';

export type BenchCrm = 'salesforce' | 'hubspot';

/** One CRM API call as the emulator answered it. */
export interface CallRecord {
  readonly crm: BenchCrm;
  /** Wall-clock milliseconds (Date.now()) when the request arrived. */
  readonly at: number;
  readonly ms: number;
  readonly status: number;
  /** What the call did, e.g. `composite: 5× PATCH sobjects/Survey_Response__c`. */
  readonly what: string;
}

export interface EmulatorsReport {
  readonly urls: { readonly salesforce: string; readonly hubspot: string };
  /** Per CRM, survey response external key → Date.now() of its first write. */
  readonly firstWrites: Record<BenchCrm, Record<string, number>>;
  readonly calls: readonly CallRecord[];
  readonly peakRssMiB: number;
}

const SURVEY = { salesforce: 'Survey_Response__c', hubspot: 'boucle_survey_response' } as const;

/** What a request did, from its method, path and parsed body. */
function describe(crm: BenchCrm, req: IncomingMessage & { body?: unknown }): string {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname
    .replace(/\/v\d+\.\d+\//, '/')
    .replace(/\/\d+(?=\/|$)/g, '/{id}')
    .replace(/\/[a-zA-Z0-9]{15,18}(?=\/|$)/g, (m) => (/\d/.test(m) ? '/{id}' : m));
  const body = req.body as Record<string, unknown> | undefined;
  if (crm === 'salesforce') {
    if (path.endsWith('/composite') && Array.isArray(body?.compositeRequest)) {
      const parts = new Map<string, number>();
      for (const sub of body.compositeRequest as { method?: string; url?: string }[]) {
        const subUrl = new URL(sub.url ?? '/', 'http://x');
        const q = subUrl.searchParams.get('q');
        const label = q
          ? `query ${/\bFROM\s+(\w+)/i.exec(q)?.[1] ?? '?'}`
          : `${sub.method ?? 'GET'} ${subUrl.pathname.replace(/^.*\/v\d+\.\d+\//, '').replace(/\/[a-zA-Z0-9]{15,18}(?=\/|$)/g, '/{id}')}`;
        parts.set(label, (parts.get(label) ?? 0) + 1);
      }
      return `composite: ${[...parts].map(([label, n]) => `${n}× ${label}`).join(', ')}`;
    }
    const q = url.searchParams.get('q');
    if (q) return `${req.method} query ${/\bFROM\s+(\w+)/i.exec(q)?.[1] ?? '?'}`;
    return `${req.method} ${path.replace(/^\/services\/data/, '')}`;
  }
  if (/\/search$/.test(path)) {
    const groups = (body?.filterGroups ?? []) as { filters?: { propertyName?: string }[] }[];
    const props = [...new Set(groups.flatMap((g) => (g.filters ?? []).map((f) => f.propertyName)))];
    return `${req.method} ${path} by ${props.join(',') || '?'}`;
  }
  return `${req.method} ${path}`;
}

/**
 * Instruments running emulators: call log with statuses, first writes of survey responses.
 * Call it once per process (it wraps `http.Server.prototype.emit`).
 */
export function instrumentEmulators(running: RunningEmulators): () => EmulatorsReport {
  const ports = new Map<number, BenchCrm>([
    [Number(new URL(running.salesforceUrl).port), 'salesforce'],
    [Number(new URL(running.hubspotUrl).port), 'hubspot'],
  ]);
  const calls: CallRecord[] = [];
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (this: Server, event: string, ...args: unknown[]): boolean {
    if (event === 'request') {
      const [req, res] = args as [IncomingMessage & { body?: unknown }, ServerResponse];
      const port = req.socket.localPort;
      const crm = port === undefined ? undefined : ports.get(port);
      if (crm && !(req.url ?? '').startsWith('/__emulator')) {
        const at = Date.now();
        const started = performance.now();
        res.once('finish', () =>
          calls.push({
            crm,
            at,
            ms: performance.now() - started,
            status: res.statusCode,
            what: describe(crm, req),
          }),
        );
      }
    }
    return (emit as (event: string, ...rest: unknown[]) => boolean).call(this, event, ...args);
  } as typeof Server.prototype.emit;

  const firstWrites: Record<BenchCrm, Record<string, number>> = { salesforce: {}, hubspot: {} };
  const org = running.salesforce.org;
  const create = org.create.bind(org);
  org.create = (type, input, seedId) => {
    const result = create(type, input, seedId);
    const key = input.External_Id__c;
    if (type === SURVEY.salesforce && result.success && typeof key === 'string')
      firstWrites.salesforce[key] ??= Date.now();
    return result;
  };
  const portal = running.hubspot.portal;
  const hsCreate = portal.create.bind(portal);
  portal.create = (typeKey, input, seedId) => {
    const record = hsCreate(typeKey, input, seedId);
    const key = record.properties.boucle_external_id;
    if (portal.type(typeKey).name === SURVEY.hubspot && typeof key === 'string')
      firstWrites.hubspot[key] ??= Date.now();
    return record;
  };
  return () => ({
    urls: { salesforce: running.salesforceUrl, hubspot: running.hubspotUrl },
    firstWrites,
    calls,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  });
}

/** Starts both emulators on loopback, instrumented. */
export async function startInstrumentedEmulators(): Promise<{
  running: RunningEmulators;
  report: () => EmulatorsReport;
}> {
  const running = await startEmulators({ salesforcePort: 0, hubspotPort: 0 });
  return { running, report: instrumentEmulators(running) };
}

/** Admin API of an emulator (seeding, state): not counted as API calls. */
export async function emulatorAdmin(
  base: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}/__emulator/${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return (await response.json()) as Record<string, unknown>;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { running, report } = await startInstrumentedEmulators();
  process.on('message', (message: { id: number; cmd: string }) => {
    if (message.cmd === 'report') process.send?.({ id: message.id, result: report() });
    if (message.cmd === 'close')
      void running.close().then(() => {
        process.send?.({ id: message.id, result: null });
        process.disconnect();
      });
  });
  process.send?.({ ready: { salesforce: running.salesforceUrl, hubspot: running.hubspotUrl } });
}
