import { BILLING } from './taxonomy/billing.ts';
import { CALLBACK } from './taxonomy/callback.ts';
import { CONTRACT } from './taxonomy/contract.ts';
import { DELAYS } from './taxonomy/delays.ts';
import { DELIVERY } from './taxonomy/delivery.ts';
import { ONBOARDING } from './taxonomy/onboarding.ts';
import { PRICE } from './taxonomy/price.ts';
import { QUALITY } from './taxonomy/quality.ts';
import { STAFF } from './taxonomy/staff.ts';
import { SUPPORT } from './taxonomy/support.ts';
import type { VerbatimLanguage } from './text.ts';

/** Words and phrases of a theme in one language, written as customers write them. */
export type ThemeTerms = Readonly<Partial<Record<VerbatimLanguage, readonly string[]>>>;

/** A theme of the taxonomy: its id (written in the CRMs), its labels and what names it. */
export interface ThemeDefinition {
  readonly id: string;
  readonly label: Readonly<Record<VerbatimLanguage, string>>;
  /** Single words: any inflection of them names the theme ("livraison" finds "livrée"). */
  readonly keywords: ThemeTerms;
  /** Several words in this order, each word inflected freely ("délai de livraison"). */
  readonly phrases: ThemeTerms;
}

/** A taxonomy: the themes a verbatim is sorted into. */
export interface Taxonomy {
  readonly themes: readonly ThemeDefinition[];
}

/**
 * The default B2B taxonomy, in French and English. Time (waiting, slowness, lateness,
 * responsiveness) is its own theme, so a late delivery is both `delivery` and `delays`.
 */
export const DEFAULT_TAXONOMY: Taxonomy = {
  themes: [
    PRICE,
    DELAYS,
    CALLBACK,
    QUALITY,
    DELIVERY,
    BILLING,
    SUPPORT,
    ONBOARDING,
    CONTRACT,
    STAFF,
  ],
};

/** An admin's additions: new themes, or more words for existing ones. */
export interface TaxonomyExtension {
  readonly themes: readonly {
    readonly id: string;
    readonly label?: Readonly<Partial<Record<VerbatimLanguage, string>>>;
    readonly keywords?: ThemeTerms;
    readonly phrases?: ThemeTerms;
  }[];
}

const mergeTerms = (base: ThemeTerms, more: ThemeTerms | undefined): ThemeTerms => ({
  fr: [...(base.fr ?? []), ...(more?.fr ?? [])],
  en: [...(base.en ?? []), ...(more?.en ?? [])],
});

/**
 * A taxonomy with an admin's additions: the words of an existing theme are added to its own, a new
 * id is a new theme (labelled with its id where no label is given).
 */
export function extendTaxonomy(base: Taxonomy, extension: TaxonomyExtension): Taxonomy {
  const themes = [...base.themes];
  for (const added of extension.themes) {
    const index = themes.findIndex((theme) => theme.id === added.id);
    const existing = themes[index] ?? {
      id: added.id,
      label: {
        en: added.label?.en ?? added.id,
        fr: added.label?.fr ?? added.label?.en ?? added.id,
      },
      keywords: {},
      phrases: {},
    };
    const merged: ThemeDefinition = {
      ...existing,
      keywords: mergeTerms(existing.keywords, added.keywords),
      phrases: mergeTerms(existing.phrases, added.phrases),
    };
    if (index === -1) themes.push(merged);
    else themes[index] = merged;
  }
  return { themes };
}
