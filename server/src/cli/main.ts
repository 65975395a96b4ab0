import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ANSWER_FILE_FORMATS } from '../answerFiles/readAnswerFile.ts';
import {
  MAPPABLE_FIELDS,
  VENDOR_FORMATS,
  type MappableField,
} from '../answerFiles/vendorExports.ts';
import { deadLettersList, deadLettersReplay } from './commands/deadLetters.ts';
import { doctorCommand, setupHubSpotCommand } from './commands/doctor.ts';
import { eraseCommand, type EraseOptions } from './commands/erase.ts';
import { emulatorCommand, type EmulatorOptions } from './commands/emulator.ts';
import { importCommand, type ImportOptions } from './commands/import.ts';
import { SCORE_DIMENSIONS, scoreCommand, type ScoreOptions } from './commands/score.ts';
import { resyncCommand, type ResyncOptions } from './commands/resync.ts';
import { startCommand } from './commands/start.ts';
import { verbatimsCommand, type VerbatimsOptions } from './commands/verbatims.ts';
import { EXIT, type CliIo } from './io.ts';

/** `--map field=column`, repeated: the columns named so far. */
function collectMapping(
  value: string,
  previous: Partial<Record<MappableField, string>> = {},
): Partial<Record<MappableField, string>> {
  const match = /^([^=]+)=(.+)$/.exec(value);
  if (!match)
    throw new InvalidArgumentError(
      `"${value}" is not field=column, e.g. score=Q3 or comment="What could we do better?"`,
    );
  const field = (match[1] as string).trim() as MappableField;
  if (!MAPPABLE_FIELDS.includes(field))
    throw new InvalidArgumentError(
      `"${field}" is not a field; use one of ${MAPPABLE_FIELDS.join(', ')}`,
    );
  return { ...previous, [field]: (match[2] as string).trim() };
}

/** A touchpoint label: 1–80 characters. */
function label(value: string): string {
  const text = value.trim();
  if (!text || text.length > 80) throw new InvalidArgumentError('must be 1 to 80 characters');
  return text;
}

