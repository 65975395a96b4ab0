import { createReadStream, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  AnswerFileError,
  readAnswerFile,
  type FileRecord,
} from '../../src/answerFiles/readAnswerFile.ts';
import {
  exportDate,
  readVendorCsv,
  type VendorFormat,
  type VendorOptions,
} from '../../src/answerFiles/vendorExports.ts';
import { runCli } from '../../src/cli/main.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';

const fixture = (name: string) => new URL(`../fixtures/exports/${name}`, import.meta.url).pathname;

async function read(vendor: VendorFormat, options: VendorOptions = {}, file = `${vendor}.csv`) {
  const records: FileRecord[] = [];
  for await (const record of readAnswerFile(fixture(file), vendor, { vendor: options }))
    records.push(record);
  return records;
}

async function readText(vendor: VendorFormat, text: string, options: VendorOptions = {}) {
  const records: FileRecord[] = [];
  for await (const record of readVendorCsv('export.csv', vendor, Readable.from([text]), options))
    records.push(record);
  return records;
}

describe('Qualtrics exports (the documented layout: three header rows)', () => {
  it('reads response id, recorded date in the export time zone, e-mail, embedded data and the NPS question', async () => {
    const records = await read('qualtrics', { map: { comment: 'Q2' } });
    expect(records[0]).toEqual({
      line: 4,
      answer: {
        id: 'R_1a2B3c4D5e6F7g8',
        source: 'qualtrics',
        metric: 'nps',
        score: 3,
        // 09:15 in Denver on the morning daylight-saving time began: UTC−6.
        answeredAt: '2024-03-10T15:15:00.000Z',
        comment: 'Délai de livraison, encore.',
        email: 'claire.martin@acme.example',
        accountKey: 'acme.example',
        touchpoint: 'after-sale',
      },
    });
    expect(records[1]).toMatchObject({
      line: 5,
      answer: { id: 'R_2b3C4d5E6f7G8h9', score: 10, answeredAt: '2024-03-11T20:02:10.000Z' },
    });
    expect(records[1]).not.toHaveProperty('answer.touchpoint');
  });

  it('skips unfinished responses and refuses out-of-range scores, each with its line', async () => {
    const records = await read('qualtrics', { touchpoint: 'contracting' });
    expect(records.slice(2)).toEqual([
      { line: 6, error: 'skipped: an unfinished response (Finished is false)' },
      { line: 7, error: 'score: must be an integer from 0 to 10 for metric nps' },
    ]);
    // --touchpoint fills the rows that carry none, not the others.
    expect(records[0]).toMatchObject({ answer: { touchpoint: 'after-sale' } });
    expect(records[1]).toMatchObject({ answer: { touchpoint: 'contracting' } });
  });

  it('lets --timezone override the export time zone', async () => {
    const [first] = await read('qualtrics', { timezone: 'Europe/Paris' });
    expect(first).toMatchObject({ answer: { answeredAt: '2024-03-10T08:15:00.000Z' } });
  });

  it('says when the file has fewer header rows than an export', async () => {
    await expect(readText('qualtrics', 'ResponseId,Q1\nResponse ID,Q1 text\n')).rejects.toThrow(
      'a qualtrics export starts with 3 header rows; this file has 2',
    );
  });
});

describe('SurveyMonkey exports (two header rows)', () => {
  it('needs the score column named, and lists the columns to choose from', async () => {
    const error = await read('surveymonkey').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnswerFileError);
    expect((error as Error).message).toContain(
      'cannot tell which column of this surveymonkey export holds the score (this layout is not documented by the vendor): pass --map score=<column>',
    );
    expect((error as Error).message).toContain(
      '"How likely is it that you would recommend us to a friend or colleague?"',
    );
    // A question spanning two columns names the second by its option.
    expect((error as Error).message).toContain(
      '"How did you hear about us? / Other (please specify)"',
    );
  });

  it('reads US dates in the given time zone once the score and comment columns are named', async () => {
    const records = await read('surveymonkey', {
      map: {
        score: 'How likely is it that you would recommend us to a friend or colleague?',
        comment: 'what should we improve?',
      },
      timezone: 'Europe/Paris',
    });
    expect(records).toEqual([
      {
        line: 3,
        answer: {
          id: '114195678901',
          source: 'surveymonkey',
          metric: 'nps',
          score: 9,
          answeredAt: '2024-03-10T08:15:00.000Z',
          comment: 'Rien à signaler',
          email: 'claire.martin@acme.example',
          accountKey: 'acme.example',
        },
      },
      {
        line: 4,
        answer: expect.objectContaining({
          id: '114195678902',
          score: 4,
          // 12:05 AM is five past midnight.
          answeredAt: '2024-03-11T23:05:00.000Z',
        }),
      },
    ]);
  });
});

