// `npm run check:lines`: no tracked source file over 500 lines, so that each file holds one job and
// a reader can take it in (issue #21). Generated files are exempt: they carry the banner that
// scripts/build-targets.ts writes ("Generated ... do not edit") in their first lines, and are
// recognised by it rather than by a list that would go stale. Exits 1 naming each file and its length.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX_LINES = 500;
const FOLDERS = ['shared', 'server', 'salesforce', 'hubspot', 'scripts', 'bench'];
const SOURCE = /\.(ts|tsx|js|mjs|cjs|html|css)$/;
const GENERATED = /generated\b.*\bdo not edit/i;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tracked = execFileSync('git', ['ls-files', '-z', '--', ...FOLDERS], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\0')
  .filter((path) => SOURCE.test(path));

const tooLong: { path: string; lines: number }[] = [];
for (const path of tracked) {
  let text: string;
  try {
    text = readFileSync(join(root, path), 'utf8');
  } catch {
    continue; // tracked but deleted in the work tree
  }
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines <= MAX_LINES) continue;
  if (GENERATED.test(text.split('\n', 5).join('\n'))) continue;
  tooLong.push({ path, lines });
}

if (tooLong.length > 0) {
  tooLong.sort((a, b) => b.lines - a.lines);
  for (const { path, lines } of tooLong) console.error(`${path}: ${lines} lines`);
  console.error(
    `${tooLong.length} source file(s) over ${MAX_LINES} lines: split them by responsibility (generated files, marked "generated ... do not edit", are exempt).`,
  );
  process.exit(1);
}
console.log(`Every source file holds at most ${MAX_LINES} lines.`);
