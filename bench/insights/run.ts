/**
 * bench/insights: the figures of `GET /v1/insights` (NPS per group with its margin against the rest
 * of the org, small groups as hints, loop closure per group with recovery) over 1,000,000 answers
 * and their callbacks, by owner and by touchpoint, computed with the shared functions the API uses
 * and with a hand-written single-pass counting loop, in the same run. Each measurement runs in
 * its own process so that its peak RSS is its own; a process that only builds the data gives the
 * baseline memory. Team and region are not stored yet (README, "Insights"), so they are not measured.
 *
 *   npm run bench:insights [-- --answers 1000000 --owners 200 --runs 5]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  compareGroupsWithNorm,
  loopClosureBy,
  type DatedAnswer,
  type LoopCallback,
  type RespondentAnswer,
} from '@boucle/shared';
import { seededRandom } from '../../server/src/random.ts';

const { values } = parseArgs({
  options: {
    answers: { type: 'string', default: '1000000' },
    owners: { type: 'string', default: '200' },
    runs: { type: 'string', default: '5' },
    child: { type: 'string' },
    by: { type: 'string', default: 'owner' },
  },
});
const answerCount = Number(values.answers);
const ownerCount = Number(values.owners);
const runs = Number(values.runs);

const NOW = '2026-12-01T12:00:00.000Z';
const NOW_MS = Date.parse(NOW);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const WINDOW = { from: new Date(NOW_MS - 90 * DAY_MS).toISOString(), to: NOW };
const MIN_SAMPLE = 30;
const TOUCHPOINTS = ['pre-sale', 'contracting', 'after-sale', 'support', 'renewal'];

type By = 'owner' | 'touchpoint';
interface BenchAnswer extends DatedAnswer, RespondentAnswer {
  readonly owner: string;
  readonly touchpoint: string;
}
interface BenchCallback extends LoopCallback {
  /** The group of the answer that raised it, as the API joins it. */
  readonly owner: string;
  readonly touchpoint: string;
}

/**
 * Answers over the last 100 days (90% NPS, 10% CSAT) by `owners` owners, about 200,000
 * respondents; a callback for every other detractor, in every state; a tenth of the owners with
 * fewer than 30 answers (hints).
 */
function generate(count: number, owners: number) {
  const next = seededRandom(16);
  const answers: BenchAnswer[] = new Array(count);
  const callbacks: BenchCallback[] = [];
  const small = Math.max(1, Math.floor(owners / 10));
  for (let i = 0; i < count; i++) {
    const ownerIndex =
      i % 5000 < small * 2 ? i % small : small + Math.floor(next() * (owners - small));
    const owner = `rep-${String(ownerIndex).padStart(4, '0')}@vendor.example`;
    const tilt = (ownerIndex % 7) - 3;
    const nps = next() < 0.9;
    const score = nps
      ? Math.max(0, Math.min(10, Math.round(7 + tilt * 0.5 + (next() - 0.5) * 8)))
      : 1 + Math.floor(next() * 5);
    const at = NOW_MS - Math.floor(next() * 100 * DAY_MS);
    const answer: BenchAnswer = {
      metric: nps ? 'nps' : 'csat',
      score,
      answeredAt: new Date(at).toISOString(),
      respondentEmail: `c${Math.floor(next() * 200_000)}@customer.example`,
      owner,
      touchpoint: TOUCHPOINTS[Math.floor(next() * TOUCHPOINTS.length)] as string,
    };
    answers[i] = answer;
    if (!nps || score > 6 || next() < 0.5) continue;
    const created = at + HOUR_MS;
    const due = created + 24 * HOUR_MS;
    const scenario = Math.floor(next() * 4);
    const contact = created + Math.floor(next() * 48 * HOUR_MS);
    callbacks.push({
      kind: 'detractor_recovery',
      status: (['resolved', 'attempted', 'escalated', 'open'] as const)[scenario] as 'open',
      createdAt: new Date(created).toISOString(),
      dueAt: new Date(due).toISOString(),
      slaHours: 24,
      respondentEmail: answer.respondentEmail,
      owner,
      touchpoint: answer.touchpoint,
      ...(scenario <= 1 && { firstContactAt: new Date(contact).toISOString() }),
      ...(scenario === 0 && {
        reachedAt: new Date(contact).toISOString(),
        closedAt: new Date(contact + HOUR_MS).toISOString(),
      }),
      ...(scenario === 2 && { escalatedAt: new Date(due).toISOString() }),
    });
  }
  return { answers, callbacks };
}

/** What both implementations produce, to check that they agree. */
interface Figures {
  org: { n: number; nps: number | null; margin: number | null };
  groups: Record<
    string,
    {
      n: number;
      nps: number | null;
      margin: number | null;
      rank: number | null;
      significant: boolean;
      withinSla: number;
      late: number;
      overdue: number;
      median: number | null;
      p90: number | null;
      recovered: number;
    }
  >;
}

