import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { computeNps } from '@boucle/shared';
import { boucle, files } from './helpers.ts';

const csv = `id,metric,score,touchpoint,answeredAt,accountKey,email,comment,interactionId,employeeEmail
a1,nps,10,pre-sale,2026-10-01T10:00:00Z,acme.example,claire@acme.example,"Très bien, merci",case-1,paul@vendor.example
a2,nps,3,after-sale,2026-10-02T10:00:00Z,acme.example,luc@acme.example,"Délai ""beaucoup"" trop long
sur deux lignes",,
a3,,8,after-sale,2026-11-02T10:00:00Z,globex.example,,,,
a4,nps,9,,2026-11-03T10:00:00Z,,,,,
a5,csat,4,after-sale,2026-11-04T10:00:00Z,acme.example,,,,
a6,ces,2,after-sale,2026-11-04T10:00:00Z,acme.example,,,,
`;
const jsonl = [
  {
    id: 'j1',
    score: 9,
    answeredAt: '2026-11-20T09:14:00Z',
    account: { domain: 'acme.example' },
    touchpoint: 'pre-sale',
  },
  {
    id: 'j2',
    score: 0,
    answeredAt: '2026-11-21T09:14:00+01:00',
    account: { hubspotCompanyId: '9001' },
  },
  {
    id: 'j3',
    metric: 'csat',
    score: 2,
    answeredAt: '2026-11-22T09:14:00Z',
    account: { crmAccountId: '001A' },
  },
]
  .map((answer) => JSON.stringify(answer))
  .join('\n')
  .concat('\n\n');

