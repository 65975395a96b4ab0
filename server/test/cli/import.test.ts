import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCommand } from '../../src/cli/commands/import.ts';
import { runCli } from '../../src/cli/main.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: { stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t) },
  };
}

describe('boucle import', () => {
  it('imports 100,000 rows with bad ones, interrupted and resumed: every good row once, a correct report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boucle-import-'));
    const file = join(dir, 'answers.csv');
    const lines = ['id,score,answeredAt,accountKey,email,comment'];
    const bad = new Map<number, string>();
    for (let i = 0; i < 100_000; i++) {
      const line = i + 2;
      if (i % 9_973 === 5) {
        lines.push(`r${i},11,2026-10-01T10:00:00Z,acme.example,,`);
        bad.set(line, 'score: must be an integer from 0 to 10 for metric nps');
      } else if (i % 9_973 === 6) {
        lines.push(`r${i},7,,acme.example,,`);
        bad.set(line, 'answeredAt: is required to import');
      } else {
        lines.push(
          `r${i},${i % 11},2026-10-01T10:00:00Z,acme.example,c${i % 500}@acme.example,"Délai, trop ""long"""`,
        );
      }
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    const env = { BOUCLE_DB: join(dir, 'boucle.db'), BOUCLE_LOG_LEVEL: 'silent' };

    // Interrupted after the third batch, as Ctrl-C would.
    const stop = new AbortController();
    const first = capture();
    let batches = 0;
    const interrupted = await importCommand(
      file,
      { progress: false, onBatch: () => ++batches === 3 && stop.abort() },
      env,
      first.io,
      stop.signal,
    );
    expect(interrupted).toBe(1);
    expect(first.out.stderr).toMatch(
      /interrupted after line \d+\. .*Run the same command again to resume/s,
    );

    const second = capture();
    expect(await importCommand(file, { progress: false }, env, second.io)).toBe(0);
    expect(second.out.stdout).toContain(`rows rejected (line and reason in ${file}.rejected.csv)`);

    const store = new SqliteStore(env.BOUCLE_DB);
    const count = store.db
      .prepare("SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM answers WHERE source = 'import'")
      .get() as { n: number; d: number };
    expect(count).toEqual({ n: 100_000 - bad.size, d: 100_000 - bad.size });
    const jobs = store.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'answer'").get() as {
      n: number;
    };
    expect(jobs.n).toBe(2 * (100_000 - bad.size)); // one sync job per CRM (sandbox: both)
    await store.close();

    const report = readFileSync(`${file}.rejected.csv`, 'utf8').trim().split('\n');
    expect(report[0]).toBe('line,reason,row');
    expect(report.slice(1).map((row) => Number(row.split(',')[0]))).toEqual([...bad.keys()]);
    for (const row of report.slice(1)) expect(row).toContain(bad.get(Number(row.split(',')[0])));
  });

  it('imports unknown touchpoints as sent and names them, matching known ones by any spelling', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boucle-import-'));
    const file = join(dir, 'answers.csv');
    writeFileSync(
      file,
      'id,score,answeredAt,touchpoint\na,9,2026-10-01T10:00:00Z,Après-vente\nb,9,2026-10-01T10:00:00Z,Onboarding\nc,9,2026-10-01T10:00:00Z,onboarding\n',
    );
    const env = { BOUCLE_DB: join(dir, 'boucle.db'), BOUCLE_LOG_LEVEL: 'silent' };
    const { out, io } = capture();
    expect(await importCommand(file, { progress: false }, env, io)).toBe(0);
    expect(out.stdout).toContain('3 answers imported');
    expect(out.stdout).toContain(
      'Touchpoints outside the journey, imported as sent: "Onboarding" (2); add them to the journey',
    );
    const store = new SqliteStore(env.BOUCLE_DB);
    expect(await store.touchpointCounts()).toEqual([
      { label: 'Après-vente', answers: 1 },
      { label: 'Onboarding', answers: 1 },
      { label: 'onboarding', answers: 1 },
    ]);
    await store.close();
  });

  it('shows its progress: lines, rows per second and time left, then 100%', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boucle-import-'));
    const file = join(dir, 'answers.csv');
    const lines = ['id,score,answeredAt'];
    for (let i = 0; i < 3000; i++) lines.push(`p${i},9,2026-10-01T10:00:00Z`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { out, io } = capture();
    const env = { BOUCLE_DB: join(dir, 'boucle.db'), BOUCLE_LOG_LEVEL: 'silent' };
    expect(await importCommand(file, { progress: true }, env, io)).toBe(0);
    expect(out.stderr).toMatch(/importing .* 0% \| 0\/3001 lines \| 0 rows\/s \| ETA …/);
    expect(out.stderr).toMatch(/importing .* 100% \| 3001\/3001 lines \| \d+ rows\/s \| ETA done/);
    expect(out.stderr).not.toMatch(/NULL|LLs|INF/);
  });

  it('imports JSON Lines with every field of the API, and says nothing was new the second time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boucle-import-'));
    const file = join(dir, 'answers.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify({ id: 'j1', score: 9, answeredAt: '2026-11-20T09:14:00Z', language: 'fr', respondent: { email: 'c@acme.example', name: 'Claire' } })}\n`,
    );
    const env = { BOUCLE_DB: join(dir, 'boucle.db') };
    const { out, io } = capture();
    expect(await runCli(['import', file, '--no-progress'], io, undefined, env)).toBe(0);
    expect(out.stdout).toContain('1 answer imported, 0 already known, 0 rows rejected');
    expect(await runCli(['import', file, '--restart', '--no-progress'], io, undefined, env)).toBe(
      0,
    );
    expect(out.stdout).toContain('0 answers imported, 1 already known');
    const store = new SqliteStore(env.BOUCLE_DB);
    expect((await store.getAnswers(['api:j1'])).get('api:j1')).toMatchObject({
      language: 'fr',
      respondent: { name: 'Claire' },
    });
    await store.close();
  });

  it('rejects a second row with the same id, in the same batch or a later one, keeping the first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boucle-import-'));
    const file = join(dir, 'answers.csv');
    const rows = [
      'd1,9,2026-10-01T10:00:00Z',
      'd2,3,2026-10-01T10:00:00Z',
      'd1,2,2026-10-02T10:00:00Z',
      'd3,9,2026-10-01T10:00:00Z',
      'd2,3,2026-10-01T10:00:00Z',
      'd4,8,2026-10-01T10:00:00Z',
    ];
    writeFileSync(file, `id,score,answeredAt\n${rows.join('\n')}\n`);
    const env = { BOUCLE_DB: join(dir, 'boucle.db'), BOUCLE_LOG_LEVEL: 'silent' };
    const { out, io } = capture();
    expect(await importCommand(file, { progress: false, batchSize: 3 }, env, io)).toBe(0);
    expect(out.stdout).toContain('4 answers imported, 0 already known, 2 rows rejected');
    expect(readFileSync(`${file}.rejected.csv`, 'utf8').split('\n').slice(1, 3)).toEqual([
      '4,"id: duplicates ""d1"" of line 2 (the first one is imported)","d1,2,2026-10-02T10:00:00Z"',
      '6,"id: duplicates ""d2"" of an earlier line (the first one is imported)","d2,3,2026-10-01T10:00:00Z"',
    ]);
    const store = new SqliteStore(env.BOUCLE_DB);
    expect((await store.getAnswers(['import:d1'])).get('import:d1')?.score).toBe(9);
    await store.close();
    // Read again from the start, every id is already known: none is a duplicate inside the file.
    const again = capture();
    expect(
      await importCommand(file, { progress: false, restart: true, batchSize: 3 }, env, again.io),
    ).toBe(0);
    expect(again.out.stdout).toContain('0 answers imported, 4 already known, 2 rows rejected');
  });

  it('says a finished import is already done when run again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boucle-import-'));
    const file = join(dir, 'answers.csv');
    writeFileSync(file, 'id,score,answeredAt\nf1,9,2026-10-01T10:00:00Z\n');
    const env = { BOUCLE_DB: join(dir, 'boucle.db'), BOUCLE_LOG_LEVEL: 'silent' };
    expect(await importCommand(file, { progress: false }, env, capture().io)).toBe(0);
    const { out, io } = capture();
    expect(await importCommand(file, { progress: false }, env, io)).toBe(0);
    expect(out.stdout).toContain(
      `${file} is already imported: an earlier run read all its 2 lines`,
    );
  });

  it('stops before the first row, with exit 2, a CSV without an answeredAt column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boucle-import-'));
    const file = join(dir, 'answers.csv');
    writeFileSync(file, 'id,score\nn1,9\n');
    const env = { BOUCLE_DB: join(dir, 'boucle.db'), BOUCLE_LOG_LEVEL: 'silent' };
    const { out, io } = capture();
    expect(await importCommand(file, { progress: false }, env, io)).toBe(2);
    expect(out.stderr).toContain(`boucle import: ${file}: the header has no answeredAt column`);
    expect(existsSync(`${file}.rejected.csv`)).toBe(false);
    const store = new SqliteStore(env.BOUCLE_DB);
    expect((await store.getAnswers(['import:n1'])).size).toBe(0);
    await store.close();
  });

  it.each([
    [['import', '/nonexistent.csv'], 'cannot read /nonexistent.csv: no such file'],
    [['import', '/tmp'], 'cannot tell the format of /tmp'],
    [['import'], "missing required argument 'file'"],
  ])('refuses %j with exit 2', async (argv, message) => {
    const { out, io } = capture();
    expect(
      await runCli(argv, io, undefined, {
        BOUCLE_DB: join(mkdtempSync(join(tmpdir(), 'boucle-import-')), 'b.db'),
      }),
    ).toBe(2);
    expect(out.stderr).toContain(message);
  });
});
