import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { touchpointMatcher, unknownTouchpoints } from '@boucle/shared';
import {
  answerSchema,
  describeIssues,
  type Answer,
  type AnswerInput,
} from '@boucle/shared/schemas';
import {
  AnswerFileError,
  formatOf,
  readAnswerFile,
  type AnswerFileFormat,
  type FileAnswer,
} from '../../answerFiles/readAnswerFile.ts';
import {
  VENDOR_FORMATS,
  checkTimezone,
  type MappableField,
  type VendorFormat,
} from '../../answerFiles/vendorExports.ts';
import type { Metric } from '@boucle/shared';
import type { Crm } from '../../store/store.ts';
import { accountRef } from '../../webhooks/typeform.ts';
import { EXIT, commandConfig, commandStore, type CliIo } from '../io.ts';
import { hubspotJourney } from '../../http/hubspotApp.ts';

export interface ImportOptions {
  readonly format?: AnswerFileFormat | VendorFormat;
  /** Survey tools' exports: which column holds which field, and defaults for the file. */
  readonly map?: Partial<Record<MappableField, string>>;
  readonly metric?: Metric;
  readonly touchpoint?: string;
  readonly timezone?: string;
  readonly report?: string;
  /** Ignore the saved position and read the file from its first row. */
  readonly restart?: boolean;
  readonly batchSize?: number;
  /** Show a progress bar (default: when standard error is a terminal). */
  readonly progress?: boolean;
  /** Called after each stored batch with the last line stored (tests interrupt with it). */
  readonly onBatch?: (line: number) => void;
}

/** A CSV row as an answer of the API: `answeredAt` is required to import. */
function answerOfRow(row: FileAnswer): AnswerInput {
  if (row.raw) return row.raw;
  const account = accountRef(row.accountKey);
  return {
    id: row.id,
    source: row.source ?? 'import',
    metric: row.metric,
    score: row.score,
    answeredAt: row.answeredAt as string,
    ...(row.comment && { comment: row.comment }),
    ...(row.touchpoint && { touchpoint: row.touchpoint }),
    ...(row.email && { respondent: { email: row.email } }),
    ...(account && { account }),
    ...(row.interactionId && { interactionId: row.interactionId }),
    ...(row.employeeEmail && { employeeEmail: row.employeeEmail }),
  };
}

async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path)) {
    for (const byte of chunk as Buffer) if (byte === 10) lines++;
  }
  return lines;
}

/**
 * `boucle import <file>`: backfills answers (CSV or JSON Lines) into the store and the sync queue,
 * streaming, in batches of 1,000 stored in one transaction each. Bad rows are skipped and written
 * with their line number and reason to a report file. Ctrl-C stops after the current batch; the
 * same command then resumes after the last stored line (answers already stored are duplicates,
 * never second records).
 */
