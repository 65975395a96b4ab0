import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { taxonomyExtensionSchema } from '../src/schemas/index.ts';
import {
  DEFAULT_TAXONOMY,
  analyzeVerbatim,
  createVerbatimAnalyser,
  extendTaxonomy,
  foldText,
  isSignificantGrowth,
  phrasesOf,
  sentencesOf,
  stemWord,
  summarizeThemes,
  type ThemedAnswer,
} from '../src/themes/index.ts';

const themesOf = (text: string, language?: string) =>
  analyzeVerbatim(text, language ? { language } : {}).themes.map((t) => t.theme);
const sentimentOf = (text: string, language?: string) =>
  analyzeVerbatim(text, language ? { language } : {}).sentiment;
const themeSentiment = (text: string, theme: string) =>
  analyzeVerbatim(text).themes.find((t) => t.theme === theme)?.sentiment;

describe('folding and tokens', () => {
  it('folds case and accents', () => {
    expect(foldText('Très DÉÇU, cœur')).toBe('tres decu, coeur');
  });

  it('splits sentences and clauses, drops markup and splits elisions', () => {
    expect(sentencesOf("<b>L'équipe</b> n'est pas là, dommage. Isn't it?")).toEqual([
      [['l', 'equipe', 'n', 'est', 'pas', 'la'], ['dommage']],
      [['is', 'not', 'it']],
    ]);
  });

  it('reads opinion emoji as words', () => {
    expect(sentencesOf('👍 😡')).toEqual([[['emojipositive', 'emojinegative']]]);
  });
});

describe('stemWord', () => {
  it.each([
    ['livraison', 'livraisons', 'livre', 'livrer', 'livrees'],
    ['facture', 'factures', 'facturation', 'facturee', 'facture'],
    ['rapide', 'rapidement', 'rapidite', 'rapides', 'rapide'],
  ])('gives French inflections of %s one stem', (...words) => {
    expect(new Set(words.map((w) => stemWord(w, 'fr'))).size).toBe(1);
  });

  it.each([
    ['delivery', 'delivered', 'deliveries', 'delivering', 'delivers'],
    ['invoice', 'invoiced', 'invoices', 'invoicing', 'invoice'],
    ['reply', 'replied', 'replies', 'reply', 'reply'],
  ])('gives English inflections of %s one stem', (...words) => {
    expect(new Set(words.map((w) => stemWord(w, 'en'))).size).toBe(1);
  });

  it('keeps short stems and double s whole', () => {
    expect(stemWord('rep', 'en')).toBe('rep');
    expect(stemWord('process', 'en')).toBe('process');
    expect(stemWord('prix', 'fr')).toBe('prix');
  });
});

