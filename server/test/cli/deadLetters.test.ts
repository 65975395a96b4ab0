import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';

describe('boucle dead-letters', () => {
  it.each([[['list']], [['replay', '--all']]])(
    '%j on a store not created yet says so and creates nothing',
    async (argv) => {
      const path = join(mkdtempSync(join(tmpdir(), 'boucle-dead-')), 'boucle.db');
      let out = '';
      const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (out += t) };
      expect(await runCli(['dead-letters', ...argv], io, undefined, { BOUCLE_DB: path })).toBe(0);
      expect(out).toContain(`No store at ${path} yet`);
      expect(existsSync(path)).toBe(false);
    },
  );
});
