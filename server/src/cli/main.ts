import { Command, CommanderError, Option } from 'commander';
import { ANSWER_FILE_FORMATS } from '../answerFiles/readAnswerFile.ts';
import { SCORE_DIMENSIONS, scoreCommand, type ScoreOptions } from './commands/score.ts';
import { EXIT, type CliIo } from './io.ts';

/**
 * The `boucle` command line. Commander parses arguments and writes `--help`; every command
 * returns an exit code: 0 ok, 1 failure, 2 bad usage or bad input.
 * @param argv the arguments after `boucle`
 * @param io where to write
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('boucle')
    .description(
      'Boucle: closed-loop customer feedback (NPS, CSAT, CES) inside Salesforce and HubSpot.',
    )
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError();

  program
    .command('score')
    .description(
      'Score an answer file offline with the shared logic: NPS with its 95% margin, CSAT and CES, overall and by group.',
    )
    .argument(
      '<file>',
      'answers: .csv with a header row (id and score required) or .jsonl (one API answer per line)',
    )
    .addOption(new Option('--by <dimension>', 'group the answers').choices(SCORE_DIMENSIONS))
    .addOption(
      new Option('--format <format>', 'file format, when the extension does not tell').choices(
        ANSWER_FILE_FORMATS,
      ),
    )
    .option('--json', 'print {"overall": ..., "groups": [...]} instead of a table')
    .addHelpText(
      'after',
      `
CSV columns (any order): id, metric, score, touchpoint, answeredAt, accountKey, email, comment,
interactionId, employeeEmail. metric is nps (0-10, the default), csat (1-5) or ces (1-7).

Exit codes: 0 scored; 2 bad usage or bad rows (each listed with its line number and reason).

Examples:
  npx boucle score answers.csv
  npx boucle score answers.jsonl --by touchpoint --json`,
    )
    .action(async (file: string, options: ScoreOptions) => {
      exitCode = await scoreCommand(file, options, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    throw error;
  }
  return exitCode;
}