describe('analyzeVerbatim: sentiment', () => {
  it.each([
    ['Très satisfait, je recommande.', 'positive'],
    ['Service catastrophique.', 'negative'],
    ['Contrat renouvelé le mois dernier.', 'neutral'],
    ['Great support team, thank you!', 'positive'],
    ['Awful experience.', 'negative'],
  ] as const)('reads %s as %s', (text, sentiment) => {
    expect(sentimentOf(text)).toBe(sentiment);
  });

  it.each([
    ['pas content', 'Je ne suis pas content.'],
    ["n'est pas", "Le produit n'est pas fiable."],
    ['pas du tout', 'Pas du tout satisfait.'],
    ['not happy', 'Not happy with the service.'],
    ["isn't", "The tool isn't reliable."],
  ])('turns a positive word negative after a negation (%s)', (_, text) => {
    expect(sentimentOf(text)).toBe('negative');
  });

  it('turns a negative word positive after a negation', () => {
    expect(sentimentOf('Aucun problème.')).toBe('positive');
    expect(sentimentOf('No problems at all, never late.')).toBe('positive');
  });

  it('makes "pas du tout" stronger than "pas"', () => {
    expect(analyzeVerbatim('pas du tout content').score).toBeLessThan(
      analyzeVerbatim('pas content').score,
    );
  });

  it('lets "un peu" soften where "peu" negates', () => {
    expect(sentimentOf('Interlocuteur peu aimable.')).toBe('negative');
    expect(analyzeVerbatim('un peu lent').score).toBeGreaterThan(analyzeVerbatim('lent').score);
  });

  it('lets function words between a negator and its word not break the negation', () => {
    expect(sentimentOf("Pas du tout à l'écoute.")).toBe('negative');
  });

  it('strengthens a word after an intensifier', () => {
    expect(analyzeVerbatim('très bon').score).toBeGreaterThan(analyzeVerbatim('bon').score);
    expect(analyzeVerbatim('extremely slow').score).toBeLessThan(analyzeVerbatim('slow').score);
    expect(analyzeVerbatim('slightly slow').score).toBeGreaterThan(analyzeVerbatim('slow').score);
  });

  it('lets an intensifier reach only the next words', () => {
    expect(analyzeVerbatim('très, bon').score).toBe(analyzeVerbatim('bon').score);
  });

  it('reads excess over a plain word as a complaint, and over an opinion as stronger', () => {
    expect(sentimentOf('Temps de traitement trop long.')).toBe('negative');
    expect(sentimentOf('Far too long.')).toBe('negative');
    expect(analyzeVerbatim('trop lent').score).toBeLessThan(analyzeVerbatim('lent').score);
  });

  it('weighs what follows a contrast more than what precedes it', () => {
    expect(sentimentOf('Bon produit mais livraison en retard.')).toBe('negative');
    expect(sentimentOf('Livraison en retard, mais très bon produit.')).toBe('positive');
    expect(sentimentOf('Good product, however support is slow.')).toBe('negative');
    expect(sentimentOf('Cependant, tout va bien.')).toBe('positive');
  });

  it('reads a missing expected thing as negative ("pas de rappel", "no training")', () => {
    expect(sentimentOf('Pas de rappel.')).toBe('negative');
    expect(sentimentOf('No training was offered.')).toBe('negative');
  });

  it('reads phrases whole, and a phrase ending with a negator negates what follows', () => {
    expect(sentimentOf('Rien à redire.')).toBe('positive');
    expect(sentimentOf('Rien à signaler.')).toBe('neutral');
    expect(sentimentOf('Still no fix.')).toBe('negative');
    expect(analyzeVerbatim('toujours pas bon').score).toBeLessThan(
      analyzeVerbatim('toujours pas').score,
    );
  });

  it('keeps reading right once its memory of stems is full', () => {
    const analyse = createVerbatimAnalyser();
    const words = Array.from({ length: 21_000 }, (_, i) => `w${i.toString(36)}`);
    for (let i = 0; i < words.length; i += 4000) analyse(words.slice(i, i + 4000).join(' '));
    expect(analyse('La livraison était parfaite')).toMatchObject({
      sentiment: 'positive',
      themes: [{ theme: 'delivery' }],
    });
  });

  it('keeps the score within −1…1', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const { score } = analyzeVerbatim(text);
        return score >= -1 && score <= 1;
      }),
    );
  });
});

describe('analyzeVerbatim: themes', () => {
  it('finds every inflection of a theme word ("livraison", "livré", "livrer"; "delivery", "delivered")', () => {
    for (const text of ['La livraison', 'Colis livré', 'Ils doivent livrer demain'])
      expect(themesOf(text, 'fr')).toContain('delivery');
    for (const text of ['The delivery', 'It was delivered'])
      expect(themesOf(text, 'en')).toContain('delivery');
  });

  it('finds several themes, each with the sentiment of its own clause', () => {
    const text = 'Bon produit mais livraison en retard';
    expect(themesOf(text)).toEqual(['quality', 'delivery', 'delays']);
    expect(themeSentiment(text, 'quality')).toBe('positive');
    expect(themeSentiment(text, 'delivery')).toBe('negative');
  });

  it('finds theme phrases and lets them cover their words', () => {
    expect(themesOf('Erreur sur le bon de commande')).toEqual(['billing']);
    expect(themesOf('Our account manager is great')).toEqual(['staff']);
  });

  it('gives a theme named in a neutral clause the tone of its sentence, else of the verbatim', () => {
    expect(themeSentiment('Le support, franchement, nul.', 'support')).toBe('negative');
    expect(themeSentiment('Le contrat. Excellent travail.', 'contract')).toBe('positive');
    expect(themeSentiment('Le contrat est signé.', 'contract')).toBe('neutral');
  });

  it('sums a theme named in several sentences', () => {
    const analysis = analyzeVerbatim('Livraison parfaite. Livraison rapide.');
    expect(analysis.themes).toHaveLength(2);
    expect(analysis.themes[0]).toMatchObject({ theme: 'delivery', sentiment: 'positive' });
  });

  it('finds a custom theme added by an admin, in its language', () => {
    const extension = taxonomyExtensionSchema.parse({
      themes: [
        {
          id: 'sustainability',
          label: { en: 'Sustainability' },
          keywords: { fr: ['carbone', 'recyclable'], en: ['carbon'] },
          phrases: { en: ['green packaging'] },
        },
        { id: 'delivery', keywords: { fr: ['enlèvement'] } },
      ],
    });
    const taxonomy = extendTaxonomy(DEFAULT_TAXONOMY, extension);
    const analyse = createVerbatimAnalyser(taxonomy);
    const themes = (text: string) => analyse(text).themes.map((t) => t.theme);
    expect(themes('Emballage recyclable, bravo')).toContain('sustainability');
    expect(themes('We love the green packaging')).toContain('sustainability');
    expect(themes("L'enlèvement était en retard")).toContain('delivery');
    expect(taxonomy.themes.find((t) => t.id === 'sustainability')?.label).toEqual({
      en: 'Sustainability',
      fr: 'Sustainability',
    });
    expect(themesOf('Emballage recyclable')).not.toContain('sustainability');
  });

  it('labels a custom theme without a label with its id', () => {
    const taxonomy = extendTaxonomy(DEFAULT_TAXONOMY, { themes: [{ id: 'esg' }] });
    expect(taxonomy.themes.at(-1)).toMatchObject({
      id: 'esg',
      label: { en: 'esg', fr: 'esg' },
      keywords: { fr: [], en: [] },
    });
  });

  it('ignores a taxonomy term that holds no word', () => {
    const analyse = createVerbatimAnalyser({
      themes: [{ id: 'x', label: { en: 'X', fr: 'X' }, keywords: { en: ['!!'] }, phrases: {} }],
    });
    expect(analyse('!! great').themes).toEqual([]);
  });
});

