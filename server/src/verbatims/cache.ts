import type { AnalyseOptions, VerbatimAnalysis } from '@boucle/shared/themes';
import type { Verbatims } from './taxonomy.ts';

/** What identifies an answer's comment: its ref (source and id) and the text and language read. */
export interface AnalysedAnswer {
  readonly source: string;
  readonly id: string;
  readonly comment: string;
  readonly language?: string | undefined;
}

/** The analyses of stored comments under one taxonomy, by answer ref. */
export interface AnalysisCache {
  /** The comment's analysis: remembered for this answer, or read now and remembered. */
  analysisOf(answer: AnalysedAnswer): VerbatimAnalysis;
  /** How many analyses are remembered. */
  readonly size: number;
}

/**
 * Analyses remembered at most, least recently used dropped first: about 1 kB each, so the
 * default holds 100,000 answers' worth of comments in about 100 MB at most.
 */
export const ANALYSIS_CACHE_SIZE = 100_000;

/**
 * A cache of analyses for one taxonomy: a repeated `GET /v1/themes` reads what the previous one
 * analysed instead of analysing every stored comment again. Keyed by answer ref; an entry whose
 * comment or language no longer matches the answer's is analysed again.
 */
export function createAnalysisCache(
  verbatims: Verbatims,
  maxEntries = ANALYSIS_CACHE_SIZE,
): AnalysisCache {
  const entries = new Map<
    string,
    { comment: string; language: string | undefined; analysis: VerbatimAnalysis }
  >();
  return {
    analysisOf(answer) {
      const key = `${answer.source}\u0000${answer.id}`;
      const known = entries.get(key);
      if (known && known.comment === answer.comment && known.language === answer.language) {
        // Most recently used last, so the oldest is the first to go.
        entries.delete(key);
        entries.set(key, known);
        return known.analysis;
      }
      const options: AnalyseOptions = answer.language ? { language: answer.language } : {};
      const analysis = verbatims.analyse(answer.comment, options);
      entries.delete(key);
      entries.set(key, { comment: answer.comment, language: answer.language, analysis });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      return analysis;
    },
    get size() {
      return entries.size;
    },
  };
}

/** One cache per taxonomy in force: a new taxonomy (a new {@link Verbatims}) starts afresh. */
const caches = new WeakMap<Verbatims, AnalysisCache>();

/** The analysis cache of a taxonomy, made on first use. */
export function analysisCacheFor(verbatims: Verbatims): AnalysisCache {
  let cache = caches.get(verbatims);
  if (!cache) caches.set(verbatims, (cache = createAnalysisCache(verbatims)));
  return cache;
}