function withShared(data: ReturnType<typeof generate>, by: By): Figures {
  const norm = compareGroupsWithNorm(data.answers, (a) => a[by], {
    window: WINDOW,
    minSample: MIN_SAMPLE,
  });
  const loops = new Map(
    loopClosureBy(data.callbacks, (c) => c[by], {
      now: NOW,
      window: WINDOW,
      answers: data.answers,
    }).map((g) => [g.key, g]),
  );
  const groups: Figures['groups'] = {};
  for (const group of [...norm.groups, ...norm.hints]) {
    const loop = loops.get(group.key);
    groups[group.key] = {
      n: group.n,
      nps: group.nps,
      margin: group.margin,
      rank: group.rank,
      significant: group.comparison.significant,
      withinSla: loop?.contactedWithinSla ?? 0,
      late: loop?.contactedLate ?? 0,
      overdue: loop?.overdue ?? 0,
      median: loop?.medianHoursToFirstContact ?? null,
      p90: loop?.p90HoursToFirstContact ?? null,
      recovered: loop?.detractorsRecovered ?? 0,
    };
  }
  return { org: { n: norm.org.n, nps: norm.org.nps, margin: norm.org.margin }, groups };
}

const round = (x: number) => Math.round(x * 10) / 10 || 0;
const quantile = (sorted: number[], q: number) => {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * q;
  const low = Math.floor(rank);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
};

/** The same figures with one counting pass over the answers and one over the callbacks. */
function withLoop(data: ReturnType<typeof generate>, by: By): Figures {
  const from = Date.parse(WINDOW.from);
  const to = Date.parse(WINDOW.to);
  const wanted = new Set<string>();
  for (const c of data.callbacks) if (c.respondentEmail) wanted.add(c.respondentEmail);
  const counts = new Map<string, [number, number, number]>();
  const later = new Map<string, number[]>();
  let op = 0;
  let opa = 0;
  let od = 0;
  for (const a of data.answers) {
    if (a.metric !== 'nps') continue;
    const at = Date.parse(a.answeredAt);
    if (wanted.has(a.respondentEmail)) {
      const list = later.get(a.respondentEmail);
      if (list) list.push(at, a.score);
      else later.set(a.respondentEmail, [at, a.score]);
    }
    if (at <= from || at > to) continue;
    let c = counts.get(a[by]);
    if (!c) counts.set(a[by], (c = [0, 0, 0]));
    if (a.score >= 9) {
      c[0]++;
      op++;
    } else if (a.score >= 7) {
      c[1]++;
      opa++;
    } else {
      c[2]++;
      od++;
    }
  }
  const on = op + opa + od;
  const stat = (p: number, d: number, n: number) => {
    if (n === 0) return { nps: null, margin: null };
    const ps = p / n;
    const ds = d / n;
    return {
      nps: (ps - ds) * 100,
      margin: 1.96 * Math.sqrt(Math.max(0, ps + ds - (ps - ds) ** 2) / n) * 100,
    };
  };
  const loops = new Map<
    string,
    { within: number; late: number; overdue: number; hours: number[]; recovered: number }
  >();
  for (const c of data.callbacks) {
    const created = Date.parse(c.createdAt);
    if (created <= from || created > to) continue;
    let l = loops.get(c[by]);
    if (!l) loops.set(c[by], (l = { within: 0, late: 0, overdue: 0, hours: [], recovered: 0 }));
    const due = Date.parse(c.dueAt);
    if (c.firstContactAt) {
      const first = Date.parse(c.firstContactAt);
      l.hours.push((first - created) / HOUR_MS);
      if (first <= due) l.within++;
      else l.late++;
    } else if (NOW_MS > due) l.late++;
    if (!c.reachedAt && !c.closedAt && NOW_MS > due) l.overdue++;
    const list = later.get(c.respondentEmail as string) as number[];
    let nextAt = Infinity;
    let nextScore = 0;
    for (let i = 0; i < list.length; i += 2) {
      const at = list[i] as number;
      if (at > created && at < nextAt) {
        nextAt = at;
        nextScore = list[i + 1] as number;
      }
    }
    if (nextAt !== Infinity && nextScore >= 7) l.recovered++;
  }
  const org = stat(op, od, on);
  const groups: Figures['groups'] = {};
  const enough: { key: string; nps: number }[] = [];
  for (const [key, [p, pa, d]] of counts) {
    const n = p + pa + d;
    const own = stat(p, d, n);
    const rest = stat(op - p, od - d, on - n);
    const ok = (x: number, y: number, z: number, m: number) =>
      m >= MIN_SAMPLE && x !== m && y !== m && z !== m;
    const ownOk = ok(p, pa, d, n);
    const restOk = ok(op - p, opa - pa, od - d, on - n);
    const significant =
      ownOk &&
      restOk &&
      Math.abs((own.nps as number) - (rest.nps as number)) >
        Math.hypot(own.margin as number, rest.margin as number);
    if (ownOk) enough.push({ key, nps: own.nps as number });
    const l = loops.get(key);
    const hours = (l?.hours ?? []).sort((x, y) => x - y);
    groups[key] = {
      n,
      nps: round(own.nps as number),
      margin: ownOk ? round(own.margin as number) : null,
      rank: null,
      significant,
      withinSla: l?.within ?? 0,
      late: l?.late ?? 0,
      overdue: l?.overdue ?? 0,
      median: quantile(hours, 0.5),
      p90: quantile(hours, 0.9),
      recovered: l?.recovered ?? 0,
    };
  }
  enough.sort((x, y) => y.nps - x.nps || (x.key < y.key ? -1 : 1));
  enough.forEach((entry, i) => {
    const previous = enough[i - 1];
    const group = groups[entry.key]!;
    group.rank =
      previous && groups[previous.key]!.nps === group.nps ? groups[previous.key]!.rank : i + 1;
  });
  return {
    org: {
      n: on,
      nps: org.nps === null ? null : round(org.nps),
      margin: org.margin === null ? null : round(org.margin),
    },
    groups,
  };
}

