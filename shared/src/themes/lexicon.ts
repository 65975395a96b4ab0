import { ENGLISH } from './lexicon/en.ts';
import { ENGLISH_IDIOMS } from './lexicon/en-idioms.ts';
import { FRENCH } from './lexicon/fr.ts';
import { FRENCH_IDIOMS } from './lexicon/fr-idioms.ts';
import type { VerbatimLanguage } from './text.ts';

/**
 * The words the sentiment analysis reads, per language, written folded (no accents, lower case).
 * Sentiment entries are stemmed when compiled, so one form per word family is usually enough;
 * entries of several words are phrases, matched on consecutive words.
 */
export interface LanguageLexicon {
  /** Frequent function words: they detect the language and are skipped by phrases. */
  readonly stopWords: readonly string[];
  /** Words that flip the polarity of the next few words ("pas", "not"). */
  readonly negators: readonly string[];
  /** Words that strengthen the next opinion word ("très", "extremely"). */
  readonly intensifiers: readonly string[];
  /** Words that soften it ("un peu", "slightly"). */
  readonly diminishers: readonly string[];
  /**
   * Words of excess: before a word that is no opinion, a complaint ("trop long", "too long");
   * before an opinion, an intensifier (they are listed there too).
   */
  readonly excess: readonly string[];
  /**
   * Negators that say something expected never happened: reaching no opinion, they are a
   * complaint ("le devis n'est jamais arrivé", "the quote never arrived").
   */
  readonly absences: readonly string[];
  /**
   * Words of repetition that turn a leading compliment into sarcasm when what follows is no
   * praise ("Génial, encore une facture fausse", "Great, another late delivery").
   */
  readonly repetitions: readonly string[];
  /**
   * Comparatives of less: they turn the opinion that follows, as a negator does ("moins
   * rapide", "less responsive", "moins cher", "fewer breakdowns").
   */
  readonly comparatives: readonly string[];
  /** Words that open a contrast: what follows weighs more than what precedes ("mais", "but"). */
  readonly contrasts: readonly string[];
  /** Opinion words and phrases with their polarity, −2…2. */
  readonly polarity: Readonly<Record<string, number>>;
}
/** The built-in lexicons, by language. */
export const LEXICONS: Readonly<Record<VerbatimLanguage, LanguageLexicon>> = {
  fr: {
    ...FRENCH,
    absences: ['jamais'],
    comparatives: ['moins'],
    repetitions: ['encore', 'enieme', 'troisieme', 'quatrieme', 'nouveau', 'nouvelle'],
    polarity: { ...FRENCH.polarity, ...FRENCH_IDIOMS },
  },
  en: {
    ...ENGLISH,
    absences: ['never'],
    comparatives: ['less', 'fewer'],
    repetitions: ['again', 'another', 'third', 'fourth'],
    polarity: { ...ENGLISH.polarity, ...ENGLISH_IDIOMS },
  },
};
