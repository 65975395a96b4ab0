/**
 * bench/load: a bounded, loopback-only load test. Boucle's server (its own process) with both CRMs
 * connected to the emulators (another process, as `boucle emulator` runs them; `--emulators
 * in-process` runs them inside the server's process, as the sandbox does) receives
 * `POST /v1/answers` at a steady rate for a fixed time while the sync runs, then the bench waits
 * for every accepted answer to reach both CRMs (at most `--drain` seconds) and stops.
 *
 * Open loop: send i is due at start + i / rate, whatever the previous responses did; at most 64
 * requests are in flight, and a send that is due while 64 are in flight is skipped (counted).
 * Request latency is measured from when the send was due, so a late start counts against the
 * server, not for it.
 *
 * Prints request p50/p99/max and skipped sends; answer → CRM record latency per CRM (from the 2xx
 * to the record's first write in the emulator) and its components (wait for a claim, resolution
 * reads, the write call); the server's event-loop delay, utilization and peak RSS; where the
 * server's event-loop time went (a CPU profile of the window); the CRM calls made.
 *
 *   npm run bench:load [-- --rate 100 --seconds 60 --emulators child|in-process --no-profile]
 */
import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { seededRandom } from '../../server/src/random.ts';
import { startChild, type BenchChild } from '../support/child.ts';
import type { EmulatorsReport } from '../support/emulators.ts';
import { seedCrms, type SeededContact } from '../support/seed.ts';
import type { AnswerTimeline, ServerReport } from '../support/server.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '60' },
    'max-in-flight': { type: 'string', default: '64' },
    drain: { type: 'string', default: '120' },
    accounts: { type: 'string', default: '200' },
    contacts: { type: 'string', default: '2000' },
    emulators: { type: 'string', default: 'child' },
    'no-profile': { type: 'boolean', default: false },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const MAX_IN_FLIGHT = Number(values['max-in-flight']);
const DRAIN_S = Number(values.drain);
const KEY = 'bench-key-0123456789abcdef';
const CRMS = ['salesforce', 'hubspot'] as const;
if (values.emulators !== 'child' && values.emulators !== 'in-process')
  throw new Error(`--emulators ${values.emulators}: use child or in-process`);
if (!(RATE > 0) || !(SECONDS > 0)) throw new Error('--rate and --seconds must be positive');

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
function stats(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}
const fmt = (ms: number) =>
  Number.isNaN(ms) ? '–' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
const line = (label: string, s: ReturnType<typeof stats>) =>
  `${label.padEnd(44)} p50 ${fmt(s.p50).padStart(8)}  p99 ${fmt(s.p99).padStart(8)}  max ${fmt(s.max).padStart(8)}  (n ${s.n})`;

/** An answer as a survey tool would send it: 20% detractors (callbacks), a comment on 30%. */
function makeAnswer(i: number, next: () => number, contacts: readonly SeededContact[]) {
  const draw = next();
  const contact = contacts[Math.floor(next() * contacts.length)] as SeededContact;
  return {
    id: `load-${i}`,
    score:
      draw < 0.2
        ? Math.floor(next() * 7)
        : draw < 0.6
          ? 7 + Math.floor(next() * 2)
          : 9 + Math.floor(next() * 2),
    answeredAt: new Date(Date.now() - 60_000).toISOString(),
    touchpoint: ['pre-sale', 'contracting', 'after-sale'][i % 3],
    ...(next() < 0.3 && { comment: 'Délai de réponse trop long / response time too long' }),
    respondent: { email: contact.email },
    account: { domain: `account${contact.account}.example` },
    interactionId: `case-${i}`,
  };
}

