import { analyzeVerbatim, DEFAULT_TAXONOMY, type VerbatimAnalyser } from '@boucle/shared/themes';
import { describe, expect, it } from 'vitest';
import { analysisCacheFor, createAnalysisCache } from '../../src/verbatims/cache.ts';
import type { Verbatims } from '../../src/verbatims/taxonomy.ts';

const counted = () => {
  const seen: { text: string | undefined; language: string | undefined }[] = [];
  const analyse: VerbatimAnalyser = (text, options) => {
    seen.push({ text, language: options?.language });
    return analyzeVerbatim(text, options);
  };
  const verbatims: Verbatims = { taxonomy: DEFAULT_TAXONOMY, analyse };
  return { verbatims, seen };
};
const ref = { source: 'api', id: 'a-1' };

describe('createAnalysisCache', () => {
  it('reads a remembered analysis without analysing again', () => {
    const { verbatims, seen } = counted();
    const cache = createAnalysisCache(verbatims);
    const first = cache.analysisOf({ ...ref, comment: 'Livraison en retard.' });
    expect(cache.analysisOf({ ...ref, comment: 'Livraison en retard.' })).toBe(first);
    expect(seen).toHaveLength(1);
  });

  it('analyses again when the answer’s comment or language changed', () => {
    const { verbatims, seen } = counted();
    const cache = createAnalysisCache(verbatims);
    cache.analysisOf({ ...ref, comment: 'Livraison en retard.' });
    const edited = cache.analysisOf({ ...ref, comment: 'Livraison parfaite.' });
    expect(edited.sentiment).toBe('positive');
    cache.analysisOf({ ...ref, comment: 'Livraison parfaite.', language: 'fr' });
    expect(seen).toEqual([
      { text: 'Livraison en retard.', language: undefined },
      { text: 'Livraison parfaite.', language: undefined },
      { text: 'Livraison parfaite.', language: 'fr' },
    ]);
    expect(cache.size).toBe(1);
  });

  it('keys by source and id: the same id from another source is another answer', () => {
    const { verbatims, seen } = counted();
    const cache = createAnalysisCache(verbatims);
    cache.analysisOf({ ...ref, comment: 'Top.' });
    cache.analysisOf({ source: 'csv', id: 'a-1', comment: 'Top.' });
    expect(seen).toHaveLength(2);
  });

  it('drops the least recently used analysis when full', () => {
    const { verbatims, seen } = counted();
    const cache = createAnalysisCache(verbatims, 2);
    cache.analysisOf({ source: 'api', id: '1', comment: 'Un.' });
    cache.analysisOf({ source: 'api', id: '2', comment: 'Deux.' });
    cache.analysisOf({ source: 'api', id: '1', comment: 'Un.' }); // 1 used again: 2 is oldest
    cache.analysisOf({ source: 'api', id: '3', comment: 'Trois.' });
    expect(cache.size).toBe(2);
    cache.analysisOf({ source: 'api', id: '1', comment: 'Un.' });
    cache.analysisOf({ source: 'api', id: '2', comment: 'Deux.' });
    expect(seen.map((s) => s.text)).toEqual(['Un.', 'Deux.', 'Trois.', 'Deux.']);
  });
});

describe('analysisCacheFor', () => {
  it('gives one cache per taxonomy in force, a new taxonomy a new one', () => {
    const a = counted().verbatims;
    const b = counted().verbatims;
    expect(analysisCacheFor(a)).toBe(analysisCacheFor(a));
    expect(analysisCacheFor(b)).not.toBe(analysisCacheFor(a));
  });
});
