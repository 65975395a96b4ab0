/**
 * Boucle's server as the load benchmark runs it: in its own process (so that its event loop, CPU
 * and memory are its own, and the load generator's are not), instrumented from the outside:
 *
 * - event-loop delay (`monitorEventLoopDelay`) and utilization over the measured window;
 * - the synchronous time of every store method (better-sqlite3 runs on the event loop);
 * - each CRM adapter method's wall time, and the HubSpot rate limiter's waits;
 * - the sync rounds (`SyncEngine.runOnce`): duration and jobs by kind;
 * - per answer: stored, claimed, resolved and written, per CRM (the answer → CRM components);
 * - a CPU profile of the window (inspector, in-process), summarized by `profile.ts`.
 *
 * Started by `bench/load` with one JSON argument (the CRM URLs, the database path, the API key,
 * and whether to run the emulators in this same process); spoken to over IPC (`child.ts`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Server } from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import pino from 'pino';
import { startServer, type RunningServer } from '../../server/src/server.ts';
import type { CrmAdapter } from '../../server/src/crm/adapter.ts';
import type { Job } from '../../server/src/store/store.ts';
import { startInstrumentedEmulators, type EmulatorsReport } from './emulators.ts';
import { summarizeProfile, type CpuProfile, type ProfileSummary } from './profile.ts';

export interface ServerChildArgs {
  readonly dbPath: string;
  readonly apiKey: string;
  /** The emulators' URLs, or `in-process` to start them in this process (as the sandbox does). */
  readonly emulators: { salesforce: string; hubspot: string } | 'in-process';
  readonly profile: boolean;
  /** Where to write the raw `.cpuprofile` (for Chrome DevTools), if profiling. */
  readonly profileFile?: string;
}

interface Timing {
  calls: number;
  ms: number;
  maxMs: number;
}

/** Per CRM, per answer ref: when it was claimed, resolved and written (Date.now()). */
export interface AnswerTimeline {
  claimed?: number;
  resolveStart?: number;
  resolveEnd?: number;
  writeStart?: number;
  writeEnd?: number;
  /** Jobs in the round that claimed it, by kind. */
  round?: string;
}

export interface Round {
  readonly crm: string;
  readonly start: number;
  readonly ms: number;
  readonly jobs: Record<string, number>;
}

