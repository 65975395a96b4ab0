/**
 * bench/scoring: account summaries (NPS with margin, monthly trend, touchpoints, verbatims) over
 * 1,000,000 answers across 5,000 accounts, with the shared logic against the floor: a hand-written
 * single-pass counting loop computing the same figures (target: the shared logic within 1.5× its
 * time). A naive implementation (filter per account, on a sample of accounts) is shown for scale.
 * Each measurement runs in its own process so that its peak RSS is its own; a process that only
 * builds the data gives the baseline memory. Shared and loop run once to warm up, then `--runs`
 * times; the table shows the median run (wall and CPU time: the machine may be shared).
 *
 *   npm run bench:scoring [-- --answers 1000000 --accounts 5000 --naive-accounts 100 --runs 3]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NOW, generateAnswers } from './data.ts';
import { naiveSummary, summariesByCounting, summariesWithShared } from './implementations.ts';

const { values } = parseArgs({
  options: {
    answers: { type: 'string', default: '1000000' },
    accounts: { type: 'string', default: '5000' },
    'naive-accounts': { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    child: { type: 'string' },
  },
});
const answers = Number(values.answers);
const accounts = Number(values.accounts);
const naiveAccounts = Math.min(Number(values['naive-accounts']), accounts);
const runs = Math.max(1, Number(values.runs));

/** The figures both full implementations give, per account, to check that they agree. */
type Check = Record<
  string,
  {
    nps: number | null;
    margin: number | null;
    trend: (number | null)[];
    touchpoints: (number | null)[];
    verbatims: string[];
  }
>;

interface Measure {
  mode: string;
  seconds: number;
  cpuSeconds: number;
  answersSummarized: number;
  accountsSummarized: number;
  peakRssMiB: number;
  check?: Check;
  sampleNps?: number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function timed<T>(work: () => T, times: number): { result: T; seconds: number; cpu: number } {
  let result = work();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < times; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    result = work();
    walls.push((performance.now() - start) / 1000);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1e6);
  }
  return { result, seconds: median(walls), cpu: median(cpus) };
}

function child(mode: string): Measure {
  const data = generateAnswers(answers, accounts);
  const peak = () => process.resourceUsage().maxRSS / 1024;
  const base = { mode, answersSummarized: data.length, peakRssMiB: 0 };
  if (mode === 'data') {
    return {
      ...base,
      seconds: 0,
      cpuSeconds: 0,
      answersSummarized: 0,
      accountsSummarized: 0,
      peakRssMiB: peak(),
    };
  }
  const sample = Array.from(
    { length: naiveAccounts },
    (_, i) => `acct-${String(i).padStart(5, '0')}`,
  );
  if (mode === 'shared') {
    const { result, seconds, cpu } = timed(() => summariesWithShared(data, NOW), runs);
    const check: Check = {};
    for (const [key, s] of result)
      check[key] = {
        nps: s.overall.nps,
        margin: s.overall.margin,
        trend: s.trend.map((m) => m.nps),
        touchpoints: s.touchpoints.map((t) => t.nps),
        verbatims: s.verbatims.map((v) => v.answerId),
      };
    return {
      ...base,
      seconds,
      cpuSeconds: cpu,
      accountsSummarized: result.size,
      peakRssMiB: peak(),
      check,
      sampleNps: sample.map((key) => result.get(key)?.overall.nps ?? Number.NaN),
    };
  }
  if (mode === 'loop') {
    const { result, seconds, cpu } = timed(() => summariesByCounting(data, NOW), runs);
    const check: Check = {};
    for (const [key, s] of result)
      check[key] = {
        nps: s.nps,
        margin: s.margin,
        trend: s.trend,
        touchpoints: s.touchpoints.map((t) => t.nps),
        verbatims: s.verbatims,
      };
    return {
      ...base,
      seconds,
      cpuSeconds: cpu,
      accountsSummarized: result.size,
      peakRssMiB: peak(),
      check,
    };
  }
  const cpu = process.cpuUsage();
  const start = performance.now();
  const results = sample.map((key) => naiveSummary(data, key, NOW));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const inSample = new Set(sample);
  return {
    mode,
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    answersSummarized: data.filter((a) => inSample.has(a.accountKey)).length,
    accountsSummarized: sample.length,
    peakRssMiB: peak(),
    sampleNps: results.map((result) => result.nps ?? Number.NaN),
  };
}

