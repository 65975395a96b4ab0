/**
 * bench/import: rows per second and peak RSS of `boucle import` on 100,000 and 1,000,000 answers,
 * each in its own process, so that peak RSS can be compared: it must stay flat as the file grows.
 *
 *   npm run bench:import [-- --sizes 100000,1000000]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '100000,1000000' }, child: { type: 'string' } },
});

async function writeFile(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,score,answeredAt,accountKey,email,touchpoint,comment\n');
  for (let i = 0; i < rows; i++) {
    const line = `r${i},${i % 11},2026-${String(1 + (i % 12)).padStart(2, '0')}-15T10:00:00Z,account${i % 5000}.example,c${i % 50000}@account${i % 5000}.example,${['pre-sale', 'contracting', 'after-sale'][i % 3]},${i % 5 === 0 ? '"Délai de réponse trop long"' : ''}\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

if (values.child) {
  const [file, db] = values.child.split('|') as [string, string];
  const { importCommand } = await import('../../server/src/cli/commands/import.ts');
  const started = performance.now();
  const code = await importCommand(
    file,
    { progress: false },
    { BOUCLE_DB: db, BOUCLE_LOG_LEVEL: 'silent' },
    { stdout: () => undefined, stderr: (t) => process.stderr.write(t) },
  );
  process.stdout.write(
    JSON.stringify({
      code,
      seconds: (performance.now() - started) / 1000,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    }),
  );
} else {
  const sizes = values.sizes.split(',').map(Number);
  console.log(
    `bench/import: ${sizes.map((n) => n.toLocaleString('en')).join(' and ')} rows, node ${process.version}`,
  );
  console.log('rows | seconds | rows/s | peak RSS MiB');
  for (const rows of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'boucle-bench-import-'));
    const file = join(dir, 'answers.csv');
    await writeFile(file, rows);
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--child',
        `${file}|${join(dir, 'boucle.db')}`,
      ],
      { encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(run.stderr);
    const result = JSON.parse(run.stdout) as { code: number; seconds: number; peakRssMiB: number };
    console.log(
      `${rows.toLocaleString('en')} | ${result.seconds.toFixed(1)} | ${Math.round(rows / result.seconds).toLocaleString('en')} | ${result.peakRssMiB.toFixed(0)}`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
}