export async function importCommand(
  file: string,
  options: ImportOptions,
  env: Record<string, string | undefined>,
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const config = commandConfig('import', env, io);
  if (!config) return EXIT.badInput;
  let format: AnswerFileFormat | VendorFormat;
  let size: number;
  let mtime: number;
  try {
    format = options.format ?? formatOf(file);
    if (options.timezone) checkTimezone(options.timezone);
    if ((options.map || options.timezone) && (format === 'csv' || format === 'jsonl'))
      throw new AnswerFileError(
        `--map and --timezone apply to survey tools' exports: add --format ${VENDOR_FORMATS.join('|')}`,
      );
    const stat = statSync(file);
    if (!stat.isFile()) throw new AnswerFileError(`cannot read ${file}: it is not a file`);
    size = stat.size;
    mtime = stat.mtimeMs;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr(
      `boucle import: ${code === 'ENOENT' ? `cannot read ${file}: no such file` : (error as Error).message}\n`,
    );
    return EXIT.badInput;
  }
  const crms: Crm[] = config.sandbox
    ? ['salesforce', 'hubspot']
    : [
        ...(config.salesforce ? ['salesforce' as const] : []),
        ...(config.hubspot ? ['hubspot' as const] : []),
      ];
  const store = await commandStore('import', config, io);
  if (!store) return EXIT.failure;
  const cursorName = `import:${resolve(file)}:${size}:${Math.round(mtime)}`;
  const resumeAfter = options.restart ? 0 : Number((await store.getCursor(cursorName)) ?? 0);
  const reportPath = options.report ?? `${file}.rejected.csv`;
  const report = createWriteStream(reportPath, { flags: resumeAfter > 0 ? 'a' : 'w' });
  if (resumeAfter === 0) report.write('line,reason\n');
  const total = await countLines(file);
  const showBar = options.progress ?? Boolean(process.stderr.isTTY);
  const bar = showBar
    ? new cliProgress.SingleBar(
        {
          format:
            'importing {bar} {percentage}% | {value}/{total} lines | {speed} rows/s | ETA {eta_formatted}',
          // A terminal gets the live bar; elsewhere (a log, a test) a line every 2 s and at the end.
          ...(process.stderr.isTTY
            ? { stream: process.stderr, hideCursor: true }
            : {
                stream: { isTTY: false, write: (text: string) => io.stderr(text) } as never,
                noTTYOutput: true,
                notTTYSchedule: 2000,
              }),
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(total, resumeAfter, { speed: 0 });
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  signal?.addEventListener('abort', stop, { once: true });
  process.once('SIGINT', stop);
  const started = Date.now();
  const counts = { accepted: 0, duplicates: 0, rejected: 0 };
  // Unknown touchpoints are imported as sent (never dropped) and named at the end; the journey an
  // import knows is the store's (the settings page's) or the shipped one.
  const journey = await hubspotJourney(store);
  const match = touchpointMatcher(journey);
  const outside = new Map<string, number>();
  const batch: Answer[] = [];
  let lastLine = resumeAfter;
  const flush = async () => {
    if (batch.length > 0) {
      const result = await store.ingestAnswers(batch.splice(0), crms, Date.now());
      counts.accepted += result.accepted;
      counts.duplicates += result.duplicates;
    }
    await store.setCursor(cursorName, String(lastLine));
    bar?.update(lastLine, {
      speed: Math.round((lastLine - resumeAfter) / Math.max(0.001, (Date.now() - started) / 1000)),
    });
    options.onBatch?.(lastLine);
  };
  const escape = (text: string) => `"${text.replace(/"/g, '""')}"`;
  let fileRefused = false;
  try {
    const vendor = {
      ...(options.map && { map: options.map }),
      ...(options.metric && { metric: options.metric }),
      ...(options.touchpoint && { touchpoint: options.touchpoint }),
      ...(options.timezone && { timezone: options.timezone }),
    };
    for await (const record of readAnswerFile(file, format, { trackDuplicates: false, vendor })) {
      if (record.line <= resumeAfter) continue;
      lastLine = record.line;
      if ('error' in record) {
        counts.rejected++;
        report.write(`${record.line},${escape(record.error)}\n`);
        continue;
      }
      const parsed = answerSchema.safeParse(answerOfRow(record.answer));
      if (!parsed.success) {
        counts.rejected++;
        report.write(
          `${record.line},${escape(describeIssues(parsed.error).replace('answeredAt: must be an ISO 8601', 'answeredAt: is required to import, as an ISO 8601'))}\n`,
        );
        continue;
      }
      batch.push(parsed.data);
      const touchpoint = parsed.data.touchpoint;
      if (touchpoint && !match(touchpoint))
        outside.set(touchpoint, (outside.get(touchpoint) ?? 0) + 1);
      if (batch.length >= (options.batchSize ?? 1000)) {
        await flush();
        if (stopped) break;
      }
    }
    if (!stopped) {
      lastLine = Math.max(lastLine, total);
      await flush();
    }
  } catch (error) {
    if (error instanceof AnswerFileError) {
      io.stderr(`boucle import: ${error.message}\n`);
      fileRefused = true;
      return EXIT.badInput;
    }
    throw error;
  } finally {
    bar?.stop();
    process.off('SIGINT', stop);
    await new Promise((done) => report.end(done));
    // A file refused before its first row leaves no empty report behind.
    if (fileRefused && resumeAfter === 0 && counts.rejected === 0)
      rmSync(reportPath, { force: true });
    await store.close();
  }
  const seconds = (Date.now() - started) / 1000;
  const summary = `${counts.accepted} answers imported, ${counts.duplicates} already known, ${counts.rejected} rows rejected${counts.rejected ? ` (line and reason in ${reportPath})` : ''}; ${seconds.toFixed(1)} s, ${Math.round((lastLine - resumeAfter) / Math.max(seconds, 0.001))} rows/s.`;
  if (stopped) {
    io.stderr(
      `boucle import: interrupted after line ${lastLine}. ${summary}\nRun the same command again to resume.\n`,
    );
    return EXIT.failure;
  }
  const unknown = unknownTouchpoints(
    [...outside].map(([label, answers]) => ({ label, answers })),
    journey,
  );
  io.stdout(
    `${summary}\nThe server syncs them to ${crms.join(' and ') || 'no CRM (none configured)'} as it runs.\n${
      unknown.length > 0
        ? `Touchpoints outside the journey, imported as sent: ${unknown.map((t) => `"${t.label}" (${t.answers})`).join(', ')}; add them to the journey or fix the labels (npx boucle doctor lists them).\n`
        : ''
    }`,
  );
  return EXIT.ok;
}