describe('Typeform and Delighted exports (one header row)', () => {
  it('reads a Typeform export: token, UTC submit date, hidden fields', async () => {
    const records = await read('typeform', {
      map: { score: 'How likely are you to recommend us?', comment: 'Anything to add?' },
    });
    expect(records).toEqual([
      {
        line: 2,
        answer: {
          id: 'a1b2c3d4e5f6g7h8',
          source: 'typeform',
          metric: 'nps',
          score: 8,
          answeredAt: '2024-03-10T09:15:00.000Z',
          email: 'claire.martin@acme.example',
          accountKey: 'acme.example',
          touchpoint: 'pre-sale',
        },
      },
      {
        line: 3,
        answer: expect.objectContaining({ score: 2, comment: 'Trop cher, pas assez de suivi' }),
      },
    ]);
  });

  it('reads a Delighted export with its own Score and Comment columns, refusing a bad score', async () => {
    const records = await read('delighted');
    expect(records).toEqual([
      {
        line: 2,
        answer: {
          id: '12345678',
          source: 'delighted',
          metric: 'nps',
          score: 10,
          answeredAt: '2024-03-10T09:15:00.000Z',
          comment: 'Super équipe, merci !',
          email: 'claire.martin@acme.example',
          accountKey: 'acme.example',
          touchpoint: 'after-sale',
        },
      },
      {
        line: 3,
        answer: expect.objectContaining({ score: 7, answeredAt: '2024-03-11T15:05:00.000Z' }),
      },
      { line: 4, error: 'score: must be an integer from 0 to 10 for metric nps' },
    ]);
  });

  it('reads scores written with their label, and other metrics', async () => {
    const records = await readText(
      'delighted',
      'Response ID,Score,Created At\n1,"5 - Very satisfied",2024-03-10T09:15:00Z\n2,Six,2024-03-10T09:15:00Z\n',
      { metric: 'csat' },
    );
    expect(records).toEqual([
      { line: 2, answer: expect.objectContaining({ metric: 'csat', score: 5 }) },
      { line: 3, error: 'score: must be a whole number' },
    ]);
  });

  it('refuses a --map column the file does not have, naming the columns it has', async () => {
    await expect(read('typeform', { map: { score: 'Q1' } })).rejects.toThrow(
      /--map score=Q1: no column "Q1" in this typeform export; its columns are "#", "How likely are you to recommend us\?"/,
    );
  });

  it('reports a date it cannot read with the row, not a crash', async () => {
    const records = await readText(
      'delighted',
      'Response ID,Score,Created At\n1,9,yesterday\n2,9,31/04/2024\n',
    );
    expect(records).toEqual([
      { line: 2, error: 'answeredAt: cannot read the date "yesterday" (column Created At)' },
      { line: 3, error: 'answeredAt: cannot read the date "31/04/2024" (column Created At)' },
    ]);
  });
});

