import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTaxonomy, TaxonomyError } from '../../src/verbatims/taxonomy.ts';

const dir = mkdtempSync(join(tmpdir(), 'boucle-taxonomy-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('loadTaxonomy (BOUCLE_TAXONOMY_FILE)', () => {
  it('uses the default taxonomy without a file', () => {
    const { taxonomy, analyse } = loadTaxonomy(undefined);
    expect(taxonomy.themes.map((t) => t.id)).toContain('delivery');
    expect(analyse('Livraison en retard').themes[0]?.theme).toBe('delivery');
  });

  it("adds an admin's themes and words to the default taxonomy", () => {
    const path = file(
      'good.json',
      JSON.stringify({
        themes: [
          {
            id: 'sustainability',
            label: { en: 'Sustainability', fr: 'Durabilité' },
            keywords: { fr: ['carbone'], en: ['carbon'] },
          },
          { id: 'delivery', phrases: { fr: ['point relais'] } },
        ],
      }),
    );
    const { analyse } = loadTaxonomy(path);
    expect(analyse('Bilan carbone flou').themes.map((t) => t.theme)).toEqual(['sustainability']);
    expect(analyse('Le point relais était fermé').themes.map((t) => t.theme)).toEqual(['delivery']);
  });

  it('refuses a file with a bad entry, naming the entry and quoting it', () => {
    const path = file(
      'bad.json',
      JSON.stringify({ themes: [{ id: 'eco', keywords: { fr: ['ok', 'deux mots'] } }] }),
    );
    expect(() => loadTaxonomy(path)).toThrow(TaxonomyError);
    expect(() => loadTaxonomy(path)).toThrow(
      /bad\.json: themes\.0\.keywords\.fr\.1 \("deux mots"\): must be one word/,
    );
  });

  it('refuses a file that is not JSON, or missing, naming the file', () => {
    expect(() => loadTaxonomy(file('broken.json', '{ nope'))).toThrow(/broken\.json: /);
    expect(() => loadTaxonomy(join(dir, 'missing.json'))).toThrow(/missing\.json: ENOENT/);
  });
});