async function main(): Promise<void> {
  console.log(
    `bench/load: ${RATE} answers/s for ${SECONDS} s, at most ${MAX_IN_FLIGHT} in flight, emulators ${values.emulators === 'child' ? 'in their own process' : "in the server's process"}, node ${process.version}`,
  );
  const children: BenchChild<unknown>[] = [];
  try {
    let emulators: BenchChild<{ salesforce: string; hubspot: string }> | undefined;
    if (values.emulators === 'child') {
      emulators = await startChild(here('../support/emulators.ts'));
      children.push(emulators);
    }
    const dir = mkdtempSync(join(tmpdir(), 'boucle-load-'));
    const profileFile = join(dir, 'server.cpuprofile');
    const server: BenchChild<{ url: string; emulators: { salesforce: string; hubspot: string } }> =
      await startChild(here('../support/server.ts'), [
        JSON.stringify({
          dbPath: join(dir, 'boucle.db'),
          apiKey: KEY,
          emulators: emulators?.ready ?? 'in-process',
          profile: !values['no-profile'],
          profileFile,
        }),
      ]);
    children.unshift(server);
    const urls = server.ready.emulators;
    const emulatorsReport = () =>
      emulators
        ? emulators.request<EmulatorsReport>('report')
        : server.request<EmulatorsReport>('emulators-report');
    const { contacts } = await seedCrms(urls, Number(values.accounts), Number(values.contacts));

    // Node's own HTTP client, keep-alive, one socket per request in flight.
    const agent = new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
    const target = new URL('/v1/answers', server.ready.url);
    const post = (body: unknown) =>
      new Promise<number>((resolve, reject) => {
        const payload = JSON.stringify(body);
        const req = request(
          target,
          {
            method: 'POST',
            agent,
            headers: {
              authorization: `Bearer ${KEY}`,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
            },
          },
          (res) => {
            res.resume();
            res.once('end', () => resolve(res.statusCode ?? 0));
            res.once('error', reject);
          },
        );
        req.once('error', reject);
        req.end(payload);
      });

    // Warm-up: the sync's first round sets the HubSpot portal up (an install step) and opens
    // the connections; the measure starts once a few answers are in both CRMs.
    await server.request('start-engine');
    const next = seededRandom(11);
    const warm = Array.from({ length: 20 }, (_, i) => makeAnswer(1_000_000 + i, next, contacts));
    for (const answer of warm) await post(answer);
    for (let waited = 0; ; waited += 250) {
      const report = await emulatorsReport();
      const visible = CRMS.every((crm) =>
        warm.every((a) => report.firstWrites[crm][`api:${a.id}`] !== undefined),
      );
      if (visible) break;
      if (waited > 60_000) throw new Error('warm-up answers did not reach both CRMs in 60 s');
      await sleep(250);
    }

    await server.request('start-measure');
    const total = Math.round(RATE * SECONDS);
    const answers = Array.from({ length: total }, (_, i) => makeAnswer(i, next, contacts));
    const acked = new Map<string, number>();
    const latencies: number[] = [];
    const failures = new Map<string, number>();
    let skipped = 0;
    let inFlight = 0;
    let maxLag = 0;
    const sends: Promise<void>[] = [];
    const start = performance.now();
    const startWall = Date.now();
    let sent = 0;
    while (sent < total) {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / RATE <= now) {
        const due = start + (sent * 1000) / RATE;
        maxLag = Math.max(maxLag, now - due);
        const answer = answers[sent++] as ReturnType<typeof makeAnswer>;
        if (inFlight >= MAX_IN_FLIGHT) {
          skipped++;
          continue;
        }
        inFlight++;
        sends.push(
          post(answer).then(
            (status) => {
              inFlight--;
              latencies.push(performance.now() - due);
              if (status === 202) acked.set(`api:${answer.id}`, Date.now());
              else failures.set(String(status), (failures.get(String(status)) ?? 0) + 1);
            },
            (error: Error) => {
              inFlight--;
              failures.set(error.message, (failures.get(error.message) ?? 0) + 1);
            },
          ),
        );
      }
      await sleep(Math.max(0, start + (sent * 1000) / RATE - performance.now()));
    }
    await Promise.all(sends);
    const sendSeconds = (performance.now() - start) / 1000;

    // Drain: every accepted answer in both CRMs, or the drain time is up.
    let drained = false;
    let report = await emulatorsReport();
    const drainStart = performance.now();
    while (performance.now() - drainStart < DRAIN_S * 1000) {
      report = await emulatorsReport();
      drained = CRMS.every((crm) =>
        [...acked.keys()].every((key) => report.firstWrites[crm][key] !== undefined),
      );
      if (drained) break;
      await sleep(500);
    }
    const drainSeconds = (performance.now() - drainStart) / 1000;
    await server.request('stop-measure');
    const serverReport = await server.request<ServerReport>('report');

    // ---- figures ----
    const req = stats(latencies);
    console.log(
      `\nsent ${total - skipped} of ${total} in ${sendSeconds.toFixed(1)} s (${((total - skipped) / sendSeconds).toFixed(1)}/s), skipped ${skipped} (${((skipped / total) * 100).toFixed(1)}%), non-2xx or errors: ${failures.size === 0 ? 'none' : JSON.stringify(Object.fromEntries(failures))}, generator's worst lag ${fmt(maxLag)}`,
    );
    console.log(line('POST /v1/answers (from when it was due)', req));
    console.log(
      `then ${drained ? 'every accepted answer was in both CRMs' : 'NOT every accepted answer was in both CRMs'} ${drainSeconds.toFixed(1)} s after the last send`,
    );
    const ingested = serverReport.ingested;
    const e2eP99: Record<string, number> = {};
    for (const crm of CRMS) {
      const e2e: number[] = [];
      const missing: string[] = [];
      const parts = { claim: [] as number[], prep: [] as number[], write: [] as number[] };
      const resolve: number[] = [];
      const visibleInCall: number[] = [];
      for (const [key, at] of acked) {
        const written = report.firstWrites[crm][key];
        if (written === undefined) {
          missing.push(key);
          continue;
        }
        e2e.push(written - at);
        const t: AnswerTimeline | undefined = serverReport.timelines[crm]?.[key];
        const stored = ingested[key];
        if (!t || stored === undefined || t.claimed === undefined) continue;
        parts.claim.push(t.claimed - stored);
        if (t.writeStart !== undefined) parts.prep.push(t.writeStart - t.claimed);
        if (t.resolveStart !== undefined && t.resolveEnd !== undefined)
          resolve.push(t.resolveEnd - t.resolveStart);
        if (t.writeStart !== undefined) visibleInCall.push(written - t.writeStart);
        if (t.writeStart !== undefined && t.writeEnd !== undefined)
          parts.write.push(t.writeEnd - t.writeStart);
      }
      e2eP99[crm] = missing.length > 0 ? Number.POSITIVE_INFINITY : stats(e2e).p99;
      console.log(
        `\n${crm}: answer → CRM record (no batch-fill wait today: a round claims what is due)`,
      );
      console.log(line('  2xx → record written in the CRM', stats(e2e)));
      console.log(line('  stored → claimed by the sync loop', stats(parts.claim)));
      console.log(line('  claimed → write call sent (prep)', stats(parts.prep)));
      console.log(line('    of which resolve (CRM reads)', stats(resolve)));
      console.log(line('  write call sent → record written', stats(visibleInCall)));
      console.log(line('  write call, whole (until it returned)', stats(parts.write)));
      if (missing.length > 0) console.log(`  not written: ${missing.length}`);
      const rounds = serverReport.rounds.filter((r) => r.crm === crm);
      const rs = stats(rounds.map((r) => r.ms));
      const jobs = rounds.map((r) => Object.values(r.jobs).reduce((s, n) => s + n, 0));
      console.log(
        `  sync rounds: ${rounds.length}, ${line('duration', rs).trim()}; jobs per round p50 ${percentile(
          [...jobs].sort((a, b) => a - b),
          50,
        )}, max ${Math.max(0, ...jobs)}`,
      );
    }

    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    console.log(
      `\ntargets: request p99 < 250 ms with nothing skipped: ${verdict(req.p99 < 250 && skipped === 0 && failures.size === 0)}; answer → CRM p99 < 2 s: Salesforce ${verdict((e2eP99.salesforce ?? Infinity) < 2000)}, HubSpot ${verdict((e2eP99.hubspot ?? Infinity) < 2000)}`,
    );
    const eld = serverReport.eventLoopDelay;
    console.log(
      `\nserver event loop: delay p50 ${fmt(eld.p50)}, p99 ${fmt(eld.p99)}, max ${fmt(eld.max)}; utilization ${(serverReport.eventLoopUtilization * 100).toFixed(0)}%; peak RSS ${serverReport.peakRssMiB.toFixed(0)} MiB`,
    );
    const windowMs = (sendSeconds + drainSeconds) * 1000;
    const top = (record: Record<string, { calls: number; ms: number; maxMs: number }>, n = 12) =>
      Object.entries(record)
        .sort(([, a], [, b]) => b.ms - a.ms)
        .slice(0, n)
        .map(
          ([name, t]) =>
            `  ${name.padEnd(28)} ${String(t.calls).padStart(7)} calls  ${t.ms.toFixed(0).padStart(7)} ms (${((t.ms / windowMs) * 100).toFixed(1)}% of the window)  max ${t.maxMs.toFixed(1)} ms`,
        )
        .join('\n');
    const storeSum = (prefix: string) =>
      Object.entries(serverReport.store)
        .filter(([name]) => name.startsWith(prefix))
        .reduce((sum, [, t]) => sum + t.ms, 0);
    console.log(
      `store methods, synchronous time on the server's event loop: API requests ${(storeSum('api.') / 1000).toFixed(1)} s (${((storeSum('api.') / windowMs) * 100).toFixed(0)}% of the window), sync ${(storeSum('sync.') / 1000).toFixed(1)} s (${((storeSum('sync.') / windowMs) * 100).toFixed(0)}%)\n${top(serverReport.store, 16)}`,
    );
    console.log(
      `CRM adapter methods, wall time (awaited, not blocking):\n${top(serverReport.adapters)}`,
    );
    if (Object.keys(serverReport.limiterWait).length > 0)
      console.log(`rate limiter waits:\n${top(serverReport.limiterWait)}`);

    const profile = serverReport.profile;
    if (profile) {
      const pct = (ms: number) => `${((ms / profile.totalMs) * 100).toFixed(1)}%`;
      const list = (record: Record<string, number> | [string, number][], n = 14) =>
        (Array.isArray(record) ? record : Object.entries(record))
          .sort(([, a], [, b]) => b - a)
          .slice(0, n)
          .map(
            ([k, ms]) => `  ${pct(ms).padStart(6)}  ${(ms / 1000).toFixed(2).padStart(6)} s  ${k}`,
          )
          .join('\n');
      console.log(
        `\nCPU profile of the server process over ${(profile.totalMs / 1000).toFixed(1)} s (busy ${pct(profile.busyMs)}; raw profile: ${profileFile}):`,
      );
      console.log(`on behalf of:\n${list(profile.byWhom)}`);
      console.log(`what ran:\n${list(profile.byWhat)}`);
      console.log(`on behalf of / what ran:\n${list(profile.cross, 16)}`);
      console.log(`our functions, inclusive:\n${list(profile.ownInclusive, 20)}`);
      console.log(`heaviest functions, self:\n${list(profile.self, 12)}`);
    }

    const inWindow = report.calls.filter((c) => c.at >= startWall);
    for (const crm of CRMS) {
      const calls = inWindow.filter((c) => c.crm === crm);
      const byWhat = new Map<string, { n: number; ms: number }>();
      for (const c of calls) {
        const e = byWhat.get(c.what) ?? { n: 0, ms: 0 };
        e.n++;
        e.ms += c.ms;
        byWhat.set(c.what, e);
      }
      const statuses = new Map<number, number>();
      for (const c of calls) statuses.set(c.status, (statuses.get(c.status) ?? 0) + 1);
      console.log(
        `\n${crm} calls during the measure: ${calls.length} (statuses ${JSON.stringify(Object.fromEntries(statuses))}); emulator time per call ${line('', stats(calls.map((c) => c.ms))).trim()}`,
      );
      for (const [what, e] of [...byWhat].sort(([, a], [, b]) => b.n - a.n).slice(0, 12))
        console.log(`  ${String(e.n).padStart(5)}  ${what}  (${(e.ms / e.n).toFixed(1)} ms each)`);
    }
    console.log(
      `\nemulators' process: peak RSS ${report.peakRssMiB.toFixed(0)} MiB${emulators ? '' : " (the server's process)"}`,
    );
    agent.destroy();
  } finally {
    for (const child of children) await child.close();
  }
}

await main();
