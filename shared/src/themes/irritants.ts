import { LEXICONS } from './lexicon.ts';
import { rankThemes, type ThemeIrritant, type ThemedAnswer } from './rank.ts';
import { sentencesOf, VERBATIM_LANGUAGES } from './text.ts';

/** A phrase that recurs in verbatims no theme matched: a candidate for the taxonomy. */
export interface PhraseCandidate {
  readonly phrase: string;
  readonly count: number;
}

export interface ThemeSummary {
  /** Answers in the window, unhappy ones, and those of the previous window. */
  readonly n: number;
  readonly unhappy: number;
  readonly previousN: number;
  /** True when there are fewer unhappy answers than the minimum sample: shares are indicative. */
  readonly lowSample: boolean;
  /** Themes by unhappy count, then count. */
  readonly themes: readonly ThemeIrritant[];
  readonly candidates: readonly PhraseCandidate[];
}

export interface ThemeSummaryOptions {
  /** Below this many unhappy answers, `lowSample`; default 30. */
  readonly minSample?: number;
  /** A phrase is a candidate when this many uncovered verbatims use it; default 3. */
  readonly minPhraseCount?: number;
  /** How many candidates at most; default 10. */
  readonly maxCandidates?: number;
}

const STOP_WORDS = new Set(VERBATIM_LANGUAGES.flatMap((language) => LEXICONS[language].stopWords));

/** The two-word phrases of a verbatim, function words apart, each once. */
export function phrasesOf(text: string): string[] {
  const phrases = new Set<string>();
  for (const clause of sentencesOf(text).flat()) {
    const words = clause.filter(
      (word) => word.length >= 3 && !STOP_WORDS.has(word) && !/^\d+$/.test(word),
    );
    for (let i = 0; i + 1 < words.length; i++) phrases.add(`${words[i]} ${words[i + 1]}`);
  }
  return [...phrases];
}

/**
 * Irritants and weak signals of a set of answers: each theme with how often it comes with
 * unhappy answers (share among them with its 95% margin, and count), whether it grows against the
 * previous window (only when significant), and the phrases that recur where no theme matched.
 */
export function summarizeThemes(
  answers: readonly ThemedAnswer[],
  options: ThemeSummaryOptions = {},
): ThemeSummary {
  const { n, unhappy, previousN, themes } = rankThemes(answers);
  const current = answers.filter((a) => a.period === 'current');
  const phraseCounts = new Map<string, number>();
  for (const answer of current) {
    if (answer.themes.length > 0 || !answer.text) continue;
    for (const phrase of phrasesOf(answer.text))
      phraseCounts.set(phrase, (phraseCounts.get(phrase) ?? 0) + 1);
  }
  const candidates = [...phraseCounts]
    .filter(([, count]) => count >= (options.minPhraseCount ?? 3))
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, options.maxCandidates ?? 10)
    .map(([phrase, count]) => ({ phrase, count }));
  return {
    n,
    unhappy,
    previousN,
    lowSample: unhappy < (options.minSample ?? 30),
    themes,
    candidates,
  };
}
