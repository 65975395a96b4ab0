/**
 * Survey tools' own CSV exports (`boucle import --format qualtrics|surveymonkey|typeform|delighted`):
 * each tool's header rows, and the columns that usually hold the answer's id, date, e-mail and
 * Boucle's hidden fields (`account`, `touchpoint`, `interaction_id`, as the webhooks read them).
 *
 * Only the Qualtrics layout is documented by its vendor (three header rows, internal field ids in
 * the first: `ResponseId`, `RecordedDate`, `RecipientEmail`, embedded data by name, `Q1`…); the
 * others are the layouts these tools are known to export, not checked against a real file here.
 * So every column can be named with `--map field=Column`, and a column that cannot be found is a
 * precise error listing the file's columns, never a silent guess. The score column of a question
 * is survey-specific: it is found by default only where the export marks it (Qualtrics' `_NPS_GROUP`
 * companion column, Delighted's `Score`); elsewhere `--map score=<column>` names it.
 *
 * Answers keep the tool as their source and its response id as their id, so an answer imported
 * from an export and the same answer received by webhook are one answer.
 */
import { parse } from 'csv-parse';
import { answerFileRowSchema, describeIssues } from '@boucle/shared/schemas';
import type { Metric } from '@boucle/shared';
import { AnswerFileError, type FileRecord } from './readAnswerFile.ts';

export const VENDOR_FORMATS = ['qualtrics', 'surveymonkey', 'typeform', 'delighted'] as const;
export type VendorFormat = (typeof VENDOR_FORMATS)[number];

/** The answer fields a column can be mapped to (the generic CSV's column names). */
export const MAPPABLE_FIELDS = [
  'id',
  'score',
  'comment',
  'answeredAt',
  'email',
  'accountKey',
  'touchpoint',
  'interactionId',
  'employeeEmail',
] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];

export interface VendorOptions {
  /** Columns named by the user: field → column header. */
  readonly map?: Partial<Record<MappableField, string>>;
  readonly metric?: Metric;
  /** The touchpoint of rows that carry none (one survey per touchpoint is common). */
  readonly touchpoint?: string;
  /** IANA zone of dates written without one (default: the export's, else UTC). */
  readonly timezone?: string;
}

interface Layout {
  /** Rows before the first answer. */
  readonly headerRows: number;
  /** Whether the vendor documents this layout (else it is the best-known one). */
  readonly documented: boolean;
  /** Candidate headers of each field, compared without case. */
  readonly columns: Partial<Record<MappableField, readonly string[]>>;
  /** A default score column the export marks, when there is one. */
  readonly scoreColumn?: (columns: readonly string[]) => string | undefined;
  /** Why a row is not an answer to import, if it is not. */
  readonly skip?: (cell: (name: string) => string | undefined) => string | undefined;
  /** Column names from the header rows. */
  readonly names: (headers: readonly string[][]) => string[];
}

const HIDDEN = {
  accountKey: ['account', 'account_id'],
  touchpoint: ['touchpoint'],
  interactionId: ['interaction_id'],
  employeeEmail: ['employee_email'],
} as const;

const firstRow = (headers: readonly string[][]) => (headers[0] ?? []).map((h) => h.trim());

