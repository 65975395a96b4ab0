import { z } from 'zod';
import type { TaxonomyExtension } from '../themes/taxonomy.ts';

const WORD = /^[\p{L}\p{N}][\p{L}\p{N}'’-]*$/u;

const keyword = z
  .string({ error: 'must be a string' })
  .trim()
  .min(2, { error: 'must have at least 2 characters' })
  .max(60, { error: 'must be at most 60 characters' })
  .regex(WORD, {
    error: 'must be one word (letters, digits, hyphens); put several words under phrases',
  });

const phrase = z
  .string({ error: 'must be a string' })
  .trim()
  .max(120, { error: 'must be at most 120 characters' })
  .refine((value) => value.split(/\s+/).length >= 2, {
    error: 'must have at least two words; put one word under keywords',
  })
  .refine((value) => /^[\p{L}\p{N}][\p{L}\p{N}\s'’-]*$/u.test(value), {
    error: 'must hold only letters, digits, spaces, hyphens and apostrophes',
  });

const termsOf = (term: z.ZodType<string>) =>
  z
    .strictObject({
      fr: z.array(term).max(500, { error: 'must hold at most 500 entries' }).optional(),
      en: z.array(term).max(500, { error: 'must hold at most 500 entries' }).optional(),
    })
    .optional();

/** A theme added or extended by an admin. */
export const themeExtensionSchema = z.strictObject({
  id: z.string({ error: 'must be a string' }).regex(/^[a-z][a-z0-9_]{1,39}$/, {
    error: 'must be 2 to 40 lower-case letters, digits or underscores, starting with a letter',
  }),
  label: z
    .strictObject({
      en: z.string().trim().min(1).max(60, { error: 'must be at most 60 characters' }).optional(),
      fr: z.string().trim().min(1).max(60, { error: 'must be at most 60 characters' }).optional(),
    })
    .optional(),
  keywords: termsOf(keyword),
  phrases: termsOf(phrase),
});

/**
 * An admin's taxonomy file (`BOUCLE_TAXONOMY_FILE`): themes to add to the default taxonomy, or
 * words to add to its themes. A theme id appears once.
 */
export const taxonomyExtensionSchema = z
  .strictObject({
    themes: z.array(themeExtensionSchema).max(100, { error: 'must hold at most 100 themes' }),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.themes.forEach((theme, index) => {
      if (seen.has(theme.id))
        ctx.addIssue({
          code: 'custom',
          path: ['themes', index, 'id'],
          message: `${theme.id} appears twice`,
        });
      seen.add(theme.id);
    });
  }) satisfies z.ZodType<TaxonomyExtension>;