function spawnChild(mode: string): Measure {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', self, '--child', mode, '--answers', String(answers)];
  args.push('--accounts', String(accounts), '--naive-accounts', String(naiveAccounts));
  args.push('--runs', String(runs));
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`bench child ${mode} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as Measure;
}

const close = (a: number | null, b: number | null) =>
  (a === null && b === null) || (a !== null && b !== null && Math.abs(a - b) < 1e-9);

/** Where the two full implementations disagree, if anywhere (first few). */
function disagreements(a: Check, b: Check): string[] {
  const problems: string[] = [];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const x = a[key];
    const y = b[key];
    if (!x || !y) problems.push(`${key}: only in one`);
    else if (
      !close(x.nps, y.nps) ||
      !close(x.margin, y.margin) ||
      x.trend.length !== y.trend.length ||
      x.trend.some((v, i) => !close(v, y.trend[i] ?? null)) ||
      x.touchpoints.length !== y.touchpoints.length ||
      x.touchpoints.some((v, i) => !close(v, y.touchpoints[i] ?? null)) ||
      x.verbatims.join() !== y.verbatims.join()
    )
      problems.push(key);
    if (problems.length >= 5) break;
  }
  return problems;
}

if (values.child) {
  process.stdout.write(JSON.stringify({ ...child(values.child) }));
} else {
  console.log(
    `bench/scoring: ${answers.toLocaleString('en')} answers, ${accounts.toLocaleString('en')} accounts, median of ${runs} runs after a warm-up, node ${process.version}`,
  );
  const data = spawnChild('data');
  const shared = spawnChild('shared');
  const loop = spawnChild('loop');
  const naive = spawnChild('naive');
  const sampleAgrees = (shared.sampleNps ?? []).every((nps, i) => {
    const other = naive.sampleNps?.[i] ?? Number.NaN;
    return (Number.isNaN(nps) && Number.isNaN(other)) || Math.abs(nps - other) < 1e-9;
  });
  const problems = disagreements(shared.check ?? {}, loop.check ?? {});
  // Time per answer, so the naive sample compares too.
  const perAnswer = (m: Measure, cpu = false) =>
    (cpu ? m.cpuSeconds : m.seconds) / m.answersSummarized;
  const rows = [
    [
      'implementation',
      'accounts',
      'answers',
      'wall s',
      'vs loop',
      'CPU s',
      'vs loop',
      'answers/s',
      'peak RSS MiB',
      'over data MiB',
    ],
    ...[shared, loop, naive].map((m) => [
      m.mode === 'shared'
        ? 'shared (summarizeAccounts)'
        : m.mode === 'loop'
          ? 'hand-written counting loop'
          : 'naive (filter per account)',
      m.accountsSummarized.toLocaleString('en'),
      m.answersSummarized.toLocaleString('en'),
      m.seconds.toFixed(3),
      `${(perAnswer(m) / perAnswer(loop)).toFixed(2)}×`,
      m.cpuSeconds.toFixed(3),
      `${(perAnswer(m, true) / perAnswer(loop, true)).toFixed(2)}×`,
      Math.round(m.answersSummarized / m.seconds).toLocaleString('en'),
      m.peakRssMiB.toFixed(0),
      (m.peakRssMiB - data.peakRssMiB).toFixed(0),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padStart(widths[c]!)).join('  '));
  console.log(`data alone: peak RSS ${data.peakRssMiB.toFixed(0)} MiB`);
  console.log(
    `shared vs the loop: ${(shared.seconds / loop.seconds).toFixed(2)}× its wall time, ${(shared.cpuSeconds / loop.cpuSeconds).toFixed(2)}× its CPU time (target ≤ 1.5×)`,
  );
  console.log(
    `shared and loop agree on every account (NPS, margin, trend, touchpoints, verbatims): ${problems.length === 0 ? 'yes' : `NO (${problems.join(', ')})`}`,
  );
  console.log(
    `shared and naive agree on the ${naiveAccounts} sampled accounts: ${sampleAgrees ? 'yes' : 'NO'}`,
  );
  if (!sampleAgrees || problems.length > 0) process.exitCode = 1;
}
