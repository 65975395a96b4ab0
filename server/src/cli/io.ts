/** Where a command writes: the process's streams, or buffers in tests. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Exit codes of every command: 0 ok, 1 failure, 2 bad usage or bad input. */
export const EXIT = { ok: 0, failure: 1, badInput: 2 } as const;
