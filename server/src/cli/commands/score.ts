import Table from 'cli-table3';
import {
  DEFAULT_TOUCHPOINTS,
  touchpointMatcher,
  UNSPECIFIED_KEY,
  addToTally,
  newTally,
  parseInstant,
  periodKey,
  roundSummary,
  summaryOfTally,
  type ScoreSummary,
  type Tally,
} from '@boucle/shared';
import {
  AnswerFileError,
  readAnswerFile,
  type AnswerFileFormat,
  type FileAnswer,
} from '../../answerFiles/readAnswerFile.ts';
import { EXIT, type CliIo } from '../io.ts';

/** How `score --by` groups answers. */
export const SCORE_DIMENSIONS = ['touchpoint', 'month', 'account'] as const;
export type ScoreDimension = (typeof SCORE_DIMENSIONS)[number];

export interface ScoreOptions {
  readonly by?: ScoreDimension;
  readonly json?: boolean;
  readonly format?: AnswerFileFormat;
}

/** What `score --json` prints. */
export interface ScoreReport {
  readonly overall: ScoreSummary;
  readonly groups: (ScoreSummary & { readonly key: string })[];
}

// Offline scoring knows no CRM: touchpoints are matched to the shipped journey, like the cards
// match them to the configured one ("Après-vente" and "after-sale" are one group).
const shippedTouchpoint = touchpointMatcher(DEFAULT_TOUCHPOINTS);

function groupKey(answer: FileAnswer, by: ScoreDimension): string | { error: string } {
  if (by === 'touchpoint')
    return shippedTouchpoint(answer.touchpoint)?.key ?? answer.touchpoint ?? UNSPECIFIED_KEY;
  if (by === 'account') return answer.accountKey ?? UNSPECIFIED_KEY;
  if (!answer.answeredAt) return { error: 'answeredAt: is required to group by month' };
  return periodKey(parseInstant(answer.answeredAt, 'answeredAt'), 'month');
}

/**
 * Scores an answer file with the shared logic, in one streaming pass.
 * @returns the report, or the refused rows (line and reason) when any row is bad
 */
export async function scoreFile(
  path: string,
  options: ScoreOptions,
): Promise<{ report: ScoreReport } | { badRows: { line: number; error: string }[] }> {
  const overall = newTally();
  const groups = new Map<string, Tally>();
  const badRows: { line: number; error: string }[] = [];
  for await (const record of readAnswerFile(path, options.format)) {
    if ('error' in record) {
      badRows.push(record);
      continue;
    }
    const key = options.by ? groupKey(record.answer, options.by) : undefined;
    if (typeof key === 'object') {
      badRows.push({ line: record.line, error: key.error });
      continue;
    }
    addToTally(overall, record.answer);
    if (key !== undefined) {
      let tally = groups.get(key);
      if (!tally) groups.set(key, (tally = newTally()));
      addToTally(tally, record.answer);
    }
  }
  if (badRows.length > 0) return { badRows };
  return {
    report: {
      overall: roundSummary(summaryOfTally(overall)),
      groups: [...groups.keys()]
        .sort()
        .map((key) => ({ key, ...roundSummary(summaryOfTally(groups.get(key) as Tally)) })),
    },
  };
}

const dash = '–';
const fixed = (value: number | null | undefined) =>
  value === null || value === undefined ? dash : value.toFixed(1);

function tableOf(report: ScoreReport, by: ScoreDimension | undefined): string {
  const table = new Table({
    head: [
      by ?? '',
      'NPS answers',
      'promoters',
      'passives',
      'detractors',
      'NPS',
      '± margin',
      'CSAT %',
      'CES',
    ],
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [] },
  });
  const row = (key: string, s: ScoreSummary) => [
    key,
    String(s.n),
    String(s.promoters),
    String(s.passives),
    String(s.detractors),
    s.nps === null ? dash : `${fixed(s.nps)}${s.lowSample ? ' *' : ''}`,
    fixed(s.margin),
    s.csat ? `${fixed(s.csat.csat)} (n=${s.csat.n})` : dash,
    s.ces ? `${fixed(s.ces.ces)} (n=${s.ces.n})` : dash,
  ];
  for (const group of report.groups) table.push(row(group.key, group));
  table.push(row('all', report.overall));
  const lowSample = [report.overall, ...report.groups].some((s) => s.nps !== null && s.lowSample);
  return `${table.toString()}\n${lowSample ? '* fewer than 30 NPS answers: a low sample, read it as a hint, not a fact\n' : ''}`;
}

/**
 * `boucle score <file>`: prints the NPS (and CSAT, CES) of an answer file, overall and by group.
 * Exits 2, listing every bad row with its line number and reason, when any row is bad.
 */
export async function scoreCommand(
  path: string,
  options: ScoreOptions,
  io: CliIo,
): Promise<number> {
  let result: Awaited<ReturnType<typeof scoreFile>>;
  try {
    result = await scoreFile(path, options);
  } catch (error) {
    if (error instanceof AnswerFileError) {
      io.stderr(`boucle score: ${error.message}\n`);
      return EXIT.badInput;
    }
    throw error;
  }
  if ('badRows' in result) {
    for (const { line, error } of result.badRows) io.stderr(`${path}:${line}: ${error}\n`);
    io.stderr(
      `boucle score: ${result.badRows.length} bad row${result.badRows.length > 1 ? 's' : ''} in ${path}; nothing scored. Fix them and run again.\n`,
    );
    return EXIT.badInput;
  }
  io.stdout(
    options.json
      ? `${JSON.stringify(result.report, null, 2)}\n`
      : tableOf(result.report, options.by),
  );
  return EXIT.ok;
}