export interface ServerReport {
  readonly eventLoopDelay: { p50: number; p99: number; max: number; mean: number };
  readonly eventLoopUtilization: number;
  readonly peakRssMiB: number;
  readonly rssSamplesMiB: number[];
  readonly store: Record<string, Timing>;
  readonly adapters: Record<string, Timing>;
  readonly limiterWait: Record<string, Timing>;
  readonly rounds: Round[];
  readonly ingested: Record<string, number>;
  readonly timelines: Record<string, Record<string, AnswerTimeline>>;
  readonly profile?: ProfileSummary;
  readonly emulators?: EmulatorsReport;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ServerChildArgs;

// Whose work a store call is: an HTTP request's (everything that runs from a request of this
// server's own port), or the sync's and the timers' (the rest).
const requestContext = new AsyncLocalStorage<'api'>();
let serverPort = -1;
const emit = Server.prototype.emit;
Server.prototype.emit = function (this: Server, event: string, ...rest: unknown[]): boolean {
  const call = () => (emit as (e: string, ...r: unknown[]) => boolean).call(this, event, ...rest);
  if (event === 'request' && (this.address() as { port?: number } | null)?.port === serverPort)
    return requestContext.run('api', call);
  return call();
} as typeof Server.prototype.emit;
let emulatorsReport: (() => EmulatorsReport) | undefined;
let closeEmulators: (() => Promise<void>) | undefined;
let urls = args.emulators === 'in-process' ? undefined : args.emulators;
if (args.emulators === 'in-process') {
  const started = await startInstrumentedEmulators();
  emulatorsReport = started.report;
  closeEmulators = () => started.running.close();
  urls = { salesforce: started.running.salesforceUrl, hubspot: started.running.hubspotUrl };
}
if (!urls) throw new Error('no emulator URLs');

const server: RunningServer = await startServer(
  {
    port: 0,
    host: '127.0.0.1',
    dbPath: args.dbPath,
    sandbox: false,
    apiKey: args.apiKey,
    salesforce: {
      auth: 'client_credentials',
      loginUrl: urls.salesforce,
      clientId: 'boucle-sandbox',
      clientSecret: 'sandbox',
      apiVersion: '62.0',
    },
    hubspot: { baseUrl: urls.hubspot, accessToken: 'pat-sandbox' },
    logLevel: 'silent',
    webhooks: { ratePerMinute: 600 },
    hubspotFeedbackPollSeconds: 0,
  },
  { logger: pino({ level: 'silent' }), startEngine: false, hubspotRequestsPer10s: 100 },
);
serverPort = Number(new URL(server.url).port);

// ---- instrumentation ----
let measuring = false;
const storeTimings: Record<string, Timing> = {};
const adapterTimings: Record<string, Timing> = {};
const limiterWait: Record<string, Timing> = {};
const rounds: Round[] = [];
const ingested: Record<string, number> = {};
const timelines: Record<string, Record<string, AnswerTimeline>> = {};
const lastClaim = new Map<string, Record<string, number>>();

const note = (map: Record<string, Timing>, key: string, ms: number) => {
  if (!measuring) return;
  const t = (map[key] ??= { calls: 0, ms: 0, maxMs: 0 });
  t.calls++;
  t.ms += ms;
  t.maxMs = Math.max(t.maxMs, ms);
};
const timeline = (crm: string, ref: string): AnswerTimeline =>
  ((timelines[crm] ??= {})[ref] ??= {});

// Store methods: their synchronous part (all of it on SQLite) is event-loop time, counted for
// the outermost store method only (one calls another), under `api.` or `sync.`.
let depth = 0;
const store = server.store as unknown as Record<string, unknown>;
// Every method along the prototype chain: SqliteStore and PostgresStore are thin subclasses of
// the one Kysely store, whose methods are on its prototype.
const storeMethods = new Set<string>();
for (
  let proto = Object.getPrototypeOf(store) as object | null;
  proto && proto !== Object.prototype;
  proto = Object.getPrototypeOf(proto) as object | null
)
  for (const name of Object.getOwnPropertyNames(proto)) storeMethods.add(name);
for (const name of storeMethods) {
  const original = store[name];
  if (name === 'constructor' || typeof original !== 'function') continue;
  store[name] = function (this: unknown, ...callArgs: unknown[]) {
    const started = performance.now();
    depth++;
    let result: unknown;
    try {
      result = (original as (...a: unknown[]) => unknown).apply(store, callArgs);
    } finally {
      depth--;
    }
    if (depth === 0)
      note(
        storeTimings,
        `${requestContext.getStore() ?? 'sync'}.${name}`,
        performance.now() - started,
      );
    if (name === 'ingestAnswers' && result instanceof Promise)
      void result.then(() => {
        const at = Date.now();
        for (const answer of callArgs[0] as { source?: string; id: string }[])
          ingested[`${answer.source ?? 'api'}:${answer.id}`] ??= at;
      });
    if (name === 'claim' && result instanceof Promise)
      void result.then((jobs: Job[]) => {
        const at = Date.now();
        const crm = callArgs[0] as string;
        const kinds: Record<string, number> = {};
        for (const job of jobs) kinds[job.kind] = (kinds[job.kind] ?? 0) + 1;
        lastClaim.set(crm, kinds);
        const round = Object.entries(kinds)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ');
        for (const job of jobs)
          if (job.kind === 'answer') {
            const t = timeline(crm, job.ref);
            if (t.claimed === undefined) {
              t.claimed = at;
              t.round = round;
            }
          }
      });
    return result;
  };
}

// Adapter methods: wall time (network included); resolve and writeAnswers per answer.
const engine = server.engine as unknown as {
  options: { adapters: CrmAdapter[] };
  // The queue worker runs the rounds (the engine's own runOnce is only the facade's).
  worker: { runOnce: (adapter: CrmAdapter) => Promise<number> };
};
for (const adapter of engine.options.adapters) {
  const a = adapter as unknown as Record<string, unknown>;
  for (const name of [
    'resolve',
    'thresholdRules',
    'touchpoints',
    'resolveUsers',
    'resolveQueue',
    'writeAnswers',
    'writeRatings',
    'writeCallbacks',
    'writeRollups',
    'readCallbacks',
    'readRatings',
  ]) {
    const original = a[name];
    if (typeof original !== 'function') continue;
    a[name] = async (...callArgs: unknown[]) => {
      const started = Date.now();
      const refs =
        name === 'resolve' || name === 'writeAnswers'
          ? (callArgs[0] as { ref: string }[]).map((i) => i.ref)
          : [];
      if (measuring)
        for (const ref of refs) {
          const t = timeline(adapter.crm, ref);
          if (name === 'resolve') t.resolveStart ??= started;
          else t.writeStart ??= started;
        }
      try {
        return await (original as (...x: unknown[]) => Promise<unknown>).apply(adapter, callArgs);
      } finally {
        const ended = Date.now();
        note(adapterTimings, `${adapter.crm}.${name}`, ended - started);
        if (measuring)
          for (const ref of refs) {
            const t = timeline(adapter.crm, ref);
            if (name === 'resolve') t.resolveEnd ??= ended;
            else t.writeEnd ??= ended;
          }
      }
    };
  }
  // HubSpot's rate limiters live on its client (`adapter.api`).
  const api = (a.api ?? a) as Record<string, unknown>;
  for (const limiterName of ['limiter', 'searchLimiter']) {
    const limiter = api[limiterName] as { acquire?: () => Promise<void> } | undefined;
    if (!limiter?.acquire) continue;
    const acquire = limiter.acquire.bind(limiter);
    limiter.acquire = async () => {
      const started = performance.now();
      await acquire();
      note(limiterWait, `${adapter.crm}.${limiterName}`, performance.now() - started);
    };
  }
}
const runOnce = engine.worker.runOnce.bind(engine.worker);
engine.worker.runOnce = async (adapter: CrmAdapter) => {
  const start = Date.now();
  const settled = await runOnce(adapter);
  if (measuring && settled > 0)
    rounds.push({
      crm: adapter.crm,
      start,
      ms: Date.now() - start,
      jobs: lastClaim.get(adapter.crm) ?? {},
    });
  return settled;
};

const delay = monitorEventLoopDelay({ resolution: 10 });
let eluStart = performance.eventLoopUtilization();
let elu = 0;
const rssSamples: number[] = [];
const rssTimer = setInterval(() => {
  if (measuring) rssSamples.push(process.memoryUsage().rss / 1024 / 1024);
}, 500);
const session = new Session();
let profile: ProfileSummary | undefined;

async function startMeasure(): Promise<void> {
  measuring = true;
  delay.reset();
  delay.enable();
  eluStart = performance.eventLoopUtilization();
  if (args.profile) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 1000 });
    await session.post('Profiler.start');
  }
}

