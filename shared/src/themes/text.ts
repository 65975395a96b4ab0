/**
 * Text handling of the verbatim analyser: folding (case and accents), markup removal, tokens with
 * their clause boundaries, and a light French/English suffix stemmer. Hand-written because
 * `shared` has no runtime dependency; the stemmer only has to make the inflections of one word meet
 * ("livraison", "livré", "livrer"; "delivery", "delivered"), not to be linguistically exact, since
 * the lexicons and taxonomies are stemmed with the same function.
 */

/** The languages the analyser knows. */
export const VERBATIM_LANGUAGES = ['fr', 'en'] as const;
export type VerbatimLanguage = (typeof VERBATIM_LANGUAGES)[number];

/** Lower case without diacritics: "Très DÉÇU" → "tres decu". */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae');
}

/** Emoji that carry an opinion, read as words so that "👍" alone is positive. */
const EMOJI_WORDS: readonly (readonly [RegExp, string])[] = [
  [
    /[\u{1F44C}\u{1F44D}\u{1F44F}\u{1F600}-\u{1F60D}\u{1F60E}\u{1F642}\u{1F917}\u{1F929}\u{1F970}\u2764\u2B50\u{1F31F}\u{1F64F}]/gu,
    ' emojipositive ',
  ],
  [
    /[\u{1F44E}\u{1F620}-\u{1F624}\u{1F61E}-\u{1F61F}\u{1F625}-\u{1F62D}\u{1F641}\u2639\u{1F92C}\u{1F621}]/gu,
    ' emojinegative ',
  ],
];

/** Punctuation that ends a sentence, and punctuation that ends a clause within one. */
const SENTENCE_BREAK = /[.!?;\n\r\u2026]+/;
const CLAUSE_BREAK = /[,:()[\]\u2013\u2014"\u00ab\u00bb]+/;

/** The longest text analysed: the longest comment an answer may carry. */
export const MAX_VERBATIM_LENGTH = 32_000;

/**
 * The sentences of a text, each a list of clauses, each a list of folded word tokens. Markup is
 * dropped (a verbatim is untrusted and may hold HTML), English "n't" becomes "not", French elisions
 * ("n'est", "l'équipe") split off, and every run of letters or digits is a token.
 */
export function sentencesOf(text: string): string[][][] {
  let folded = foldText(text.slice(0, MAX_VERBATIM_LENGTH))
    .replace(/<[^>]*>/g, ' ')
    .replace(/&[a-z#0-9]+;/g, ' ');
  for (const [pattern, word] of EMOJI_WORDS) folded = folded.replace(pattern, word);
  folded = folded.replace(/n['\u2019]t\b/g, ' not').replace(/['\u2019`]/g, ' ');
  return folded
    .split(SENTENCE_BREAK)
    .map((sentence) =>
      sentence
        .split(CLAUSE_BREAK)
        .map((clause) => clause.match(/[a-z0-9]+/g) ?? [])
        .filter((tokens) => tokens.length > 0),
    )
    .filter((clauses) => clauses.length > 0);
}

const FRENCH_SUFFIXES = [
  'issements',
  'issement',
  'ivites',
  'ivite',
  'ations',
  'ation',
  'ements',
  'ement',
  'eraient',
  'erions',
  'aisons',
  'aison',
  'ments',
  'ment',
  'euses',
  'euse',
  'ables',
  'able',
  'ances',
  'ance',
  'ences',
  'ence',
  'erait',
  'erons',
  'eront',
  'aient',
  'ites',
  'ite',
  'ives',
  'ive',
  'ifs',
  'eux',
  'ees',
  'erais',
  'erai',
  'ant',
  'ons',
  'era',
  'ait',
  'ais',
  'ee',
  'es',
  'er',
  'ez',
  'if',
  'e',
  's',
].sort((a, b) => b.length - a.length);
const ENGLISH_SUFFIXES = [
  'ations',
  'ation',
  'nesses',
  'ness',
  'ments',
  'ment',
  'ingly',
  'eries',
  'ings',
  'edly',
  'ing',
  'ery',
  'ies',
  'ied',
  'ily',
  'ly',
  'ed',
  'es',
  'e',
  's',
].sort((a, b) => b.length - a.length);
/** What some English suffixes become instead of nothing ("delivery" → "deliver"). */
const ENGLISH_REPLACEMENTS: Readonly<Record<string, string>> = {
  ery: 'er',
  eries: 'er',
  ies: 'y',
  ied: 'y',
  ily: 'y',
};
/**
 * What some French suffixes become instead of nothing: an adjective made with "-able" or "-eux"
 * keeps a mark, so it does not meet the noun it comes from ("remarquable" is no "remarque",
 * "heureux" no "heures", "abordable" no "d'abord").
 */
const FRENCH_REPLACEMENTS: Readonly<Record<string, string>> = {
  able: 'abl',
  ables: 'abl',
  eux: 'eu',
  euse: 'eu',
  euses: 'eu',
};
/** Words whose suffix is no inflection: "timely" is no "time". */
const STEM_EXCEPTIONS: Readonly<Record<VerbatimLanguage, Readonly<Record<string, string>>>> = {
  fr: {},
  en: { timely: 'timely' },
};
/** Letters a stem keeps at least: English words are shorter ("reply" must not become "rep"). */
const MIN_STEM: Readonly<Record<VerbatimLanguage, number>> = { fr: 3, en: 4 };

/**
 * The stem of a folded word: its longest known suffix removed, once, when at least three letters
 * (French) or four (English) remain ("livraison" → "livr", "delivered" → "deliver"). Words ending
 * in "ss" keep their "s".
 */
export function stemWord(word: string, language: VerbatimLanguage): string {
  const exception = STEM_EXCEPTIONS[language][word];
  if (exception !== undefined) return exception;
  const suffixes = language === 'fr' ? FRENCH_SUFFIXES : ENGLISH_SUFFIXES;
  for (const suffix of suffixes) {
    if (!word.endsWith(suffix) || word.length - suffix.length < MIN_STEM[language]) continue;
    if (suffix === 's' && word.endsWith('ss')) return word;
    const replacement =
      (language === 'en' ? ENGLISH_REPLACEMENTS : FRENCH_REPLACEMENTS)[suffix] ?? '';
    return word.slice(0, word.length - suffix.length) + replacement;
  }
  return word;
}