describe('boucle score', () => {
  it('prints the overall figures as JSON, rounded to one decimal', async () => {
    const { 'answers.csv': path } = files({ 'answers.csv': csv });
    const { code, stdout, stderr } = await boucle('score', path as string, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      overall: {
        n: 4,
        promoters: 2,
        passives: 1,
        detractors: 1,
        nps: 25,
        margin: 81.3,
        lowSample: true,
        csat: { n: 1, csat: 100 },
        ces: { n: 1, ces: 2 },
      },
      groups: [],
    });
  });

  it('gives the same NPS as the shared logic', async () => {
    const { 'answers.csv': path } = files({ 'answers.csv': csv });
    const { stdout } = await boucle('score', path as string, '--json');
    const expected = computeNps([10, 3, 8, 9].map((score) => ({ metric: 'nps' as const, score })));
    expect(JSON.parse(stdout).overall.margin).toBe(
      Math.round((expected.margin as number) * 10) / 10,
    );
  });

  it.each([
    ['touchpoint', ['after-sale', 'pre-sale', 'unspecified']],
    ['month', ['2026-10', '2026-11']],
    ['account', ['acme.example', 'globex.example', 'unspecified']],
  ])('groups by %s', async (by, keys) => {
    const { 'answers.csv': path } = files({ 'answers.csv': csv });
    const { code, stdout } = await boucle('score', path as string, '--by', by, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).groups.map((group: { key: string }) => group.key)).toEqual(keys);
  });

  it('groups spellings of one touchpoint of the shipped journey under its key', async () => {
    const { 'answers.csv': path } = files({
      'answers.csv':
        'id,score,touchpoint\na,9,Après-vente\nb,3,apres vente\nc,8,after-sale\nd,7,Onboarding\n',
    });
    const { stdout } = await boucle('score', path as string, '--by', 'touchpoint', '--json');
    expect(
      JSON.parse(stdout).groups.map((group: { key: string; n: number }) => [group.key, group.n]),
    ).toEqual([
      ['Onboarding', 1],
      ['after-sale', 3],
    ]);
  });

  it('reads JSON Lines of API answers, any account key', async () => {
    const { 'answers.jsonl': path } = files({ 'answers.jsonl': jsonl });
    const { code, stdout } = await boucle('score', path as string, '--by', 'account', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.overall).toMatchObject({ n: 2, nps: 0, csat: { n: 1, csat: 0 } });
    expect(report.groups.map((group: { key: string }) => group.key)).toEqual([
      '001A',
      '9001',
      'acme.example',
    ]);
  });

  it('prints a readable table without --json, flagging low samples', async () => {
    const { 'answers.csv': path } = files({ 'answers.csv': csv });
    const { code, stdout } = await boucle('score', path as string, '--by', 'touchpoint');
    expect(code).toBe(0);
    expect(stdout).toMatch(/│ after-sale\s+│\s+2 │/);
    // The count beside the NPS is of NPS answers; CSAT and CES show their own (n=…).
    expect(stdout).toMatch(/│ touchpoint\s+│ NPS answers │/);
    expect(stdout).toMatch(
      /│ all\s+│\s+4 │\s+2 │\s+1 │\s+1 │\s+25\.0 \* │\s+81\.3 │\s+100\.0 \(n=1\) │\s+2\.0 \(n=1\) │/,
    );
    expect(stdout).toContain('* fewer than 30 NPS answers');
  });

  it('reads a file of another extension with --format', async () => {
    const { 'export.txt': path } = files({ 'export.txt': 'id,score\nx,9\n' });
    expect((await boucle('score', path as string, '--format', 'csv', '--json')).code).toBe(0);
  });

  it('lists every bad CSV row with its line number and reason, and exits 2', async () => {
    const { 'bad.csv': path } = files({
      'bad.csv':
        'id,metric,score,answeredAt\nb1,nps,11,\nb2,csat,4.5,\nb3,,7,\nb3,nps,9,\nb5,nps\nb6,nps,5,yesterday\n',
    });
    const { code, stdout, stderr } = await boucle('score', path as string);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')).toEqual([
      `${path}:2: score: must be an integer from 0 to 10 for metric nps`,
      `${path}:3: score: must be a whole number`,
      `${path}:5: id: duplicates "b3" of line 4`,
      `${path}:6: has 2 fields, the header has 4`,
      `${path}:7: answeredAt: must be an ISO 8601 date-time with a time zone, e.g. 2026-11-20T09:14:00Z`,
      `boucle score: 5 bad rows in ${path}; nothing scored. Fix them and run again.`,
      '',
    ]);
  });

  it('lists every bad JSON line with its reason', async () => {
    const { 'bad.jsonl': path } = files({
      'bad.jsonl':
        '{"id":"x","score":9,"answeredAt":"2026-11-20T09:14:00Z"}\n{"id": \n{"id":"y","score":9}\n',
    });
    const { code, stderr } = await boucle('score', path as string);
    expect(code).toBe(2);
    expect(stderr).toContain(`${path}:2: not valid JSON (`);
    expect(stderr).toContain(`${path}:3: answeredAt: required`);
    expect(stderr).toContain('2 bad rows');
  });

  it('needs answeredAt to group by month', async () => {
    const { 'a.csv': path } = files({ 'a.csv': 'id,score\nx,9\n' });
    const { code, stderr } = await boucle('score', path as string, '--by', 'month');
    expect(code).toBe(2);
    expect(stderr).toContain(`${path}:2: answeredAt: is required to group by month`);
    expect(stderr).toContain('1 bad row in');
  });

  it.each([
    ['missing.csv', undefined, 'cannot read {path}: no such file'],
    [
      'answers.xlsx',
      'whatever',
      'cannot tell the format of {path}: name it .csv or .jsonl, or pass --format csv|jsonl',
    ],
    ['empty.csv', '', '{path} is empty: expected a header row'],
    [
      'columns.csv',
      'id,score,region,team\n',
      '{path}: unknown columns region, team in the header; expected some of id, metric',
    ],
    ['noscore.csv', 'id,metric\n', '{path}: the header has no score column'],
    ['quotes.csv', 'id,score\n"x,9\n', '{path}: Quote Not Closed'],
  ])(
    'refuses an unreadable file (%s) with one clear line and exit 2',
    async (name, content, message) => {
      const paths =
        content === undefined ? { [name]: `${files({})}/${name}` } : files({ [name]: content });
      const path = content === undefined ? '/nonexistent/missing.csv' : (paths[name] as string);
      const { code, stderr } = await boucle('score', path);
      expect(code).toBe(2);
      expect(stderr).toContain(`boucle score: ${message.replace('{path}', path)}`);
      expect(stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('refuses a directory', async () => {
    const { code, stderr } = await boucle('score', '/tmp');
    expect(code).toBe(2);
    expect(stderr).toContain('cannot tell the format of /tmp');
    const withFormat = await boucle('score', '/tmp', '--format', 'csv');
    expect(withFormat.stderr).toBe('boucle score: cannot read /tmp: it is a directory\n');
  });

  it.each([
    [['score'], "error: missing required argument 'file'"],
    [
      ['score', 'a.csv', '--by', 'region'],
      "argument 'region' is invalid. Allowed choices are touchpoint, month, account.",
    ],
    [['score', 'a.csv', '--verbose'], "error: unknown option '--verbose'"],
    [['scroe'], "error: unknown command 'scroe'"],
  ])('answers bad usage %j with exit 2 and a hint', async (argv, message) => {
    const { code, stderr } = await boucle(...argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('explains itself with --help', async () => {
    const { code, stdout } = await boucle('score', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: boucle score [options] <file>');
    expect(stdout).toContain('--by <dimension>');
    expect(stdout).toContain('Exit codes: 0 scored; 2 bad usage or bad rows');
  });
});

describe('the boucle executable', () => {
  it('runs from a clean checkout through npx', async () => {
    const { 'answers.csv': path } = files({ 'answers.csv': csv });
    const bin = fileURLToPath(new URL('../../bin/boucle.js', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [
      bin,
      'score',
      path as string,
      '--json',
    ]);
    expect(JSON.parse(stdout).overall.nps).toBe(25);
  });

  it('exits 2 on bad input', async () => {
    const bin = fileURLToPath(new URL('../../bin/boucle.js', import.meta.url));
    await expect(
      promisify(execFile)(process.execPath, [bin, 'score', '/nonexistent.csv']),
    ).rejects.toMatchObject({
      code: 2,
      stderr: 'boucle score: cannot read /nonexistent.csv: no such file\n',
    });
  });
});
