// `npm run check:metadata`: the Salesforce package checked offline as a deploy would check it
// (server/src/emulators/salesforce/deployCheck.ts), after xmllint has checked well-formedness.
// Exits 1 with `file:line: problem` lines when an org would refuse the package.
import { fileURLToPath } from 'node:url';
import { checkPackage } from '../server/src/emulators/salesforce/deployCheck.ts';

const project = fileURLToPath(new URL('../salesforce/force-app/main/default', import.meta.url));
const problems = checkPackage(project);
for (const problem of problems)
  console.error(
    `salesforce/force-app/main/default/${problem.file}:${problem.line}: ${problem.message}`,
  );
if (problems.length > 0) {
  console.error(`${problems.length} problem(s): an org would refuse this deploy.`);
  process.exit(1);
}
console.log('The Salesforce package passes the offline deploy check.');
