import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Salesforce CLI needs Node 22; both come from the npm registry, pinned. */
export const SF_CLI_VERSION = '2.150.6';
export const NODE_VERSION = '22.23.3';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** `BOUCLE_SF_CACHE` moves the cache out of node_modules (which `npm ci` empties). */
const CACHE = process.env.BOUCLE_SF_CACHE ?? join(ROOT, 'node_modules', '.cache', 'boucle-sf');

export interface SalesforceCli {
  /** Where this copy lives (cached across runs, keyed by both versions). */
  readonly dir: string;
  /** Runs `sf` with `--json` and returns its parsed answer, also when it fails. */
  json(args: string[], env?: Record<string, string>): Promise<SfAnswer>;
  /** Runs `sf` without `--json` and returns what it prints. */
  text(args: string[], env?: Record<string, string>): Promise<string>;
  /** Removes the home folder the commands ran in. */
  dispose(): void;
}

export interface SfAnswer {
  status: number;
  result?: unknown;
  name?: string;
  message?: string;
  warnings?: string[];
}

/**
 * Installs (once; later runs reuse the cache) Node 22 and `@salesforce/cli` into
 * `node_modules/.cache/boucle-sf/<node>-<cli>/` (or `$BOUCLE_SF_CACHE/<node>-<cli>/`). Node 22 is the registry's `node-<platform>-<arch>`
 * package, the real binary that the `node` package would fetch from its install script. Install
 * scripts stay off: neither package needs them. Each `sf` runs with a home of its own, without
 * telemetry, update checks or a keychain.
 */
export async function salesforceCli(): Promise<SalesforceCli> {
  const nodePackage = `node-${process.platform}-${process.arch}`;
  const dir = join(CACHE, `${NODE_VERSION}-${SF_CLI_VERSION}`);
  const marker = join(dir, '.installed');
  if (!existsSync(marker)) {
    mkdirSync(CACHE, { recursive: true });
    const staging = mkdtempSync(join(CACHE, 'install-'));
    try {
      writeFileSync(join(staging, 'package.json'), '{"name":"boucle-sf","private":true}\n');
      await run(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--ignore-scripts',
          '--loglevel=error',
          `${nodePackage}@${NODE_VERSION}`,
          `@salesforce/cli@${SF_CLI_VERSION}`,
        ],
        { cwd: staging, maxBuffer: 64 * 1024 * 1024 },
      );
      writeFileSync(join(staging, '.installed'), `${new Date().toISOString()}\n`);
      rmSync(dir, { recursive: true, force: true });
      renameSync(staging, dir);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
  }
  const node = join(dir, 'node_modules', nodePackage, 'bin', 'node');
  const sf = join(dir, 'node_modules', '@salesforce', 'cli', 'bin', 'run.js');
  const home = mkdtempSync(join(tmpdir(), 'boucle-sf-home-'));
  const options = (env: Record<string, string>) => ({
    cwd: home,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      PATH: `${dirname(node)}:${join(dir, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
      HOME: home,
      SF_DISABLE_TELEMETRY: 'true',
      SF_AUTOUPDATE_DISABLE: 'true',
      SF_SKIP_NEW_VERSION_CHECK: 'true',
      SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
      SF_DISABLE_AUTOUPDATE: 'true',
      NODE_NO_WARNINGS: '1',
      ...env,
    },
  });
  return {
    dir,
    async json(args, env = {}) {
      try {
        const { stdout } = await run(node, [sf, ...args, '--json'], options(env));
        return JSON.parse(stdout) as SfAnswer;
      } catch (error) {
        const { stdout } = error as { stdout?: string };
        if (stdout?.trim().startsWith('{')) return JSON.parse(stdout) as SfAnswer;
        throw error;
      }
    },
    async text(args, env = {}) {
      return (await run(node, [sf, ...args], options(env))).stdout;
    },
    dispose() {
      rmSync(home, { recursive: true, force: true });
    },
  };
}
