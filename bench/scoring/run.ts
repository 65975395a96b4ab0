/**
 * bench/scoring: account summaries (NPS with margin, monthly trend, touchpoints, verbatims) over
 * 1,000,000 answers across 5,000 accounts, with the shared logic and with a naive implementation,
 * in the same run. Each measurement runs in its own process so that its peak RSS is its own;
 * a process that only builds the data gives the baseline memory.
 *
 *   npm run bench:scoring [-- --answers 1000000 --accounts 5000 --naive-accounts 100]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NOW, generateAnswers } from './data.ts';
import { naiveSummary, summariesWithShared } from './implementations.ts';

const { values } = parseArgs({
  options: {
    answers: { type: 'string', default: '1000000' },
    accounts: { type: 'string', default: '5000' },
    'naive-accounts': { type: 'string', default: '100' },
    child: { type: 'string' },
  },
});
const answers = Number(values.answers);
const accounts = Number(values.accounts);
const naiveAccounts = Math.min(Number(values['naive-accounts']), accounts);

interface Measure {
  mode: string;
  seconds: number;
  answersSummarized: number;
  accountsSummarized: number;
  peakRssMiB: number;
  check?: number[];
}

function child(mode: string): Measure {
  const data = generateAnswers(answers, accounts);
  const peak = () => process.resourceUsage().maxRSS / 1024;
  if (mode === 'data') {
    return { mode, seconds: 0, answersSummarized: 0, accountsSummarized: 0, peakRssMiB: peak() };
  }
  const sample = Array.from(
    { length: naiveAccounts },
    (_, i) => `acct-${String(i).padStart(5, '0')}`,
  );
  if (mode === 'shared') {
    const start = performance.now();
    const summaries = summariesWithShared(data, NOW);
    const seconds = (performance.now() - start) / 1000;
    return {
      mode,
      seconds,
      answersSummarized: data.length,
      accountsSummarized: summaries.size,
      peakRssMiB: peak(),
      check: sample.map((key) => summaries.get(key)?.overall.nps ?? Number.NaN),
    };
  }
  const start = performance.now();
  const results = sample.map((key) => naiveSummary(data, key, NOW));
  const seconds = (performance.now() - start) / 1000;
  const inSample = new Set(sample);
  return {
    mode,
    seconds,
    answersSummarized: data.filter((a) => inSample.has(a.accountKey)).length,
    accountsSummarized: sample.length,
    peakRssMiB: peak(),
    check: results.map((result) => result.nps ?? Number.NaN),
  };
}

function spawnChild(mode: string): Measure {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', self, '--child', mode, '--answers', String(answers)];
  args.push('--accounts', String(accounts), '--naive-accounts', String(naiveAccounts));
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`bench child ${mode} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as Measure;
}

if (values.child) {
  process.stdout.write(JSON.stringify(child(values.child)));
} else {
  console.log(
    `bench/scoring: ${answers.toLocaleString('en')} answers, ${accounts.toLocaleString('en')} accounts, node ${process.version}`,
  );
  const data = spawnChild('data');
  const shared = spawnChild('shared');
  const naive = spawnChild('naive');
  const agree = (shared.check ?? []).every((nps, i) => {
    const other = naive.check?.[i] ?? Number.NaN;
    return (Number.isNaN(nps) && Number.isNaN(other)) || Math.abs(nps - other) < 1e-9;
  });
  const rate = (m: Measure) => m.answersSummarized / m.seconds;
  const rows = [
    [
      'implementation',
      'accounts',
      'answers',
      'seconds',
      'answers/s',
      'vs naive',
      'peak RSS MiB',
      'over data MiB',
    ],
    ...[shared, naive].map((m) => [
      m.mode === 'shared' ? 'shared (summarizeAccount)' : 'naive (filter per account)',
      m.accountsSummarized.toLocaleString('en'),
      m.answersSummarized.toLocaleString('en'),
      m.seconds.toFixed(2),
      Math.round(rate(m)).toLocaleString('en'),
      `${(rate(m) / rate(naive)).toFixed(1)}×`,
      m.peakRssMiB.toFixed(0),
      (m.peakRssMiB - data.peakRssMiB).toFixed(0),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padStart(widths[c]!)).join('  '));
  console.log(`data alone: peak RSS ${data.peakRssMiB.toFixed(0)} MiB`);
  console.log(`results agree on the ${naiveAccounts} sampled accounts: ${agree ? 'yes' : 'NO'}`);
  if (!agree) process.exitCode = 1;
}
