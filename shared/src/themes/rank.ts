/**
 * The irritants of a set of themed answers, without the lexicons: each theme ranked by how often it
 * comes with unhappy answers (count, share among them with its 95% margin), and whether it grows
 * against the previous window. Pure and small, so that it ships in the CRM bundles too (`c/npsCore`,
 * the HubSpot copy), where the account cards rank the themes the server wrote on each answer.
 */
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

/** The themes of a window ranked as irritants, with the sizes they were measured on. */
export interface ThemeRanking {
  /** Answers in the window, unhappy ones, and those of the previous window. */
  readonly n: number;
  readonly unhappy: number;
  readonly previousN: number;
  /** Themes by unhappy count, then count, then id. */
  readonly themes: readonly ThemeIrritant[];
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

/** Themes ranked as irritants over a window: see {@link ThemeRanking}. */
export function rankThemes(answers: readonly ThemedAnswer[]): ThemeRanking {
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
  return { n: current.length, unhappy, previousN: previous.length, themes };
}

/**
 * An account's top irritants: the themes named by at least one unhappy answer of the window, most
 * unhappy first, at most `limit` of them.
 */
export function topIrritants(answers: readonly ThemedAnswer[], limit = 3): ThemeIrritant[] {
  return rankThemes(answers)
    .themes.filter((theme) => theme.unhappyCount > 0)
    .slice(0, limit);
}
