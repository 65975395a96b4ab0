import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import {
  ANSWER_FILE_COLUMNS,
  answerFileRowSchema,
  answerSchema,
  describeIssues,
} from '@boucle/shared/schemas';
import type { Metric } from '@boucle/shared';
import type { Answer } from '@boucle/shared/schemas';
import { readVendorCsv, type VendorFormat, type VendorOptions } from './vendorExports.ts';

/** The formats of answer files: CSV with a header row, or JSON Lines of API answers. */
export const ANSWER_FILE_FORMATS = ['csv', 'jsonl'] as const;
export type AnswerFileFormat = (typeof ANSWER_FILE_FORMATS)[number];

/** An answer read from a file, whatever its format. */
export interface FileAnswer {
  readonly id: string;
  readonly metric: Metric;
  readonly score: number;
  readonly touchpoint?: string | undefined;
  readonly answeredAt?: string | undefined;
  readonly accountKey?: string | undefined;
  readonly email?: string | undefined;
  readonly comment?: string | undefined;
  readonly interactionId?: string | undefined;
  readonly employeeEmail?: string | undefined;
  /** JSON Lines only: the whole answer of the API, as validated. */
  readonly raw?: Answer;
  /** Survey tools' exports: the tool, the answer's source (its id is the tool's response id). */
  readonly source?: string;
}

/** One row of a file: an answer, or why the row was refused, with its line number. */
export type FileRecord =
  | { readonly line: number; readonly answer: FileAnswer; readonly text?: string }
  | { readonly line: number; readonly error: string; readonly text?: string };

/** A problem with the whole file (unreadable, unknown format, bad header): nothing can be read. */
export class AnswerFileError extends Error {
  override readonly name = 'AnswerFileError';
}

/**
 * The format of a file from its name: `.csv`, or `.jsonl` / `.ndjson`.
 * @param path the file's path
 */
export function formatOf(path: string): AnswerFileFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  throw new AnswerFileError(
    `cannot tell the format of ${path}: name it .csv or .jsonl, or pass --format csv|jsonl`,
  );
}

export function openFile(path: string) {
  const stream = createReadStream(path);
  // Surface "no such file" and friends as a file error, not a crash.
  return new Promise<typeof stream>((resolve, reject) => {
    stream.once('readable', () => resolve(stream));
    stream.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new AnswerFileError(
          error.code === 'ENOENT'
            ? `cannot read ${path}: no such file`
            : error.code === 'EISDIR'
              ? `cannot read ${path}: it is a directory`
              : `cannot read ${path}: ${error.message}`,
        ),
      ),
    );
  });
}

async function* readCsv(
  path: string,
  required: readonly string[] = ['id', 'score'],
): AsyncGenerator<FileRecord> {
  const parser = (await openFile(path)).pipe(
    parse({ bom: true, info: true, raw: true, skip_empty_lines: true, relax_column_count: true }),
  );
  let header: string[] | undefined;
  try {
    for await (const { record, info, raw } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
      raw: string;
    }>) {
      // The row as it is in the file, for reports of rejected rows.
      const text = raw.replace(/\r?\n$/, '');
      if (!header) {
        header = record.map((name) => name.trim());
        const known = new Set<string>(ANSWER_FILE_COLUMNS);
        const unknown = header.filter((name) => !known.has(name));
        if (unknown.length > 0) {
          throw new AnswerFileError(
            `${path}: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in the header; expected some of ${ANSWER_FILE_COLUMNS.join(', ')}`,
          );
        }
        const missing = required.filter((name) => !header?.includes(name));
        if (missing.length > 0) {
          throw new AnswerFileError(`${path}: the header has no ${missing.join(' or ')} column`);
        }
        continue;
      }
      if (record.length !== header.length) {
        yield {
          line: info.lines,
          error: `has ${record.length} fields, the header has ${header.length}`,
          text,
        };
        continue;
      }
      const row = Object.fromEntries(header.map((name, index) => [name, record[index]]));
      const parsed = answerFileRowSchema.safeParse(row);
      yield parsed.success
        ? { line: info.lines, answer: parsed.data, text }
        : { line: info.lines, error: describeIssues(parsed.error, row), text };
    }
  } catch (error) {
    if (error instanceof AnswerFileError) throw error;
    // csv-parse stops at malformed quoting: report where, as a file error.
    throw new AnswerFileError(`${path}: ${(error as Error).message}`);
  }
  if (!header) throw new AnswerFileError(`${path} is empty: expected a header row`);
}

async function* readJsonl(path: string): AsyncGenerator<FileRecord> {
  const lines = createInterface({ input: await openFile(path), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield { line, error: `not valid JSON (${(error as Error).message})`, text };
      continue;
    }
    const parsed = answerSchema.safeParse(value);
    if (!parsed.success) {
      yield { line, error: describeIssues(parsed.error, value), text };
      continue;
    }
    const answer = parsed.data;
    yield {
      line,
      text,
      answer: {
        id: answer.id,
        metric: answer.metric,
        score: answer.score,
        touchpoint: answer.touchpoint,
        answeredAt: answer.answeredAt,
        accountKey:
          answer.account?.domain ??
          answer.account?.crmAccountId ??
          answer.account?.hubspotCompanyId,
        email: answer.respondent?.email,
        comment: answer.comment,
        interactionId: answer.interactionId,
        employeeEmail: answer.employeeEmail,
        raw: answer,
      },
    };
  }
}

/**
 * Streams the rows of an answer file, in order, with their line numbers: answers that passed
 * validation, and the reason of each refused row (bad value, duplicate id). Memory stays bounded
 * whatever the file's size, but for the set of ids seen (`trackDuplicates: false` leaves duplicates
 * to the store's unique key, for files of millions of rows).
 * @param path the file
 * @param format its format; guessed from the extension when omitted
 * @throws AnswerFileError when the file cannot be read at all
 */
export async function* readAnswerFile(
  path: string,
  format: AnswerFileFormat | VendorFormat = formatOf(path),
  options: {
    trackDuplicates?: boolean;
    vendor?: VendorOptions;
    /** The CSV columns the caller needs (default id and score; import adds answeredAt). */
    requiredColumns?: readonly string[];
  } = {},
): AsyncGenerator<FileRecord> {
  const firstLineOf = new Map<string, number>();
  const track = options.trackDuplicates ?? true;
  const records =
    format === 'csv'
      ? readCsv(path, options.requiredColumns)
      : format === 'jsonl'
        ? readJsonl(path)
        : readVendorCsv(path, format, await openFile(path), options.vendor);
  for await (const record of records) {
    if (track && 'answer' in record) {
      const first = firstLineOf.get(record.answer.id);
      if (first !== undefined) {
        yield {
          line: record.line,
          error: `id: duplicates "${record.answer.id}" of line ${first}`,
          ...(record.text !== undefined && { text: record.text }),
        };
        continue;
      }
      firstLineOf.set(record.answer.id, record.line);
    }
    yield record;
  }
}
