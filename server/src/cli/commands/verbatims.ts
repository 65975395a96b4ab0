import Table from 'cli-table3';
import { classifyScore } from '@boucle/shared';
import {
  SENTIMENTS,
  summarizeThemes,
  type Sentiment,
  type ThemedAnswer,
  type VerbatimAnalysis,
} from '@boucle/shared/themes';
import {
  AnswerFileError,
  readAnswerFile,
  type AnswerFileFormat,
} from '../../answerFiles/readAnswerFile.ts';
import { loadTaxonomy, TaxonomyError } from '../../verbatims/taxonomy.ts';
import { EXIT, type CliIo } from '../io.ts';

export interface VerbatimsOptions {
  readonly json?: boolean;
  readonly format?: AnswerFileFormat;
  /** An admin's taxonomy file, as BOUCLE_TAXONOMY_FILE. */
  readonly taxonomy?: string;
}

/** One theme of the file: mentions by sentiment, and its share among unhappy answers. */
export interface VerbatimThemeRow {
  readonly theme: string;
  readonly label: string;
  readonly mentions: number;
  readonly positive: number;
  readonly neutral: number;
  readonly negative: number;
  readonly unhappyCount: number;
  readonly unhappyShare: number;
  readonly margin: number;
}

/** What `verbatims --json` prints. */
export interface VerbatimsReport {
  /** Answers read, and those with a comment (the verbatims analysed). */
  readonly answers: number;
  readonly verbatims: number;
  readonly unhappy: number;
  readonly sentiment: Record<Sentiment, number>;
  readonly languages: Record<string, number>;
  readonly themes: readonly VerbatimThemeRow[];
  readonly candidates: readonly { phrase: string; count: number }[];
  /** Each verbatim's analysis, in file order. */
  readonly analyses: readonly ({ id: string } & VerbatimAnalysis)[];
}

const UNHAPPY = new Set(['detractor', 'dissatisfied', 'high_effort']);

/**
 * Reads the verbatims of an answer file: each comment's language, sentiment and themes, and the
 * themes table (mentions by sentiment, share among unhappy answers with its margin).
 * @returns the report, or the refused rows (line and reason) when any row is bad
 */
export async function verbatimsOfFile(
  path: string,
  options: VerbatimsOptions,
): Promise<{ report: VerbatimsReport } | { badRows: { line: number; error: string }[] }> {
  const { taxonomy, analyse } = loadTaxonomy(options.taxonomy);
  const badRows: { line: number; error: string }[] = [];
  const themed: ThemedAnswer[] = [];
  const analyses: ({ id: string } & VerbatimAnalysis)[] = [];
  const sentiment: Record<Sentiment, number> = { positive: 0, neutral: 0, negative: 0 };
  const languages: Record<string, number> = {};
  const byTheme = new Map<string, Record<Sentiment, number>>();
  let answers = 0;
  for await (const record of readAnswerFile(path, options.format)) {
    if ('error' in record) {
      badRows.push(record);
      continue;
    }
    answers += 1;
    const { answer } = record;
    const unhappy = UNHAPPY.has(classifyScore(answer.metric, answer.score));
    const comment = answer.comment?.trim();
    if (!comment) {
      themed.push({ themes: [], unhappy, period: 'current' });
      continue;
    }
    const analysis = analyse(comment, { language: answer.raw?.language });
    analyses.push({ id: answer.id, ...analysis });
    sentiment[analysis.sentiment] += 1;
    languages[analysis.language] = (languages[analysis.language] ?? 0) + 1;
    for (const mention of analysis.themes) {
      const counts = byTheme.get(mention.theme) ?? { positive: 0, neutral: 0, negative: 0 };
      counts[mention.sentiment] += 1;
      byTheme.set(mention.theme, counts);
    }
    themed.push({
      themes: analysis.themes.map((t) => t.theme),
      unhappy,
      period: 'current',
      text: comment,
    });
  }
  if (badRows.length > 0) return { badRows };
  const summary = summarizeThemes(themed);
  const labels = new Map(taxonomy.themes.map((theme) => [theme.id, theme.label.en]));
  return {
    report: {
      answers,
      verbatims: analyses.length,
      unhappy: summary.unhappy,
      sentiment,
      languages,
      themes: summary.themes.map((theme) => {
        const counts = byTheme.get(theme.theme) as Record<Sentiment, number>;
        return {
          theme: theme.theme,
          label: labels.get(theme.theme) ?? theme.theme,
          mentions: theme.count,
          ...counts,
          unhappyCount: theme.unhappyCount,
          unhappyShare: theme.unhappyShare,
          margin: theme.margin,
        };
      }),
      candidates: summary.candidates,
      analyses,
    },
  };
}

function tableOf(report: VerbatimsReport): string {
  const table = new Table({
    head: ['theme', 'mentions', 'positive', 'neutral', 'negative', 'unhappy', '% of unhappy'],
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [] },
  });
  for (const row of report.themes)
    table.push([
      row.label,
      String(row.mentions),
      String(row.positive),
      String(row.neutral),
      String(row.negative),
      String(row.unhappyCount),
      report.unhappy === 0 ? '–' : `${row.unhappyShare.toFixed(1)} ± ${row.margin.toFixed(1)}`,
    ]);
  const split = SENTIMENTS.map((s) => `${report.sentiment[s]} ${s}`).join(', ');
  const lines = [
    `${report.verbatims} verbatims in ${report.answers} answers (${split}); ${report.unhappy} unhappy answers.`,
    report.themes.length > 0 ? table.toString() : 'No theme found.',
  ];
  if (report.unhappy > 0 && report.unhappy < 30)
    lines.push('fewer than 30 unhappy answers: the shares are a hint, not a fact');
  if (report.candidates.length > 0)
    lines.push(
      `Recurring phrases no theme covers: ${report.candidates.map((c) => `"${c.phrase}" (${c.count})`).join(', ')}`,
    );
  return `${lines.join('\n')}\n`;
}

/**
 * `boucle verbatims <file>`: the themes table of an answer file's verbatims (or `--json`: the
 * table and each verbatim's analysis). Exits 2, listing every bad row, when any row is bad, and
 * on a bad taxonomy file, naming its bad entries.
 */
export async function verbatimsCommand(
  path: string,
  options: VerbatimsOptions,
  io: CliIo,
): Promise<number> {
  let result: Awaited<ReturnType<typeof verbatimsOfFile>>;
  try {
    result = await verbatimsOfFile(path, options);
  } catch (error) {
    if (error instanceof AnswerFileError || error instanceof TaxonomyError) {
      io.stderr(`boucle verbatims: ${error.message}\n`);
      return EXIT.badInput;
    }
    throw error;
  }
  if ('badRows' in result) {
    for (const { line, error } of result.badRows) io.stderr(`${path}:${line}: ${error}\n`);
    io.stderr(
      `boucle verbatims: ${result.badRows.length} bad row${result.badRows.length > 1 ? 's' : ''} in ${path}; nothing analysed. Fix them and run again.\n`,
    );
    return EXIT.badInput;
  }
  io.stdout(options.json ? `${JSON.stringify(result.report, null, 2)}\n` : tableOf(result.report));
  return EXIT.ok;
}