export const LAYOUTS: Record<VendorFormat, Layout> = {
  // Documented: "CSV and TSV files come with 3 rows of headers. The first header is the internal
  // Qualtrics ID of the field (e.g., EndDate, Q1, Q2…)", the second the question text, the third
  // import ids with the time zone of dates.
  qualtrics: {
    headerRows: 3,
    documented: true,
    names: firstRow,
    columns: {
      id: ['ResponseId', 'ResponseID'],
      answeredAt: ['RecordedDate', 'EndDate'],
      email: ['RecipientEmail'],
      ...HIDDEN,
    },
    scoreColumn: (columns) =>
      columns.find((c) =>
        columns.some((other) => other.toLowerCase() === `${c}_nps_group`.toLowerCase()),
      ),
    skip: (cell) => {
      const finished = cell('Finished')?.toLowerCase();
      return finished === '0' || finished === 'false'
        ? 'an unfinished response (Finished is false)'
        : undefined;
    },
  },
  // Two header rows: question titles, then each column's answer option ("Response",
  // "Open-Ended Response"); a question spanning columns leaves its title blank after the first.
  surveymonkey: {
    headerRows: 2,
    documented: false,
    names: (headers) => {
      const [titles = [], options = []] = headers;
      let current = '';
      return titles.map((title, i) => {
        if (title.trim()) {
          current = title.trim();
          const next = titles[i + 1];
          return next !== undefined && !next.trim() && options[i]?.trim()
            ? `${current} / ${options[i]?.trim()}`
            : current;
        }
        return `${current} / ${options[i]?.trim() ?? i}`;
      });
    },
    columns: {
      id: ['Respondent ID'],
      answeredAt: ['End Date'],
      email: ['Email Address'],
      ...HIDDEN,
    },
  },
  typeform: {
    headerRows: 1,
    documented: false,
    names: firstRow,
    columns: {
      id: ['#', 'Token', 'Response ID'],
      answeredAt: ['Submit Date (UTC)', 'Submitted At'],
      email: ['email'],
      ...HIDDEN,
    },
  },
  delighted: {
    headerRows: 1,
    documented: false,
    names: firstRow,
    columns: {
      id: ['Response ID', 'ID'],
      score: ['Score'],
      comment: ['Comment'],
      answeredAt: ['Created At', 'Response Timestamp'],
      email: ['Email', 'Person Email'],
      ...HIDDEN,
    },
  },
};

/** Checks an IANA zone name; the message says what is expected. */
export function checkTimezone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    throw new AnswerFileError(
      `--timezone ${zone}: not a time zone; use an IANA name such as Europe/Paris or UTC`,
    );
  }
}

/** Milliseconds to add to UTC to get the wall time in `zone` at `utcMs`. */
function zoneOffset(zone: string, utcMs: number): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(utcMs))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const wall = Date.UTC(
    parts.year as number,
    (parts.month as number) - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/**
 * A date of an export as an ISO instant: ISO 8601 with a zone as written; `YYYY-MM-DD HH:MM[:SS]`
 * and `MM/DD/YYYY HH:MM[:SS] [AM|PM]` (US exports) in `zone`. Undefined when it is none of these.
 */
export function exportDate(text: string, zone: string): string | undefined {
  const value = text.trim();
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  let fields: number[] | undefined;
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(value);
  if (iso) fields = iso.slice(1).map((v) => Number(v ?? 0));
  const us =
    /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AP]M))?)?$/i.exec(
      value,
    );
  if (us) {
    let hour = Number(us[4] ?? 0);
    const meridiem = us[7]?.toUpperCase();
    if (meridiem && (hour < 1 || hour > 12)) return undefined;
    if (meridiem === 'PM' && hour < 12) hour += 12;
    if (meridiem === 'AM' && hour === 12) hour = 0;
    fields = [
      Number(us[3]),
      Number(us[1]),
      Number(us[2]),
      hour,
      Number(us[5] ?? 0),
      Number(us[6] ?? 0),
    ];
  }
  if (!fields) return undefined;
  const [year, month, day, hour, minute, second] = fields as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(wall).getUTCDate() !== day) return undefined; // 31 April and the like
  let utc = wall - zoneOffset(zone, wall);
  utc = wall - zoneOffset(zone, utc); // across a daylight-saving change
  return new Date(utc).toISOString();
}

/** The leading whole number of a score cell: "9", or "10 - Extremely likely" in label exports. */
function scoreText(cell: string | undefined): string | undefined {
  if (cell === undefined) return undefined;
  const match = /^\s*(-?\d+)(?:\.0+)?(?:\s*[-–:]\s*.*|\s*)$/.exec(cell);
  return match ? match[1] : cell;
}

/** The time zone the third Qualtrics header row gives its dates (`{"ImportId":…,"timeZone":…}`). */
function qualtricsZone(headers: readonly string[][]): string | undefined {
  for (const cell of headers[2] ?? []) {
    try {
      const zone = (JSON.parse(cell) as { timeZone?: unknown }).timeZone;
      if (typeof zone === 'string') return zone;
    } catch {
      // Not every third-row cell is JSON.
    }
  }
  return undefined;
}

