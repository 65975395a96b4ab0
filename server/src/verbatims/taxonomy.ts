import { readFileSync } from 'node:fs';
import { taxonomyExtensionSchema, toFieldIssues } from '@boucle/shared/schemas';
import {
  DEFAULT_TAXONOMY,
  createVerbatimAnalyser,
  extendTaxonomy,
  type Taxonomy,
  type TaxonomyExtension,
  type VerbatimAnalyser,
} from '@boucle/shared/themes';

/** The taxonomy in force and its analyser. */
export interface Verbatims {
  readonly taxonomy: Taxonomy;
  readonly analyse: VerbatimAnalyser;
}

/** A taxonomy file that cannot be used; the message names the file and every bad entry. */
export class TaxonomyError extends Error {
  override readonly name = 'TaxonomyError';
}

/** The value at a dotted path of a parsed JSON document, to quote a bad entry. */
function valueAt(json: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) =>
        typeof value === 'object' && value !== null
          ? (value as Record<string, unknown>)[key]
          : undefined,
      json,
    );
}

/**
 * Reads an admin's taxonomy file (`BOUCLE_TAXONOMY_FILE`): JSON of themes and words added to the
 * default taxonomy, validated whole. A bad file is refused with the entries named
 * ({@link TaxonomyError}); nothing of it is used.
 */
/** The default taxonomy and its analyser, built once for whoever has no file of its own. */
export const DEFAULT_VERBATIMS: Verbatims = {
  taxonomy: DEFAULT_TAXONOMY,
  analyse: createVerbatimAnalyser(),
};

export function loadTaxonomy(path: string | undefined): Verbatims {
  if (!path) return DEFAULT_VERBATIMS;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TaxonomyError(`${path}: ${(error as Error).message}`);
  }
  const parsed = taxonomyExtensionSchema.safeParse(json);
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error).map((issue) => {
      const entry = valueAt(json, issue.path);
      return `${issue.path}${typeof entry === 'string' ? ` (${JSON.stringify(entry)})` : ''}: ${issue.message}`;
    });
    throw new TaxonomyError(`${path}: ${issues.join('; ')}`);
  }
  return withExtension(parsed.data);
}

/** The default taxonomy with additions that are already valid (the sandbox's). */
export function withExtension(extension: TaxonomyExtension): Verbatims {
  const taxonomy = extendTaxonomy(DEFAULT_TAXONOMY, extension);
  return { taxonomy, analyse: createVerbatimAnalyser(taxonomy) };
}
