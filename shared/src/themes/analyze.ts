import { LEXICONS, type LanguageLexicon } from './lexicon.ts';
import { DEFAULT_TAXONOMY, type Taxonomy } from './taxonomy.ts';
import { sentencesOf, stemWord, VERBATIM_LANGUAGES, type VerbatimLanguage } from './text.ts';

/** The sentiment of a verbatim, or of one theme in it. */
export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

/** A theme found in a verbatim, with the sentiment of what the verbatim says about it. */
export interface ThemeMention {
  readonly theme: string;
  readonly sentiment: Sentiment;
  /** −1…1. */
  readonly score: number;
}

/** What the analyser reads in one verbatim. */
export interface VerbatimAnalysis {
  /** The language analysed: the answer's, or detected; `unknown` when neither French nor English. */
  readonly language: VerbatimLanguage | 'unknown';
  readonly sentiment: Sentiment;
  /** −1 (very negative) … 1 (very positive), rounded to two decimals. */
  readonly score: number;
  /** The themes, in the order the verbatim names them. */
  readonly themes: readonly ThemeMention[];
}

/** What the analyser may know besides the text. */
export interface AnalyseOptions {
  /** The answer's language (a BCP 47 tag such as `fr-CA`); detected from the text when absent. */
  readonly language?: string;
}

/** Analyses one verbatim; never throws, whatever the text. */
export type VerbatimAnalyser = (
  text: string | undefined,
  options?: AnalyseOptions,
) => VerbatimAnalysis;

/** Scores within this distance of 0 are neutral. */
const NEUTRAL_BAND = 0.1;
/** How many words after a negator its negation reaches, function words apart. */
const NEGATION_REACH = 3;
/** A negated opinion turns and weakens: "pas mauvais" is less than "bon". */
const NEGATION_FACTOR = -0.7;
const INTENSIFIER_FACTOR = 1.5;
const DIMINISHER_FACTOR = 0.5;
/** Around a contrast ("X mais Y"), what follows weighs more than what precedes. */
const BEFORE_CONTRAST = 0.5;
const AFTER_CONTRAST = 1.5;
/**
 * A negator over a theme word and no opinion ("pas de rappel", "no training"): something expected
 * did not happen.
 */
const MISSING_THEME_POLARITY = -1;

interface Phrase {
  readonly stems: readonly string[];
  readonly value: number | string;
}

/** One language, ready for matching: stemmed opinion words, phrases and theme terms. */
interface CompiledLanguage {
  readonly language: VerbatimLanguage;
  readonly stopWords: ReadonlySet<string>;
  readonly negators: ReadonlySet<string>;
  readonly intensifiers: ReadonlySet<string>;
  readonly diminishers: ReadonlySet<string>;
  readonly contrasts: ReadonlySet<string>;
  readonly excess: ReadonlySet<string>;
  readonly absences: ReadonlySet<string>;
  readonly repetitions: ReadonlySet<string>;
  /** Words of this language and not of the other: what detection counts. */
  readonly markers: ReadonlySet<string>;
  readonly polarity: ReadonlyMap<string, number>;
  /** Opinion phrases by their first stem, longest first. */
  readonly opinionPhrases: ReadonlyMap<string, readonly Phrase[]>;
  readonly themeWords: ReadonlyMap<string, readonly string[]>;
  readonly themePhrases: ReadonlyMap<string, readonly Phrase[]>;
  /** {@link stemWord} in this language, remembered for the most frequent words. */
  readonly stem: (word: string) => string;
}

/** Stems remembered per language: verbatims reuse a small vocabulary, and stemming is the cost. */
const STEM_CACHE_SIZE = 20_000;

function cachedStemmer(language: VerbatimLanguage): (word: string) => string {
  const cache = new Map<string, string>();
  return (word) => {
    const known = cache.get(word);
    if (known !== undefined) return known;
    const stem = stemWord(word, language);
    if (cache.size < STEM_CACHE_SIZE) cache.set(word, stem);
    return stem;
  };
}

const stemsOf = (entry: string, language: VerbatimLanguage) =>
  sentencesOf(entry)
    .flat(2)
    .map((word) => stemWord(word, language));

function addPhrase(index: Map<string, Phrase[]>, stems: readonly string[], value: number | string) {
  const list = index.get(stems[0] as string) ?? [];
  list.push({ stems, value });
  list.sort((a, b) => b.stems.length - a.stems.length);
  index.set(stems[0] as string, list);
}