describe('analyzeVerbatim: language', () => {
  it('takes the answer language when given, whatever its region', () => {
    expect(analyzeVerbatim('Top', { language: 'fr-CA' }).language).toBe('fr');
    expect(analyzeVerbatim('Top', { language: 'EN' }).language).toBe('en');
  });

  it('detects French and English from their own words', () => {
    expect(analyzeVerbatim('Le produit est très bien').language).toBe('fr');
    expect(analyzeVerbatim('The product is very good').language).toBe('en');
  });

  it('reads both languages when the text gives no clue', () => {
    const analysis = analyzeVerbatim('Top 👍');
    expect(analysis.language).toBe('unknown');
    expect(analysis.sentiment).toBe('positive');
  });

  it('reads a mixed verbatim with both lexicons', () => {
    const analysis = analyzeVerbatim('Le produit est top, but the delivery was way too slow.');
    expect(analysis.themes.map((t) => t.theme)).toEqual(
      expect.arrayContaining(['quality', 'delivery']),
    );
    expect(analysis.sentiment).toBe('negative');
  });

  it('keeps a verbatim in an unknown language neutral, without themes', () => {
    expect(analyzeVerbatim('Die Lieferung war sehr schlecht', { language: 'de' })).toEqual({
      language: 'unknown',
      sentiment: 'neutral',
      score: 0,
      themes: [],
    });
  });
});

describe('analyzeVerbatim: untrusted input', () => {
  it.each([
    ['empty', ''],
    ['missing', undefined],
    ['emoji only', '🙃🙃🙃'],
    ['punctuation only', '!!!???...'],
    ['script', '<script>alert("x")</script>'],
    ['not a string', 42 as unknown as string],
  ])('marks %s text neutral', (_, text) => {
    expect(analyzeVerbatim(text)).toMatchObject({ sentiment: 'neutral', themes: [] });
  });

  it('reads the text of HTML, not its tags', () => {
    expect(themesOf('<p class="livraison">Le <b>support</b> est top</p>')).toEqual(['support']);
  });

  it('analyses a 32,000-character verbatim', () => {
    const text = 'Livraison en retard mais support très réactif. '.repeat(700);
    const analysis = analyzeVerbatim(text);
    expect(analysis.themes.map((t) => t.theme)).toEqual(['delivery', 'delays', 'support']);
  });

  it('never throws on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        analyzeVerbatim(text);
        return true;
      }),
      { numRuns: 200 },
    );
  });
});

