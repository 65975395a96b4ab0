/**
 * bench/verbatims: the verbatim analyser against the labelled evaluation set
 * (server/test/fixtures/verbatims/*.jsonl, 390 French and 390 English B2B verbatims) and the
 * held-out set written after the lexicon was tuned (held-out/*.jsonl, 50 + 50): sentiment
 * accuracy, theme precision, recall and F1 per language, language detection, and verbatims per
 * second on one core against a baseline that only tokenizes, in the same run. The analyser is
 * given no language, as for an answer that carries none, unless `--with-language`.
 *
 *   npm run bench:verbatims [-- --rounds 50 --with-language --errors]
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { analyzeVerbatim, sentencesOf, type Sentiment } from '@boucle/shared/themes';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '50' },
    'with-language': { type: 'boolean', default: false },
    errors: { type: 'boolean', default: false },
  },
});

interface Labelled {
  id: string;
  language: 'fr' | 'en';
  text: string;
  sentiment: Sentiment;
  themes: string[];
  mixed?: boolean;
}

const root = fileURLToPath(new URL('../../server/test/fixtures/verbatims/', import.meta.url));
const read = (dir: string): Labelled[] =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) =>
      readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as Labelled),
    );
// The main set, whose errors the lexicon was adjusted on, and the held-out set, written after.
const sets = { evaluation: read(root), 'held-out': read(join(root, 'held-out')) };
const set = sets.evaluation;

const options = (item: Labelled) => (values['with-language'] ? { language: item.language } : {});
const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const rows: string[][] = [];
const errors: string[] = [];
for (const [name, labelled] of Object.entries(sets)) {
  for (const language of ['fr', 'en'] as const) {
    const items = labelled.filter((item) => item.language === language);
    let correct = 0;
    let detected = 0;
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const item of items) {
      const analysis = analyzeVerbatim(item.text, options(item));
      if (analysis.sentiment === item.sentiment) correct += 1;
      if (analysis.language === item.language) detected += 1;
      const found = new Set(analysis.themes.map((t) => t.theme));
      const expected = new Set(item.themes);
      const hits = [...found].filter((t) => expected.has(t)).length;
      tp += hits;
      fp += found.size - hits;
      fn += expected.size - hits;
      if (analysis.sentiment !== item.sentiment || hits !== found.size || hits !== expected.size)
        errors.push(
          `${item.id} ${item.sentiment}->${analysis.sentiment} [${item.themes}]->[${[...found]}] ${item.text}`,
        );
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    const f1 = (2 * precision * recall) / (precision + recall);
    rows.push([
      name,
      language,
      String(items.length),
      pct(correct / items.length),
      precision.toFixed(3),
      recall.toFixed(3),
      f1.toFixed(3),
      pct(detected / items.length),
    ]);
  }
}

function perSecond(work: (text: string) => unknown): number {
  const rounds = Number(values.rounds);
  for (const item of set) work(item.text); // warm-up
  const start = performance.now();
  for (let r = 0; r < rounds; r++) for (const item of set) work(item.text);
  return (rounds * set.length) / ((performance.now() - start) / 1000);
}
const baseline = perSecond((text) => sentencesOf(text));
const analyser = perSecond((text) => analyzeVerbatim(text));
const huge = 'La livraison était en retard mais le support très réactif. '
  .repeat(540)
  .slice(0, 32_000);
const hugeStart = performance.now();
analyzeVerbatim(huge);
const hugeMs = performance.now() - hugeStart;

const table = (header: string[], body: string[][]) =>
  [header, header.map(() => '---'), ...body].map((r) => `| ${r.join(' | ')} |`).join('\n');
console.log(
  `Verbatim analyser, ${set.length} + ${sets['held-out'].length} labelled verbatims (language ${values['with-language'] ? 'given' : 'detected'})\n`,
);
console.log(
  table(
    [
      'set',
      'language',
      'n',
      'sentiment accuracy',
      'theme precision',
      'theme recall',
      'theme F1',
      'language detected',
    ],
    rows,
  ),
);
console.log();
console.log(
  table(
    ['run', 'verbatims/s (one core)'],
    [
      ['baseline: tokenize only', Math.round(baseline).toLocaleString('en')],
      ['analyser', Math.round(analyser).toLocaleString('en')],
    ],
  ),
);
console.log(`\nOne 32,000-character verbatim: ${hugeMs.toFixed(1)} ms`);
if (values.errors) console.log(`\n${errors.join('\n')}`);
