/**
 * `@boucle/shared/themes`: what a verbatim says. Language, sentiment and themes of one verbatim
 * ({@link analyzeVerbatim}), the default bilingual taxonomy and its extension by admins, and the
 * irritants of a set of answers. Kept out of the CRM bundles (`c/npsCore`, the HubSpot copy):
 * the cards display what the server wrote and need none of the lexicons.
 */
export * from './text.ts';
export * from './lexicon.ts';
export * from './taxonomy.ts';
export * from './analyze.ts';
export * from './rank.ts';
export * from './irritants.ts';