function compileLanguage(
  language: VerbatimLanguage,
  lexicon: LanguageLexicon,
  taxonomy: Taxonomy,
): CompiledLanguage {
  const polarity = new Map<string, number>();
  const opinionPhrases = new Map<string, Phrase[]>();
  for (const [entry, value] of Object.entries(lexicon.polarity)) {
    const stems = stemsOf(entry, language);
    if (stems.length === 1) polarity.set(stems[0] as string, value);
    else addPhrase(opinionPhrases, stems, value);
  }
  const themeWords = new Map<string, string[]>();
  const themePhrases = new Map<string, Phrase[]>();
  for (const theme of taxonomy.themes) {
    const terms = [...(theme.keywords[language] ?? []), ...(theme.phrases[language] ?? [])];
    for (const term of terms) {
      const stems = stemsOf(term, language);
      if (stems.length === 0) continue;
      if (stems.length > 1) {
        addPhrase(themePhrases, stems, theme.id);
        continue;
      }
      const ids = themeWords.get(stems[0] as string) ?? [];
      if (!ids.includes(theme.id)) ids.push(theme.id);
      themeWords.set(stems[0] as string, ids);
    }
  }
  return {
    language,
    stopWords: new Set(lexicon.stopWords),
    negators: new Set([...lexicon.negators, ...lexicon.comparatives]),
    intensifiers: new Set(lexicon.intensifiers),
    diminishers: new Set(lexicon.diminishers),
    contrasts: new Set(lexicon.contrasts),
    excess: new Set(lexicon.excess),
    absences: new Set(lexicon.absences),
    repetitions: new Set(lexicon.repetitions),
    markers: new Set(),
    polarity,
    opinionPhrases,
    themeWords,
    themePhrases,
    stem: cachedStemmer(language),
  };
}

/** The phrase of the index that starts at `start`, longest first. */
function phraseAt(
  index: ReadonlyMap<string, readonly Phrase[]>,
  stems: readonly string[],
  start: number,
): Phrase | undefined {
  return index
    .get(stems[start] as string)
    ?.find((phrase) => phrase.stems.every((stem, k) => stems[start + k] === stem));
}

/** Every word a lexicon names, its phrases apart. */
const wordsOf = (lexicon: LanguageLexicon) =>
  new Set([
    ...lexicon.stopWords,
    ...lexicon.negators,
    ...lexicon.intensifiers,
    ...lexicon.diminishers,
    ...lexicon.contrasts,
    ...lexicon.excess,
    ...Object.keys(lexicon.polarity).filter((entry) => !entry.includes(' ')),
  ]);

/** The words that tell each language from the other: its lexicon's, minus those they share. */
function markersOf(
  fr: LanguageLexicon,
  en: LanguageLexicon,
): Record<VerbatimLanguage, Set<string>> {
  const frWords = wordsOf(fr);
  const enWords = wordsOf(en);
  return {
    fr: new Set([...frWords].filter((word) => !enWords.has(word))),
    en: new Set([...enWords].filter((word) => !frWords.has(word))),
  };
}

/** Turns a raw sum of opinions into −1…1 (the sum grows without bound; the score does not). */
const normalise = (raw: number) => Math.round((raw / Math.sqrt(raw * raw + 4)) * 100) / 100;
const sentimentOf = (score: number): Sentiment =>
  score >= NEUTRAL_BAND ? 'positive' : score <= -NEUTRAL_BAND ? 'negative' : 'neutral';

interface ClauseReading {
  score: number;
  themes: string[];
}

