// Adds up the JSON results each workspace's Vitest run wrote and prints one closing line,
// "tests: N passed, N failed", so that CI logs state plainly how many tests ran.
import { existsSync, readFileSync } from 'node:fs';

const workspaces = JSON.parse(readFileSync('package.json', 'utf8')).workspaces;
let passed = 0;
let failed = 0;
let skipped = 0;
for (const workspace of workspaces) {
  const path = `${workspace}/.vitest-results.json`;
  if (!existsSync(path)) continue;
  const results = JSON.parse(readFileSync(path, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests;
  skipped += results.numPendingTests + results.numTodoTests;
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
