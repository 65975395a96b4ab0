import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { FieldDef, ObjectDef } from './schema.ts';

/**
 * The CSV side of Bulk API 2.0 ingest jobs ("Prepare CSV Files", "Valid CSV Record Rows"):
 * a header row of field API names, one record per row, the job's delimiter and line ending,
 * double quotes around values holding them; an empty value leaves a field as it is, `#N/A` sets
 * it to null.
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_prepare_csv.htm
 */

export const COLUMN_DELIMITERS = {
  BACKQUOTE: '`',
  CARET: '^',
  COMMA: ',',
  PIPE: '|',
  SEMICOLON: ';',
  TAB: '\t',
} as const;
export type ColumnDelimiter = keyof typeof COLUMN_DELIMITERS;
export type LineEnding = 'LF' | 'CRLF';

/** The value that sets a field to null; an empty value leaves it unchanged. */
export const NULL_VALUE = '#N/A';

/** Job data, or why the whole upload cannot be read (the job then fails). */
export type ParsedUpload = { header: string[]; rows: string[][] } | { error: string };

export function parseUpload(
  text: string,
  delimiter: ColumnDelimiter,
  lineEnding: LineEnding,
): ParsedUpload {
  const firstBreak = text.indexOf('\n');
  const crlf = firstBreak > 0 && text[firstBreak - 1] === '\r';
  if (firstBreak >= 0 && crlf !== (lineEnding === 'CRLF'))
    return {
      error: `ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is ${lineEnding}`,
    };
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: COLUMN_DELIMITERS[delimiter],
      record_delimiter: lineEnding === 'CRLF' ? '\r\n' : '\n',
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
    }) as string[][];
  } catch (error) {
    return { error: `ClientInputError : ${(error as Error).message}` };
  }
  const [header, ...rows] = records;
  if (!header || header.length === 0) return { error: 'ClientInputError : No header row found' };
  return { header, rows };
}

/**
 * The header's fields on the object: a column that names no field fails the job as Salesforce
 * does (`InvalidBatch : Field name not found : X`), a blank or repeated column too.
 */
export function headerFields(
  object: ObjectDef,
  header: readonly string[],
): { fields: FieldDef[] } | { error: string } {
  const fields: FieldDef[] = [];
  const seen = new Set<string>();
  for (const column of header) {
    const name = column.trim();
    if (!name) return { error: 'InvalidBatch : Field name not provided in the header row' };
    const field = [...object.fields.values()].find(
      (f) => f.name.toLowerCase() === name.toLowerCase(),
    );
    if (!field) return { error: `InvalidBatch : Field name not found : ${name}` };
    if (seen.has(field.name)) return { error: `InvalidBatch : Duplicate field name : ${name}` };
    seen.add(field.name);
    fields.push(field);
  }
  return { fields };
}

/**
 * A CSV row as the fields of a record: empty values left out (an update keeps the field), `#N/A`
 * as null, checkboxes as booleans; the other values stay text for the org's own checks.
 */
export function rowRecord(
  fields: readonly FieldDef[],
  row: readonly string[],
): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  fields.forEach((field, index) => {
    const value = row[index] ?? '';
    if (value === '') return;
    if (value === NULL_VALUE) record[field.name] = null;
    else if (field.type === 'boolean' && /^(true|false|1|0)$/i.test(value))
      record[field.name] = /^(true|1)$/i.test(value);
    else record[field.name] = value;
  });
  return record;
}

/** A result file: the `sf__` columns, then the columns of the upload, quoted as Salesforce does. */
export function resultCsv(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  delimiter: ColumnDelimiter,
): string {
  return stringify([columns as string[], ...(rows as string[][])], {
    delimiter: COLUMN_DELIMITERS[delimiter],
    quoted: true,
    record_delimiter: '\n',
  });
}
