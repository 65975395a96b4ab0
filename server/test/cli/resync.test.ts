import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerSchema } from '@boucle/shared/schemas';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';

async function run(argv: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    argv,
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
    undefined,
    env,
  );
  return { code, stdout, stderr };
}

describe('boucle resync', () => {
  const env = {
    BOUCLE_DB: join(mkdtempSync(join(tmpdir(), 'boucle-resync-')), 'boucle.db'),
    BOUCLE_SANDBOX: '1',
  };

  it('queues the stored answers for both CRMs again, once while they wait', async () => {
    const store = new SqliteStore(env.BOUCLE_DB);
    const answers = ['2026-01-10T00:00:00Z', '2026-06-10T00:00:00Z'].map((answeredAt, i) =>
      answerSchema.parse({ id: `r${i}`, score: 3, comment: 'Trop cher', answeredAt }),
    );
    await store.ingestAnswers(answers, [], Date.now());
    await store.close();

    const first = await run(['resync', '--since', '2026-03-01'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('1 answers queued for salesforce and hubspot');
    const again = await run(['resync'], env);
    expect(again.stdout).toContain('2 answers queued');

    const check = new SqliteStore(env.BOUCLE_DB);
    const stats = await check.queueStats();
    await check.close();
    // Two answers, two CRMs: the second run added only the answer the first did not queue.
    expect(Object.values(stats).reduce((sum, n) => sum + n, 0)).toBe(4);
  });

  it('refuses a --since that is no date, with exit 2', async () => {
    const { code, stderr } = await run(['resync', '--since', 'yesterday'], env);
    expect(code).toBe(2);
    expect(stderr).toContain('--since must be a date such as 2026-01-01');
  });
});
