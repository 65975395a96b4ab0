import { describe, expect, it } from 'vitest';
import type { VerbatimsReport } from '../../src/cli/commands/verbatims.ts';
import { boucle, files } from './helpers.ts';

const jsonl = [
  { id: 'v1', score: 2, comment: 'Livraison en retard, très déçu.', language: 'fr' },
  { id: 'v2', score: 3, comment: 'Delivery was late again and nobody called back.' },
  { id: 'v3', score: 10, comment: 'Excellent support, merci !' },
  { id: 'v4', score: 9, comment: 'Livraison rapide.' },
  { id: 'v5', score: 8 },
  { id: 'v6', score: 1, comment: '<script>alert(1)</script>' },
]
  .map((answer) => JSON.stringify({ answeredAt: '2026-11-20T09:14:00Z', ...answer }))
  .join('\n');

const csv = `id,score,comment
c1,4,"Facture fausse, deux fois"
c2,9,"Très bon accompagnement au démarrage"
`;

describe('boucle verbatims', () => {
  it('prints the themes table of an answer file', async () => {
    const { 'answers.jsonl': path } = files({ 'answers.jsonl': jsonl });
    const { code, stdout, stderr } = await boucle('verbatims', path as string);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(
      '5 verbatims in 6 answers (2 positive, 1 neutral, 2 negative); 3 unhappy answers.',
    );
    expect(stdout).toMatch(/│ Delivery +│ +3 │ +1 │ +0 │ +2 │ +2 │ +66\.7 ± 53\.3 │/);
    expect(stdout).toContain('fewer than 30 unhappy answers');
  });

  it('prints the table and every analysis as JSON', async () => {
    const { 'answers.jsonl': path } = files({ 'answers.jsonl': jsonl });
    const { code, stdout } = await boucle('verbatims', path as string, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as VerbatimsReport;
    expect(report).toMatchObject({ answers: 6, verbatims: 5, unhappy: 3 });
    expect(report.languages).toEqual({ fr: 3, en: 1, unknown: 1 });
    expect(report.themes.find((t) => t.theme === 'delivery')).toMatchObject({
      label: 'Delivery',
      mentions: 3,
      negative: 2,
      unhappyCount: 2,
    });
    expect(report.analyses.find((a) => a.id === 'v6')).toMatchObject({
      sentiment: 'neutral',
      themes: [],
    });
  });

  it('reads CSV answer files and a taxonomy file', async () => {
    const paths = files({
      'answers.csv': csv,
      'taxonomy.json': JSON.stringify({
        themes: [{ id: 'onboarding', keywords: { fr: ['accompagnement'] } }],
      }),
    });
    const { code, stdout } = await boucle(
      'verbatims',
      paths['answers.csv'] as string,
      '--json',
      '--taxonomy',
      paths['taxonomy.json'] as string,
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as VerbatimsReport;
    expect(report.themes.map((t) => t.theme).sort()).toEqual(['billing', 'onboarding']);
  });

  it('says so when no theme is found', async () => {
    const { 'answers.csv': path } = files({ 'answers.csv': 'id,score,comment\nx,9,RAS\n' });
    const { stdout } = await boucle('verbatims', path as string);
    expect(stdout).toContain('No theme found.');
  });

  it('lists bad rows with their line numbers and exits 2', async () => {
    const { 'answers.csv': path } = files({ 'answers.csv': 'id,score,comment\nx,11,Trop cher\n' });
    const { code, stderr } = await boucle('verbatims', path as string);
    expect(code).toBe(2);
    expect(stderr).toContain(`${path}:2: `);
    expect(stderr).toContain('1 bad row in');
  });

  it('refuses a bad taxonomy file, naming the entry, and exits 2', async () => {
    const paths = files({
      'answers.csv': csv,
      'taxonomy.json': JSON.stringify({ themes: [{ id: 'Bad Id' }] }),
    });
    const { code, stderr } = await boucle(
      'verbatims',
      paths['answers.csv'] as string,
      '--taxonomy',
      paths['taxonomy.json'] as string,
    );
    expect(code).toBe(2);
    expect(stderr).toContain('themes.0.id ("Bad Id"): must be 2 to 40 lower-case letters');
  });

  it('refuses a missing file and exits 2', async () => {
    const { code, stderr } = await boucle('verbatims', '/nonexistent/answers.csv');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^boucle verbatims: /);
  });

  it('explains itself with --help', async () => {
    const { code, stdout } = await boucle('verbatims', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: boucle verbatims [options] <file>');
    expect(stdout).toContain('--taxonomy <file>');
  });
});
