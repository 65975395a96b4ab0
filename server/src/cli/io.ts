import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import { openStore, StoreUnavailableError, type StoreLocation } from '../store/open.ts';
import type { Store } from '../store/store.ts';

/** Where a command writes: the process's streams, or buffers in tests. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Exit codes of every command: 0 ok, 1 failure, 2 bad usage or bad input. */
export const EXIT = { ok: 0, failure: 1, badInput: 2 } as const;

/**
 * The configuration for `boucle <command>`, or undefined after writing what is wrong with it (each
 * variable named) to standard error.
 */
export function commandConfig(
  command: string,
  env: Record<string, string | undefined>,
  io: CliIo,
): Config | undefined {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(
      `boucle ${command}: the configuration is not valid:\n${error.message.replace(/^/gm, '  ')}\nSee the Configuration section of README.md.\n`,
    );
    return undefined;
  }
}

/** The store for `boucle <command>`, or undefined after saying why it cannot be opened. */
export async function commandStore(
  command: string,
  location: StoreLocation,
  io: CliIo,
): Promise<Store | undefined> {
  try {
    return await openStore(location);
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    io.stderr(`boucle ${command}: ${error.message}\n`);
    return undefined;
  }
}