/** Reads one clause in the given languages: the first one that knows a word reads it. */
function readClause(
  tokens: readonly string[],
  languages: readonly CompiledLanguage[],
): ClauseReading {
  const stems = languages.map((lang) => tokens.map((token) => lang.stem(token)));
  const themes: string[] = [];
  const namesTheme: boolean[] = [];
  const addThemes = (ids: readonly string[], from: number, length: number) => {
    for (const id of ids) if (!themes.includes(id)) themes.push(id);
    for (let k = from; k < from + length; k++) namesTheme[k] = true;
  };
  // Phrases first: the words of "bon de commande" name billing, not also delivery.
  const covered: boolean[] = [];
  languages.forEach((lang, l) => {
    for (let i = 0; i < tokens.length; i++) {
      const phrase = phraseAt(lang.themePhrases, stems[l] as string[], i);
      if (!phrase) continue;
      addThemes([phrase.value as string], i, phrase.stems.length);
      for (let k = i; k < i + phrase.stems.length; k++) covered[k] = true;
    }
  });
  languages.forEach((lang, l) => {
    for (let i = 0; i < tokens.length; i++) {
      const ids = lang.themeWords.get((stems[l] as string[])[i] as string);
      if (ids && !covered[i]) addThemes(ids, i, 1);
    }
  });
  const isIn = (
    set: 'negators' | 'intensifiers' | 'diminishers' | 'excess' | 'stopWords' | 'absences',
    i: number,
  ) => languages.some((lang) => lang[set].has(tokens[i] as string));
  // "peu réactif" negates, "un peu lent" only softens; "moins cher" turns, "au moins" does not.
  const isNegator = (i: number) =>
    isIn('negators', i) &&
    !(tokens[i] === 'peu' && tokens[i - 1] === 'un') &&
    !(tokens[i] === 'moins' && (tokens[i - 1] === 'au' || tokens[i - 1] === 'du'));
  // "pas du tout", "not ... at all": the negation is a strong one.
  const joined = ` ${tokens.join(' ')} `;
  const negation =
    NEGATION_FACTOR *
    (joined.includes(' du tout ') || joined.includes(' at all ') ? INTENSIFIER_FACTOR : 1);
  let score = 0;
  // The current negation: how many more words it reaches, and whether it turned an opinion or
  // only met a theme word.
  let reach = 0;
  let negatedOpinion = true;
  let negatedTheme = false;
  let intensity = 1;
  let intensityUntil = -1;
  let excessUntil = -1;
  const closeNegation = () => {
    if (!negatedOpinion && negatedTheme) score += MISSING_THEME_POLARITY;
    negatedOpinion = true;
    negatedTheme = false;
  };
  const openNegation = (found: boolean) => {
    if (reach === 0) {
      closeNegation();
      negatedOpinion = found;
    }
    reach = NEGATION_REACH + 1;
  };
  for (let i = 0; i < tokens.length;) {
    // Function words do not use up a negation's reach: "pas du tout à l'écoute".
    if (reach > 0 && !isIn('stopWords', i)) reach -= 1;
    if (reach === 0) closeNegation();
    if (reach > 0 && namesTheme[i]) negatedTheme = true;
    let opinion: { value: number; length: number } | undefined;
    for (let l = 0; l < languages.length && !opinion; l++) {
      const lang = languages[l] as CompiledLanguage;
      const stem = (stems[l] as string[])[i] as string;
      const phrase = phraseAt(lang.opinionPhrases, stems[l] as string[], i);
      if (phrase) opinion = { value: phrase.value as number, length: phrase.stems.length };
      else if (lang.polarity.has(stem))
        opinion = { value: lang.polarity.get(stem) as number, length: 1 };
    }
    if (opinion) {
      const negated = reach > 0;
      score += opinion.value * (i <= intensityUntil ? intensity : 1) * (negated ? negation : 1);
      if (negated) negatedOpinion = true;
      excessUntil = -1;
      // A phrase's words are read once; one that ends with a negator ("toujours pas", "still no")
      // negates what follows.
      const last = i + opinion.length - 1;
      i += opinion.length;
      if (opinion.length > 1 && isNegator(last)) openNegation(true);
      continue;
    }
    if (isNegator(i)) openNegation(false);
    // "jamais", "never" over no opinion: what was expected did not happen.
    if (isIn('absences', i)) negatedTheme = true;
    if (isIn('excess', i)) excessUntil = i + 1;
    else if (i === excessUntil) {
      // "trop long", "too long": excess over a word that is no opinion is a complaint.
      score += MISSING_THEME_POLARITY;
      excessUntil = -1;
    }
    if (isIn('intensifiers', i) || isIn('diminishers', i)) {
      intensity = isIn('intensifiers', i) ? INTENSIFIER_FACTOR : DIMINISHER_FACTOR;
      intensityUntil = i + 2;
    }
    i += 1;
  }
  closeNegation();
  return { score, themes };
}

/** The longest leading clause read as an interjection ("Génial", "Oh wonderful", "Bravo"). */
const INTERJECTION_LENGTH = 3;
/** What an interjection must weigh to be read as sarcasm: strong praise, not "correct". */
const SARCASM_PRAISE = 2;

/**
 * Sarcasm: a short leading burst of praise that names no theme, followed in the same sentence
 * (no contrast between) by a complaint, or by a repetition and no praise ("Bravo, encore une
 * livraison incomplète", "Great, another wrong invoice"), is no praise: its polarity turns.
 * "Correct, sans plus" and "Great, but late" stay mixed.
 */
function readSarcasm(
  readings: readonly (ClauseReading & { tokens: readonly string[]; segment: number })[],
  isRepetition: (token: string) => boolean,
) {
  const [first, ...rest] = readings;
  if (!first || rest.length === 0 || first.score < SARCASM_PRAISE || first.themes.length > 0)
    return;
  if (first.tokens.length > INTERJECTION_LENGTH || rest.some((r) => r.segment !== first.segment))
    return;
  const restScore = rest.reduce((sum, r) => sum + r.score, 0);
  const repeats = rest.some((r) => r.tokens.some(isRepetition));
  if (restScore < 0 || (repeats && restScore === 0)) first.score = -first.score;
}