/** Streams a tool's CSV export as answers, with their line numbers and each refused row's reason. */
export async function* readVendorCsv(
  path: string,
  vendor: VendorFormat,
  input: NodeJS.ReadableStream,
  options: VendorOptions = {},
): AsyncGenerator<FileRecord> {
  const layout = LAYOUTS[vendor];
  const parser = input.pipe(
    parse({ bom: true, info: true, skip_empty_lines: true, relax_column_count: true }),
  );
  const headers: string[][] = [];
  let columnOf: Partial<Record<MappableField, number>> | undefined;
  let names: string[] = [];
  let zone = options.timezone ?? 'UTC';
  const describe = () => names.map((n) => JSON.stringify(n)).join(', ');
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (headers.length < layout.headerRows) {
        headers.push(record);
        if (headers.length < layout.headerRows) continue;
        names = layout.names(headers);
        if (!options.timezone && vendor === 'qualtrics')
          zone = checkTimezone(qualtricsZone(headers) ?? 'UTC');
        columnOf = resolveColumns(path, vendor, layout, names, options, describe);
        continue;
      }
      const columns = columnOf as Partial<Record<MappableField, number>>;
      const cellAt = (index: number | undefined) =>
        index === undefined ? undefined : record[index]?.trim() || undefined;
      const cell = (name: string) =>
        cellAt(names.findIndex((n) => n.toLowerCase() === name.toLowerCase()));
      const skipped = layout.skip?.(cell);
      if (skipped) {
        yield { line: info.lines, error: `skipped: ${skipped}` };
        continue;
      }
      const when = cellAt(columns.answeredAt);
      const answeredAt = when === undefined ? undefined : exportDate(when, zone);
      if (when !== undefined && answeredAt === undefined) {
        yield {
          line: info.lines,
          error: `answeredAt: cannot read the date "${when}" (column ${names[columns.answeredAt as number]})`,
        };
        continue;
      }
      const row: Record<string, string | undefined> = {
        id: cellAt(columns.id),
        metric: options.metric ?? 'nps',
        score: scoreText(cellAt(columns.score)),
        answeredAt,
        comment: cellAt(columns.comment),
        email: cellAt(columns.email),
        accountKey: cellAt(columns.accountKey),
        touchpoint: cellAt(columns.touchpoint) ?? options.touchpoint,
        interactionId: cellAt(columns.interactionId),
        employeeEmail: cellAt(columns.employeeEmail),
      };
      const parsed = answerFileRowSchema.safeParse(
        Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)),
      );
      yield parsed.success
        ? { line: info.lines, answer: { ...parsed.data, source: vendor } }
        : { line: info.lines, error: describeIssues(parsed.error) };
    }
  } catch (error) {
    if (error instanceof AnswerFileError) throw error;
    throw new AnswerFileError(`${path}: ${(error as Error).message}`);
  }
  if (!columnOf)
    throw new AnswerFileError(
      `${path}: a ${vendor} export starts with ${layout.headerRows} header row${layout.headerRows > 1 ? 's' : ''}; this file has ${headers.length}`,
    );
}

function resolveColumns(
  path: string,
  vendor: VendorFormat,
  layout: Layout,
  names: readonly string[],
  options: VendorOptions,
  describe: () => string,
): Partial<Record<MappableField, number>> {
  const find = (name: string) => names.findIndex((n) => n.toLowerCase() === name.toLowerCase());
  const columns: Partial<Record<MappableField, number>> = {};
  for (const field of MAPPABLE_FIELDS) {
    const mapped = options.map?.[field];
    if (mapped !== undefined) {
      const index = find(mapped);
      if (index < 0)
        throw new AnswerFileError(
          `${path}: --map ${field}=${mapped}: no column "${mapped}" in this ${vendor} export; its columns are ${describe()}`,
        );
      columns[field] = index;
      continue;
    }
    const candidates = [
      ...(layout.columns[field] ?? []),
      ...(field === 'score' && layout.scoreColumn ? [layout.scoreColumn(names)] : []),
    ].filter((c): c is string => Boolean(c));
    const index = candidates.map(find).find((i) => i >= 0);
    if (index !== undefined) columns[field] = index;
  }
  for (const field of ['id', 'score', 'answeredAt'] as const) {
    if (columns[field] === undefined)
      throw new AnswerFileError(
        `${path}: cannot tell which column of this ${vendor} export holds the ${field === 'answeredAt' ? 'answer date' : field}${layout.documented ? '' : ' (this layout is not documented by the vendor)'}: pass --map ${field}=<column>; its columns are ${describe()}`,
      );
  }
  return columns;
}