describe('export dates', () => {
  it('reads ISO, ISO without zone and US dates, in a time zone, across daylight saving', () => {
    expect(exportDate('2024-07-01T10:00:00+02:00', 'UTC')).toBe('2024-07-01T08:00:00.000Z');
    expect(exportDate('2024-07-01 10:00', 'Europe/Paris')).toBe('2024-07-01T08:00:00.000Z');
    expect(exportDate('2024-01-15 10:00:00', 'Europe/Paris')).toBe('2024-01-15T09:00:00.000Z');
    expect(exportDate('2024-03-31 03:30:00', 'Europe/Paris')).toBe('2024-03-31T01:30:00.000Z');
    expect(exportDate('7/1/2024 12:00:00 PM', 'America/New_York')).toBe('2024-07-01T16:00:00.000Z');
    expect(exportDate('2024-02-30 10:00', 'UTC')).toBeUndefined();
    expect(exportDate('13/01/2024', 'UTC')).toBeUndefined();
    expect(exportDate('1/1/2024 13:00 PM', 'UTC')).toBeUndefined();
  });
});

describe('boucle import --format', () => {
  it('stores answers from an export under the tool as source, once, however often it is imported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boucle-exports-'));
    const file = join(dir, 'responses.csv');
    writeFileSync(file, readFileSync(fixture('qualtrics.csv')));
    const env = { BOUCLE_DB: join(dir, 'boucle.db'), BOUCLE_LOG_LEVEL: 'silent' };
    let out = '';
    const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (out += t) };
    const argv = ['import', file, '--format', 'qualtrics', '--map', 'comment=Q2', '--no-progress'];
    expect(await runCli(argv, io, undefined, env)).toBe(0);
    expect(await runCli([...argv, '--restart'], io, undefined, env)).toBe(0);
    const store = new SqliteStore(env.BOUCLE_DB);
    const rows = store.db.prepare('SELECT source, id FROM answers ORDER BY id').all() as {
      source: string;
      id: string;
    }[];
    await store.close();
    expect(rows).toEqual([
      { source: 'qualtrics', id: 'R_1a2B3c4D5e6F7g8' },
      { source: 'qualtrics', id: 'R_2b3C4d5E6f7G8h9' },
    ]);
    const report = readFileSync(`${file}.rejected.csv`, 'utf8');
    expect(report).toContain('6,"skipped: an unfinished response (Finished is false)"');
  });

  it('answers bad options with exit 2 and what to write instead', async () => {
    let err = '';
    const io = { stdout: () => undefined, stderr: (t: string) => (err += t) };
    const env = { BOUCLE_DB: ':memory:', BOUCLE_LOG_LEVEL: 'silent' };
    const dir = mkdtempSync(join(tmpdir(), 'boucle-exports-'));
    const file = join(dir, 'typeform.csv');
    writeFileSync(file, readFileSync(fixture('typeform.csv')));
    expect(
      await runCli(
        ['import', file, '--format', 'typeform', '--map', 'grade=Q1'],
        io,
        undefined,
        env,
      ),
    ).toBe(2);
    expect(err).toContain('"grade" is not a field; use one of id, score, comment');
    err = '';
    expect(
      await runCli(['import', file, '--format', 'typeform', '--map', 'score'], io, undefined, env),
    ).toBe(2);
    expect(err).toContain('"score" is not field=column');
    err = '';
    expect(
      await runCli(
        ['import', file, '--format', 'qualtrics', '--timezone', 'Mars/Olympus'],
        io,
        undefined,
        env,
      ),
    ).toBe(2);
    expect(err).toContain('--timezone Mars/Olympus: not a time zone');
    err = '';
    expect(await runCli(['import', file, '--map', 'score=Q1'], io, undefined, env)).toBe(2);
    expect(err).toContain("--map and --timezone apply to survey tools' exports");
    err = '';
    expect(
      await runCli(['import', file, '--format', 'typeform', '--no-progress'], io, undefined, env),
    ).toBe(2);
    expect(err).toContain('pass --map score=<column>');
    expect(err).not.toMatch(/\n\s+at /);
    // Refused before its first row, the file leaves no empty report behind.
    expect(existsSync(`${file}.rejected.csv`)).toBe(false);
  });
});

// The fixtures stream like any file.
it('reads an export from a file stream', async () => {
  const records: FileRecord[] = [];
  for await (const record of readVendorCsv(
    'x',
    'delighted',
    createReadStream(fixture('delighted.csv')),
  ))
    records.push(record);
  expect(records).toHaveLength(3);
});