/**
 * Which lexicons read a text: the answer's language when it gives one, else the language whose
 * own words (those the other language lacks) the text uses most, plus the other one when the text
 * mixes both; both when neither wins ("Top !", "👍"). `undefined`: a language Boucle cannot read.
 */
function languagesFor(
  sentences: readonly (readonly (readonly string[])[])[],
  compiled: Readonly<Record<VerbatimLanguage, CompiledLanguage>>,
  tag: string | undefined,
): { primary: VerbatimLanguage | 'unknown'; languages: CompiledLanguage[] } | undefined {
  const counts = { fr: 0, en: 0 };
  for (const token of sentences.flat(2)) {
    for (const language of VERBATIM_LANGUAGES) {
      if (compiled[language].markers.has(token)) counts[language] += 1;
    }
  }
  const given = tag?.slice(0, 2).toLowerCase();
  let primary: VerbatimLanguage;
  if (given !== undefined) {
    if (given !== 'fr' && given !== 'en') return undefined;
    primary = given;
  } else if (counts.fr === counts.en) {
    return { primary: 'unknown', languages: [compiled.fr, compiled.en] };
  } else primary = counts.fr > counts.en ? 'fr' : 'en';
  const other: VerbatimLanguage = primary === 'fr' ? 'en' : 'fr';
  const mixed = counts[other] >= 2;
  return { primary, languages: mixed ? [compiled[primary], compiled[other]] : [compiled[primary]] };
}

const NOTHING_READ = (language: VerbatimLanguage | 'unknown'): VerbatimAnalysis => ({
  language,
  sentiment: 'neutral',
  score: 0,
  themes: [],
});

/**
 * An analyser for a taxonomy: language, sentiment (negation, intensifiers, contrast) and themes,
 * each theme with the sentiment of the clause that names it. Deterministic and offline.
 */
export function createVerbatimAnalyser(taxonomy: Taxonomy = DEFAULT_TAXONOMY): VerbatimAnalyser {
  const markers = markersOf(LEXICONS.fr, LEXICONS.en);
  const compiled = {
    fr: { ...compileLanguage('fr', LEXICONS.fr, taxonomy), markers: markers.fr },
    en: { ...compileLanguage('en', LEXICONS.en, taxonomy), markers: markers.en },
  };
  return (text, options = {}) => {
    const sentences = sentencesOf(typeof text === 'string' ? text : '');
    const reading = languagesFor(sentences, compiled, options.language);
    if (!reading) return NOTHING_READ('unknown');
    const { primary, languages } = reading;
    const contrasts = (token: string) => languages.some((lang) => lang.contrasts.has(token));
    let total = 0;
    const themeScores = new Map<string, number>();
    for (const sentence of sentences) {
      // Clauses split again at contrast words; each side of the last contrast gets its weight.
      const clauses: { tokens: string[]; segment: number }[] = [];
      let segment = 0;
      for (const clause of sentence) {
        let current: string[] = [];
        for (const token of clause) {
          if (contrasts(token)) {
            if (current.length > 0) clauses.push({ tokens: current, segment });
            current = [];
            segment += 1;
          } else current.push(token);
        }
        if (current.length > 0) clauses.push({ tokens: current, segment });
      }
      const readings = clauses.map((clause) => ({
        ...clause,
        ...readClause(clause.tokens, languages),
      }));
      readSarcasm(readings, (token) => languages.some((lang) => lang.repetitions.has(token)));
      const weightOf = (s: number) =>
        segment === 0 ? 1 : s < segment ? BEFORE_CONTRAST : AFTER_CONTRAST;
      const segmentScore = (s: number) =>
        readings.filter((r) => r.segment === s).reduce((sum, r) => sum + r.score, 0);
      const sentenceScore = readings.reduce((sum, r) => sum + r.score * weightOf(r.segment), 0);
      total += sentenceScore;
      for (const r of readings) {
        const own = r.score !== 0 ? r.score : segmentScore(r.segment) || sentenceScore;
        for (const theme of r.themes) themeScores.set(theme, (themeScores.get(theme) ?? 0) + own);
      }
    }
    const score = normalise(total);
    return {
      language: primary,
      sentiment: sentimentOf(score),
      score,
      themes: [...themeScores].map(([theme, raw]) => {
        // A theme named only in neutral sentences takes the verbatim's overall tone.
        const themeScore = raw !== 0 ? normalise(raw) : score;
        return { theme, sentiment: sentimentOf(themeScore), score: themeScore };
      }),
    };
  };
}

/** The analyser of the default taxonomy. */
export const analyzeVerbatim: VerbatimAnalyser = createVerbatimAnalyser();
