import { describe, expect, it } from 'vitest';
import { analyzeVerbatim, stemWord, topIrritants, type ThemedAnswer } from '../src/themes/index.ts';

// The rules added for new text (stem collisions, "never" over no opinion, sarcasm, comparatives)
// and the irritants the CRM cards rank; the analyser's other behaviour is in themes.test.ts.
const sentimentOf = (text: string) => analyzeVerbatim(text).sentiment;
const themeSentiment = (text: string, theme: string) =>
  analyzeVerbatim(text).themes.find((t) => t.theme === theme)?.sentiment;

describe('stemWord: words that must not meet', () => {
  it('keeps an adjective in -able or -eux apart from the noun it comes from', () => {
    expect(stemWord('remarquable', 'fr')).toBe(stemWord('remarquables', 'fr'));
    expect(stemWord('remarquable', 'fr')).not.toBe(stemWord('remarque', 'fr'));
    expect(stemWord('heureux', 'fr')).toBe(stemWord('heureuse', 'fr'));
    expect(stemWord('heureux', 'fr')).not.toBe(stemWord('heures', 'fr'));
  });

  it('gives the French future and conditional the stem of the verb', () => {
    expect(stemWord('recommanderai', 'fr')).toBe(stemWord('recommande', 'fr'));
    expect(stemWord('recommanderais', 'fr')).toBe(stemWord('recommande', 'fr'));
  });

  it('keeps a word whose ending is no suffix whole: "timely" is no "time"', () => {
    expect(stemWord('timely', 'en')).toBe('timely');
    expect(stemWord('times', 'en')).not.toBe(stemWord('timely', 'en'));
  });
});

describe('analyzeVerbatim: never, sarcasm and comparatives', () => {
  it.each([['Une remarque sur la livraison.'], ['Deux heures au téléphone.']])(
    'reads no opinion in a noun that shares its root with an opinion word (%s)',
    (text) => {
      expect(sentimentOf(text)).toBe('neutral');
    },
  );

  it.each([
    ["Le devis n'est jamais arrivé."],
    ['The quote never arrived.'],
    ['Support promises to call back and never does.'],
  ])('reads "never" over no opinion as something expected that did not happen (%s)', (text) => {
    expect(sentimentOf(text)).toBe('negative');
  });

  it('reads "never" over a complaint as praise', () => {
    expect(sentimentOf('Jamais eu le moindre problème.')).toBe('positive');
    expect(sentimentOf('Never had a single issue.')).toBe('positive');
  });

  it.each([
    ['Génial, encore une facture fausse.'],
    ['Bravo, encore une livraison.'],
    ['Great, another late delivery.'],
    ['Oh wonderful, the platform crashed.'],
  ])('reads a burst of praise before a complaint or a repetition as sarcasm (%s)', (text) => {
    expect(sentimentOf(text)).toBe('negative');
  });

  it('gives the themes of a sarcastic sentence its negative sentiment', () => {
    expect(themeSentiment('Bravo, encore une livraison incomplète.', 'delivery')).toBe('negative');
  });

  it.each([
    ['Génial, merci encore !', 'positive'],
    ['Super, la livraison est arrivée.', 'positive'],
    ['Great, but the delivery was late.', 'negative'],
    ['Correct, encore une facture.', 'positive'],
    ['Super livraison, encore une fois.', 'positive'],
    ['Vraiment tout simplement génial, encore une facture.', 'positive'],
  ])(
    'reads sincere praise, a contrast, mild or long praise as no sarcasm (%s)',
    (text, sentiment) => {
      expect(sentimentOf(text)).toBe(sentiment);
    },
  );

  it.each([
    ['L’application est moins rapide.', 'negative'],
    ['The app is less responsive.', 'negative'],
    ['Moins cher que notre ancien fournisseur.', 'positive'],
    ['Fewer breakdowns this year.', 'positive'],
  ])('turns the opinion after a comparative of less (%s)', (text, sentiment) => {
    expect(sentimentOf(text)).toBe(sentiment);
  });

  it.each([['Au moins la livraison était à l’heure.'], ['Du moins, le support est rapide.']])(
    'reads "au moins" and "du moins" as no comparative (%s)',
    (text) => {
      expect(sentimentOf(text)).toBe('positive');
    },
  );

  it('reads a sentence of contrast words alone as neutral', () => {
    expect(sentimentOf('Mais, but.')).toBe('neutral');
  });
});

describe('topIrritants', () => {
  const themed = (themes: string[], unhappy: boolean): ThemedAnswer => ({
    themes,
    unhappy,
    period: 'current',
  });

  it('ranks the themes of unhappy answers, most unhappy first, then most named, at most the limit asked', () => {
    const answers = [
      themed(['delivery', 'delays'], true),
      themed(['delivery'], true),
      themed(['billing'], true),
      themed(['staff'], false),
      themed(['delays'], false),
    ];
    expect(topIrritants(answers, 2).map((t) => [t.theme, t.unhappyCount, t.count])).toEqual([
      ['delivery', 2, 2],
      ['delays', 1, 2],
    ]);
  });

  it('leaves out the themes only happy answers name', () => {
    expect(topIrritants([themed(['staff'], false), themed([], true)])).toEqual([]);
  });

  it('gives each irritant its share of the unhappy answers and its margin', () => {
    const [first] = topIrritants([themed(['price'], true), themed([], true)]);
    expect(first).toMatchObject({ theme: 'price', unhappyShare: 50, margin: 69.3 });
  });
});
