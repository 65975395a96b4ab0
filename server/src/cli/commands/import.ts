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
import { refOf, type Crm } from '../../store/store.ts';
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

/** "1 row", "2 rows". */
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The ids this run has read, in a Bloom filter: about 4 bytes a line (4 MB for a million), so
 * memory stays flat where a set of the ids would grow with the file. A hit is only a candidate
 * duplicate: the import confirms it with the store (the id stored in this run) before rejecting.
 */
class SeenIds {
  private readonly bits: Uint32Array;
  private readonly size: number;
  constructor(expected: number) {
    this.size = Math.max(1024, expected * 32);
    this.bits = new Uint32Array(Math.ceil(this.size / 32));
  }
  /** Adds `id`; true when it may have been added before. */
  add(id: string): boolean {
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    h2 |= 1;
    let seen = true;
    for (let k = 0; k < 22; k++) {
      const bit = ((h1 + Math.imul(k, h2)) >>> 0) % this.size;
      const word = bit >>> 5;
      const mask = 1 << (bit & 31);
      if (!((this.bits[word] ?? 0) & mask)) {
        seen = false;
        this.bits[word] = (this.bits[word] ?? 0) | mask;
      }
    }
    return seen;
  }
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
  const total = await countLines(file);
  if (resumeAfter > 0 && resumeAfter >= total) {
    await store.close();
    io.stdout(
      `${file} is already imported: an earlier run read all its ${plural(total, 'line')}. Nothing to do (--restart reads it again; answers stored are never stored twice).\n`,
    );
    return EXIT.ok;
  }
  const report = createWriteStream(reportPath, { flags: resumeAfter > 0 ? 'a' : 'w' });
  if (resumeAfter === 0) report.write('line,reason,row\n');
  const showBar = options.progress ?? Boolean(process.stderr.isTTY);
  const bar = showBar
    ? new cliProgress.SingleBar(
        {
          format:
            'importing {bar} {percentage}% | {value}/{total} lines | {speed} rows/s | ETA {left}',
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
  bar?.start(total, resumeAfter, { speed: 0, left: '…' });
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  signal?.addEventListener('abort', stop, { once: true });
  process.once('SIGINT', stop);
  const started = Date.now();
  const counts = { accepted: 0, duplicates: 0, rejected: 0, erased: 0 };
  // Unknown touchpoints are imported as sent (never dropped) and named at the end; the journey an
  // import knows is the store's (the settings page's) or the shipped one.
  const journey = await hubspotJourney(store);
  const match = touchpointMatcher(journey);
  const outside = new Map<string, number>();
  /** The batch to store, each answer with its line, its row, and whether this run may have read its id before. */
  const batch: { answer: Answer; line: number; text: string | undefined; maybeSeen: boolean }[] =
    [];
  const seen = new SeenIds(total - resumeAfter);
  let lastLine = resumeAfter;
  const escape = (text: string) => `"${text.replace(/"/g, '""')}"`;
  const reject = (line: number, reason: string, text: string | undefined) => {
    counts.rejected++;
    report.write(`${line},${escape(reason)},${text === undefined ? '' : escape(text)}\n`);
  };
  const flush = async () => {
    if (batch.length > 0) {
      // An id already in the store is a duplicate of an earlier line when this run read it before
      // (the first one stored it), and "already known" otherwise (an earlier import, --restart).
      const stored = await store.getAnswers(batch.map((entry) => refOf(entry.answer)));
      const firstLine = new Map<string, number>();
      const fresh: Answer[] = [];
      for (const entry of batch.splice(0)) {
        const ref = refOf(entry.answer);
        const first = firstLine.get(ref);
        if (first !== undefined || (entry.maybeSeen && stored.has(ref))) {
          reject(
            entry.line,
            `id: duplicates "${entry.answer.id}" of ${first === undefined ? 'an earlier line' : `line ${first}`} (the first one is imported)`,
            entry.text,
          );
          continue;
        }
        firstLine.set(ref, entry.line);
        fresh.push(entry.answer);
      }
      const result = await store.ingestAnswers(fresh, crms, Date.now());
      counts.accepted += result.accepted;
      counts.duplicates += result.duplicates;
      counts.erased += result.erased ?? 0;
    }
    await store.setCursor(cursorName, String(lastLine));
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    const speed = Math.round((lastLine - resumeAfter) / seconds);
    bar?.update(lastLine, {
      speed,
      left:
        lastLine >= total ? 'done' : speed > 0 ? `${Math.ceil((total - lastLine) / speed)} s` : '…',
    });
    options.onBatch?.(lastLine);
  };
  let fileRefused = false;
  try {
    const vendor = {
      ...(options.map && { map: options.map }),
      ...(options.metric && { metric: options.metric }),
      ...(options.touchpoint && { touchpoint: options.touchpoint }),
      ...(options.timezone && { timezone: options.timezone }),
    };
    for await (const record of readAnswerFile(file, format, {
      trackDuplicates: false,
      vendor,
      requiredColumns: ['id', 'score', 'answeredAt'],
    })) {
      if (record.line <= resumeAfter) continue;
      lastLine = record.line;
      if ('error' in record) {
        reject(record.line, record.error, record.text);
        continue;
      }
      const input = answerOfRow(record.answer);
      const parsed = answerSchema.safeParse(input);
      if (!parsed.success) {
        reject(
          record.line,
          describeIssues(parsed.error, input).replace(
            'answeredAt: required',
            'answeredAt: is required to import, as an ISO 8601 date-time',
          ),
          record.text,
        );
        continue;
      }
      batch.push({
        answer: parsed.data,
        line: record.line,
        text: record.text,
        maybeSeen: seen.add(refOf(parsed.data)),
      });
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
  const summary = `${plural(counts.accepted, 'answer')} imported, ${counts.duplicates} already known, ${counts.erased ? `${plural(counts.erased, 'answer')} refused (their respondent was erased on request), ` : ''}${plural(counts.rejected, 'row')} rejected${counts.rejected ? ` (line and reason in ${reportPath})` : ''}; ${seconds.toFixed(1)} s, ${Math.round((lastLine - resumeAfter) / Math.max(seconds, 0.001))} rows/s.`;
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
