import { LEXICONS } from './lexicon.ts';
import { sentencesOf, VERBATIM_LANGUAGES } from './text.ts';

/** One answer as the irritant summary needs it. */
export interface ThemedAnswer {
  readonly themes: readonly string[];
  /** A detractor (or a dissatisfied / high-effort answer for CSAT / CES). */
  readonly unhappy: boolean;
  /** In the window asked for, or in the window before it (for growth). */
  readonly period: 'current' | 'previous';
  /** The verbatim, for phrases that no theme covers. */
  readonly text?: string;
}

/** A theme's figures over a window. */
export interface ThemeIrritant {
  readonly theme: string;
  /** Answers of the window that name the theme. */
  readonly count: number;
  /** Of those, the unhappy ones. */
  readonly unhappyCount: number;
  /** Share of the window's unhappy answers that name the theme, in percent (0…100). */
  readonly unhappyShare: number;
  /** 95% half-width of `unhappyShare`, in percentage points. */
  readonly margin: number;
  /** Share of the window's answers that name the theme, in percent, and the previous window's. */
  readonly share: number;
  readonly previousShare: number;
  /** True when the share grew and the growth exceeds the 95% two-proportion test. */
  readonly growing: boolean;
}

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

const Z95 = 1.96;
const round1 = (value: number) => Math.round(value * 10) / 10;

/** Whether a share grew significantly: two-proportion z-test, pooled, two-sided 95%. */
export function isSignificantGrowth(
  current: { count: number; n: number },
  previous: { count: number; n: number },
): boolean {
  if (current.n === 0 || previous.n === 0) return false;
  const p1 = current.count / current.n;
  const p0 = previous.count / previous.n;
  const pooled = (current.count + previous.count) / (current.n + previous.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / current.n + 1 / previous.n));
  return se > 0 && (p1 - p0) / se >= Z95;
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
  const current = answers.filter((a) => a.period === 'current');
  const previous = answers.filter((a) => a.period === 'previous');
  const unhappy = current.filter((a) => a.unhappy).length;
  const tally = new Map<string, { count: number; unhappyCount: number; previousCount: number }>();
  const entry = (theme: string) => {
    const found = tally.get(theme) ?? { count: 0, unhappyCount: 0, previousCount: 0 };
    tally.set(theme, found);
    return found;
  };
  for (const answer of current) {
    for (const theme of new Set(answer.themes)) {
      const found = entry(theme);
      found.count += 1;
      if (answer.unhappy) found.unhappyCount += 1;
    }
  }
  for (const answer of previous)
    for (const theme of new Set(answer.themes)) entry(theme).previousCount += 1;
  const pct = (count: number, n: number) => (n === 0 ? 0 : (count / n) * 100);
  const themes = [...tally]
    .map(([theme, t]): ThemeIrritant => {
      const p = unhappy === 0 ? 0 : t.unhappyCount / unhappy;
      return {
        theme,
        count: t.count,
        unhappyCount: t.unhappyCount,
        unhappyShare: round1(p * 100),
        margin: unhappy === 0 ? 0 : round1(Z95 * Math.sqrt((p * (1 - p)) / unhappy) * 100),
        share: round1(pct(t.count, current.length)),
        previousShare: round1(pct(t.previousCount, previous.length)),
        growing: isSignificantGrowth(
          { count: t.count, n: current.length },
          { count: t.previousCount, n: previous.length },
        ),
      };
    })
    .filter((t) => t.count > 0)
    .sort(
      (a, b) =>
        b.unhappyCount - a.unhappyCount || b.count - a.count || a.theme.localeCompare(b.theme),
    );
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
    n: current.length,
    unhappy,
    previousN: previous.length,
    lowSample: unhappy < (options.minSample ?? 30),
    themes,
    candidates,
  };
}