interface Measure {
  mode: string;
  by: string;
  seconds: number;
  /** CPU time (user + system, the GC's threads included): steadier than wall time on a shared machine. */
  cpuSeconds: number;
  peakRssMiB: number;
  figures?: Figures;
  answers: number;
  callbacks: number;
}

function child(mode: string, by: By): Measure {
  const data = generate(answerCount, ownerCount);
  const peak = () => process.resourceUsage().maxRSS / 1024;
  const sizes = { answers: data.answers.length, callbacks: data.callbacks.length };
  if (mode === 'data') return { mode, by, seconds: 0, cpuSeconds: 0, peakRssMiB: peak(), ...sizes };
  const run = mode === 'shared' ? withShared : withLoop;
  let figures = run(data, by); // warm-up: the JIT compiles the hot loops
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    figures = run(data, by);
    const used = process.cpuUsage(startCpu);
    cpu.push((used.user + used.system) / 1e6);
    wall.push((performance.now() - start) / 1000);
  }
  const middle = (list: number[]) =>
    list.sort((a, b) => a - b)[Math.floor(list.length / 2)] as number;
  return {
    mode,
    by,
    seconds: middle(wall),
    cpuSeconds: middle(cpu),
    peakRssMiB: peak(),
    figures,
    ...sizes,
  };
}

/** Figures as text with the groups in key order, to compare two implementations. */
function canonical(figures: Figures | undefined): string {
  if (!figures) return '';
  const keys = Object.keys(figures.groups).sort();
  return JSON.stringify([figures.org, keys.map((key) => [key, figures.groups[key]])]);
}

function spawnChild(mode: string, by: By): Measure {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', self, '--child', mode, '--by', by];
  args.push(
    '--answers',
    String(answerCount),
    '--owners',
    String(ownerCount),
    '--runs',
    String(runs),
  );
  const result = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`bench child ${mode} ${by} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Measure;
}

if (values.child) {
  process.stdout.write(JSON.stringify(child(values.child, values.by as By)));
} else {
  const data = spawnChild('data', 'owner');
  console.log(
    `bench/insights: ${data.answers.toLocaleString('en')} answers, ${data.callbacks.toLocaleString('en')} callbacks, ${ownerCount} owners, ${TOUCHPOINTS.length} touchpoints, 90-day window, median of ${runs} runs after a warm-up, node ${process.version}`,
  );
  const rows = [
    [
      'by',
      'implementation',
      'CPU s',
      'vs loop',
      'wall s',
      'vs loop',
      'peak RSS MiB',
      'over data MiB',
    ],
  ];
  let agree = true;
  for (const by of ['owner', 'touchpoint'] as const) {
    const shared = spawnChild('shared', by);
    const loop = spawnChild('loop', by);
    agree &&= canonical(shared.figures) === canonical(loop.figures);
    for (const m of [shared, loop])
      rows.push([
        by,
        m.mode === 'shared'
          ? 'shared (compareGroupsWithNorm + loopClosureBy)'
          : 'hand-written loop',
        m.cpuSeconds.toFixed(3),
        `${(m.cpuSeconds / loop.cpuSeconds).toFixed(2)}×`,
        m.seconds.toFixed(3),
        `${(m.seconds / loop.seconds).toFixed(2)}×`,
        m.peakRssMiB.toFixed(0),
        (m.peakRssMiB - data.peakRssMiB).toFixed(0),
      ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows)
    console.log(
      row
        .map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('  '),
    );
  console.log(`data alone: peak RSS ${data.peakRssMiB.toFixed(0)} MiB`);
  console.log(`figures agree: ${agree ? 'yes' : 'NO'}`);
  if (!agree) process.exitCode = 1;
}
