import { runCli } from './main.ts';

try {
  process.exitCode = await runCli(
    process.argv.slice(2),
    {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    },
    undefined,
    // The one place the environment is read: the configuration is parsed from it once.
    process.env,
  );
} catch (error) {
  // An unexpected failure: one line, not a stack trace (BOUCLE_DEBUG=1 shows it).
  process.stderr.write(`boucle: ${(error as Error).message}\n`);
  if (process.env.BOUCLE_DEBUG === '1') process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
}