/**
 * The `boucle` command line. Commander parses arguments and writes `--help`; every command
 * returns an exit code: 0 ok, 1 failure, 2 bad usage or bad input.
 * @param argv the arguments after `boucle`
 * @param io where to write
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  signal?: AbortSignal,
  env: Record<string, string | undefined> = {},
): Promise<number> {
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
    .command('start')
    .description(
      'Run the Boucle server (what npm start runs). With no CRM configured: sandbox with local CRM emulators and demo data.',
    )
    .addHelpText(
      'after',
      '\nConfiguration comes from environment variables (PORT, BOUCLE_DB, SALESFORCE_*, HUBSPOT_*...): see README.md.',
    )
    .action(async () => {
      exitCode = await startCommand(env, io, signal);
    });

  const storeLocation = {
    dbPath: env.BOUCLE_DB?.trim() || './data/boucle.db',
    ...(env.DATABASE_URL?.trim() && { databaseUrl: env.DATABASE_URL.trim() }),
  };
  const deadLetters = program
    .command('dead-letters')
    .description(
      'Inspect and replay the sync jobs that gave up (in the store: DATABASE_URL, else BOUCLE_DB).',
    );
  deadLetters
    .command('list')
    .description('List dead-lettered jobs with their last CRM error.')
    .option('--json', 'print JSON')
    .addOption(
      new Option('--limit <n>', 'at most n jobs').default(100).argParser((value) => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1)
          throw new InvalidArgumentError('--limit must be a whole number ≥ 1');
        return n;
      }),
    )
    .action(async (options: { json?: boolean; limit: number }) => {
      exitCode = await deadLettersList(storeLocation, options, io);
    });
  deadLetters
    .command('replay')
    .description('Put dead-lettered jobs back in the queue: the given ids, or --all.')
    .argument('[ids...]', 'job ids from dead-letters list')
    .option('--all', 'replay every dead-lettered job')
    .action(async (ids: string[], options: { all?: boolean }) => {
      exitCode = await deadLettersReplay(storeLocation, ids, options, io);
    });

  program
    .command('import')
    .description(
      'Backfill answers from a CSV or JSON Lines file into the store and the sync queue (resumable).',
    )
    .argument(
      '<file>',
      "answers: .csv with a header row (id, score and answeredAt required), .jsonl (one API answer per line), or a survey tool's CSV export (--format)",
    )
    .addOption(
      new Option(
        '--format <format>',
        'file format, when the extension does not tell; or the survey tool whose CSV export this is',
      ).choices([...ANSWER_FILE_FORMATS, ...VENDOR_FORMATS]),
    )
    .option(
      '--map <field=column>',
      `survey tools' exports: the column holding a field (${MAPPABLE_FIELDS.join(', ')}); repeatable`,
      collectMapping,
    )
    .addOption(
      new Option(
        '--metric <metric>',
        "survey tools' exports: what the score measures (default nps)",
      ).choices(['nps', 'csat', 'ces']),
    )
    .option(
      '--touchpoint <label>',
      "survey tools' exports: the touchpoint of rows that carry none",
      label,
    )
    .option(
      '--timezone <zone>',
      "survey tools' exports: IANA zone of dates written without one (default: the export's, else UTC)",
    )
    .option('--report <file>', 'where to write the rejected rows (default: <file>.rejected.csv)')
    .option(
      '--restart',
      'read the file from the start, not from where an interrupted import stopped',
    )
    .option('--no-progress', 'no progress bar')
    .addHelpText(
      'after',
      `
Survey tools' exports keep the tool as the answers' source and its response id as their id:
importing again, or an answer that also came by webhook with that id, stores nothing twice.
Columns are listed in docs/integrations.md. Example:
  npx boucle import responses.csv --format qualtrics --map comment=Q2 --touchpoint after-sale
Bad rows are skipped and listed, with their line number and reason, in the report file.
Ctrl-C stops after the current batch of 1,000; the same command resumes where it stopped.
The answers are synced to the CRMs by the running server (npm start). DATABASE_URL (PostgreSQL) or BOUCLE_DB (SQLite) selects the store.`,
    )
    .action(async (file: string, options: ImportOptions) => {
      exitCode = await importCommand(file, options, env, io, signal);
    });

  program
    .command('erase')
    .description(
      "Erase a person's data everywhere Boucle wrote it: the store at once, Salesforce and HubSpot through the running server; shows the progress per CRM.",
    )
    .argument('<email>', 'the e-mail address of the person to erase')
    .option('--json', 'print the erasure (as GET /v1/erasures/{id} does) instead of progress lines')
    .option('--no-wait', 'return once the erasure is requested, without following the CRMs')
    .addOption(
      new Option('--timeout <seconds>', 'follow the CRMs this long at most')
        .default(120)
        .argParser((value) => {
          const n = Number(value);
          if (!Number.isInteger(n) || n < 0)
            throw new InvalidArgumentError('--timeout must be a whole number of seconds ≥ 0');
          return n;
        }),
    )
    .addHelpText(
      'after',
      `
Answers and ratings are deleted, or kept with their scores anonymised when
BOUCLE_ERASURE_KEEP_STATISTICS=1; callbacks are kept with their notes cleared. Asking again for the
same address shows the same erasure. Later deliveries of the person's past answers are refused.
See the Privacy section of README.md.

Exit codes: 0 erased (or nothing to erase); 1 a CRM refused, or still pending at the timeout;
2 bad usage (a malformed e-mail) or configuration.

Examples:
  npx boucle erase claire.martin@acme-industrie.example
  npx boucle erase claire.martin@acme-industrie.example --json --no-wait`,
    )
    .action(async (email: string, options: EraseOptions) => {
      exitCode = await eraseCommand(email, options, env, io, signal);
    });

  program
    .command('doctor')
    .description(
      'Check the configuration, the store, the CRM connections and the objects and properties Boucle needs; print what to fix.',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 everything in place; 1 something to fix (each problem comes with its fix).',
    )
    .action(async () => {
      exitCode = await doctorCommand(env, io);
    });
  const setup = program.command('setup').description('Prepare a CRM for Boucle.');
  setup
    .command('hubspot')
    .description(
      'Create, idempotently, the boucle property group and properties and (Enterprise) the survey response custom object.',
    )
    .action(async () => {
      exitCode = await setupHubSpotCommand(env, io);
    });
  setup
    .command('salesforce')
    .description(
      'Salesforce is set up by deploying the package: prints how, and what the org lacks.',
    )
    .action(async () => {
      io.stdout(
        'Deploy the package with the Salesforce CLI:\n  sf project deploy start --source-dir salesforce/force-app --target-org <alias>\nthen check with `npx boucle doctor`.\n',
      );
      exitCode = await doctorCommand(env, io);
    });

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

  program
    .command('resync')
    .description(
      'Queue the stored answers for their CRMs again, so records written before themes and sentiment (or a taxonomy change) get them; resumable.',
    )
    .option('--since <date>', 'only answers given from this date (ISO 8601), e.g. 2026-01-01')
    .addHelpText(
      'after',
      `
The running server (npm start) writes the queued answers in its usual batches, upserting each
record by its Boucle id. Running it again queues nothing twice while answers wait.

Exit codes: 0 queued; 1 store unavailable; 2 bad usage or configuration.`,
    )
    .action(async (options: ResyncOptions) => {
      exitCode = await resyncCommand(env, options, io);
    });

  program
    .command('verbatims')
    .description(
      "Read an answer file's verbatims offline: each comment's language, sentiment and themes, and the themes table (mentions by sentiment, share among unhappy answers with its 95% margin).",
    )
    .argument(
      '<file>',
      'answers: .csv with a header row (id and score required) or .jsonl (one API answer per line)',
    )
    .addOption(
      new Option('--format <format>', 'file format, when the extension does not tell').choices(
        ANSWER_FILE_FORMATS,
      ),
    )
    .option('--taxonomy <file>', 'themes and words added to the default taxonomy (JSON)')
    .option('--json', "print the table and every verbatim's analysis as JSON")
    .addHelpText(
      'after',
      `
Unhappy answers are NPS detractors (0-6), dissatisfied CSAT (1-3) and high-effort CES answers.
The taxonomy file has the form of BOUCLE_TAXONOMY_FILE (see README, "Verbatims").

Exit codes: 0 analysed; 2 bad usage, bad rows (each listed with its line number and reason) or a
bad taxonomy file (its bad entries named).

Examples:
  npx boucle verbatims answers.jsonl
  npx boucle verbatims answers.csv --json --taxonomy taxonomy.json`,
    )
    .action(async (file: string, options: VerbatimsOptions) => {
      exitCode = await verbatimsCommand(file, options, io);
    });

  const port = (name: string) => (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      throw new InvalidArgumentError(
        `${name} must be a port number from 0 to 65535 (0 picks a free one)`,
      );
    }
    return n;
  };
  program
    .command('emulator')
    .description(
      'Run the local Salesforce and HubSpot API emulators (what the sandbox and the tests use).',
    )
    .addOption(
      new Option('--salesforce-port <port>', 'Salesforce emulator port')
        .default(3001)
        .argParser(port('--salesforce-port')),
    )
    .addOption(
      new Option('--hubspot-port <port>', 'HubSpot emulator port')
        .default(3002)
        .argParser(port('--hubspot-port')),
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option(
      '--data <file>',
      "keep the emulators' state in <file>.salesforce.json and <file>.hubspot.json",
    )
    .option(
      '--jwt-certificate <pem>',
      'certificate that Salesforce JWT bearer assertions must be signed for',
    )
    .option(
      '--no-custom-objects',
      'emulate a HubSpot portal without custom objects (below Enterprise)',
    )
    .addHelpText(
      'after',
      `
Credentials: Salesforce client credentials boucle-sandbox / sandbox; HubSpot token pat-sandbox.
Admin API on both emulators: GET /__emulator/state, GET /__emulator/calls,
POST /__emulator/faults {"rules": [{"match": "composite", "status": 429, "rate": 0.2}]},
POST /__emulator/reset, POST /__emulator/records. See docs/emulators.md.`,
    )
    .action(async (options: EmulatorOptions) => {
      exitCode = await emulatorCommand(options, io, signal);
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