describe('taxonomyExtensionSchema', () => {
  it.each([
    [{ themes: [{ id: 'Bad Id' }] }, 'themes.0.id'],
    [{ themes: [{ id: 'eco', keywords: { fr: ['deux mots'] } }] }, 'themes.0.keywords.fr.0'],
    [{ themes: [{ id: 'eco', keywords: { en: ['ok', 'x'] } }] }, 'themes.0.keywords.en.1'],
    [{ themes: [{ id: 'eco', phrases: { en: ['single'] } }] }, 'themes.0.phrases.en.0'],
    [{ themes: [{ id: 'eco', phrases: { fr: ['<b> gras'] } }] }, 'themes.0.phrases.fr.0'],
    [{ themes: [{ id: 'eco', keywords: { de: ['x'] } }] }, 'themes.0.keywords'],
    [{ themes: [{ id: 'eco' }, { id: 'eco' }] }, 'themes.1.id'],
  ])('refuses a bad entry and names it (%j)', (value, path) => {
    const result = taxonomyExtensionSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('summarizeThemes', () => {
  const answer = (
    themes: string[],
    unhappy: boolean,
    period: 'current' | 'previous' = 'current',
    text?: string,
  ): ThemedAnswer => ({ themes, unhappy, period, ...(text && { text }) });

  it('ranks themes by how often they come with unhappy answers, with share and margin', () => {
    const summary = summarizeThemes([
      answer(['delivery', 'delays'], true),
      answer(['delivery'], true),
      answer(['price'], true),
      answer(['price'], false),
      answer(['price'], false),
      answer([], true),
    ]);
    expect(summary).toMatchObject({ n: 6, unhappy: 4, previousN: 0, lowSample: true });
    expect(summary.themes.map((t) => t.theme)).toEqual(['delivery', 'price', 'delays']);
    expect(summary.themes[0]).toMatchObject({
      count: 2,
      unhappyCount: 2,
      unhappyShare: 50,
      margin: 49,
      share: 33.3,
      growing: false,
    });
  });

  it('orders themes of equal counts by name', () => {
    const summary = summarizeThemes([answer(['staff', 'billing'], true)]);
    expect(summary.themes.map((t) => t.theme)).toEqual(['billing', 'staff']);
  });

  it('needs three uncovered verbatims for a candidate phrase by default', () => {
    const texts = [
      'portail client',
      'portail client',
      'portail client',
      'autre sujet',
      'autre sujet',
    ];
    const summary = summarizeThemes(texts.map((text) => answer([], false, 'current', text)));
    expect(summary.candidates).toEqual([{ phrase: 'portail client', count: 3 }]);
  });

  it('counts a theme once per answer', () => {
    expect(summarizeThemes([answer(['price', 'price'], true)]).themes[0]?.count).toBe(1);
  });

  it('has zero shares and margins without unhappy answers', () => {
    const summary = summarizeThemes([answer(['price'], false)], { minSample: 0 });
    expect(summary.themes[0]).toMatchObject({ unhappyShare: 0, margin: 0 });
    expect(summary.lowSample).toBe(false);
  });

  it('flags a theme as growing only when the growth is significant', () => {
    const previous = Array.from({ length: 100 }, (_, i) =>
      answer(i < 5 ? ['delivery'] : [], false, 'previous'),
    );
    const grown = Array.from({ length: 100 }, (_, i) => answer(i < 20 ? ['delivery'] : [], false));
    const barely = Array.from({ length: 100 }, (_, i) => answer(i < 8 ? ['delivery'] : [], false));
    expect(summarizeThemes([...previous, ...grown]).themes[0]).toMatchObject({
      share: 20,
      previousShare: 5,
      growing: true,
    });
    expect(summarizeThemes([...previous, ...barely]).themes[0]?.growing).toBe(false);
  });

  it('leaves out themes only the previous window names', () => {
    const summary = summarizeThemes([answer(['price'], false, 'previous'), answer([], false)]);
    expect(summary.themes).toEqual([]);
  });

  it('proposes recurring phrases of verbatims that no theme matched', () => {
    const summary = summarizeThemes(
      [
        answer([], true, 'current', "L'application mobile plante"),
        answer([], true, 'current', 'Application mobile trop lente'),
        answer([], false, 'current', "J'aime l'application mobile"),
        answer(['quality'], false, 'current', 'application mobile'),
        answer([], false, 'current'),
        answer([], false, 'previous', 'application mobile'),
      ],
      { minPhraseCount: 3, maxCandidates: 5 },
    );
    expect(summary.candidates).toEqual([{ phrase: 'application mobile', count: 3 }]);
  });

  it('orders candidates by count, then alphabetically, within the limit', () => {
    const texts = ['zeta alpha', 'zeta alpha', 'beta gamma', 'beta gamma', 'delta omega'];
    const summary = summarizeThemes(
      texts.map((text) => answer([], false, 'current', text)),
      { minPhraseCount: 1, maxCandidates: 2 },
    );
    expect(summary.candidates.map((c) => c.phrase)).toEqual(['beta gamma', 'zeta alpha']);
  });

  it('reads the two-word phrases of a verbatim, function words and numbers apart', () => {
    expect(phrasesOf('Le portail client est lent, 100 erreurs portail client')).toEqual([
      'portail client',
      'client lent',
      'erreurs portail',
    ]);
  });
});

describe('isSignificantGrowth', () => {
  it.each([
    [{ count: 20, n: 100 }, { count: 5, n: 100 }, true],
    [{ count: 5, n: 100 }, { count: 20, n: 100 }, false],
    [{ count: 1, n: 2 }, { count: 0, n: 2 }, false],
    [{ count: 0, n: 0 }, { count: 1, n: 10 }, false],
    [{ count: 1, n: 10 }, { count: 0, n: 0 }, false],
    [{ count: 0, n: 10 }, { count: 0, n: 10 }, false],
  ])('tells whether %j against %j is significant growth', (current, previous, expected) => {
    expect(isSignificantGrowth(current, previous)).toBe(expected);
  });
});