async function stopMeasure(): Promise<void> {
  delay.disable();
  elu = performance.eventLoopUtilization(eluStart).utilization;
  if (args.profile) {
    const { profile: raw } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    session.disconnect();
    if (args.profileFile) writeFileSync(args.profileFile, JSON.stringify(raw));
    profile = summarizeProfile(raw);
  }
}

function report(): ServerReport {
  const ms = (ns: number) => ns / 1e6;
  return {
    eventLoopDelay: {
      p50: ms(delay.percentile(50)),
      p99: ms(delay.percentile(99)),
      max: ms(delay.max),
      mean: ms(delay.mean),
    },
    eventLoopUtilization: elu,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    rssSamplesMiB: rssSamples,
    store: storeTimings,
    adapters: adapterTimings,
    limiterWait,
    rounds,
    ingested,
    timelines,
    ...(profile && { profile }),
    ...(emulatorsReport && { emulators: emulatorsReport() }),
  };
}

process.on('message', (message: { id: number; cmd: string }) => {
  const reply = (result: unknown) => process.send?.({ id: message.id, result });
  switch (message.cmd) {
    case 'start-engine':
      server.engine.start();
      return reply(null);
    case 'start-measure':
      return void startMeasure().then(() => reply(null));
    case 'stop-measure':
      measuring = false;
      return void stopMeasure().then(() => reply(null));
    case 'pending':
      return void server.store.queueStats().then((stats) =>
        reply(
          Object.entries(stats)
            .filter(([key]) => key.endsWith('.ready') || key.endsWith('.running'))
            .reduce((sum, [, n]) => sum + n, 0),
        ),
      );
    case 'dead':
      return void server.store.listDead(1000).then((dead) => reply(dead.length));
    case 'report':
      return reply(report());
    case 'emulators-report':
      return reply(emulatorsReport?.() ?? null);
    case 'close':
      clearInterval(rssTimer);
      return void server
        .close()
        .then(() => closeEmulators?.())
        .then(() => {
          reply(null);
          process.disconnect();
        });
  }
});
process.send?.({ ready: { url: server.url, emulators: urls } });
