/**
 * A benchmark's child process spoken to over IPC: `{id, cmd, args}` out, `{id, result}` back, and a
 * first `{ready}` message once it is listening.
 */
import { fork, type ChildProcess } from 'node:child_process';

export interface BenchChild<Ready> {
  readonly ready: Ready;
  readonly process: ChildProcess;
  request<T>(cmd: string, args?: unknown): Promise<T>;
  /** Asks it to close, then waits for it to exit (killed after 10 s). */
  close(): Promise<void>;
}

/** Forks `script` (TypeScript, through tsx) and waits for its `ready` message. */
export async function startChild<Ready>(
  script: string,
  args: readonly string[] = [],
  execArgv: readonly string[] = [],
): Promise<BenchChild<Ready>> {
  const child = fork(script, [...args], {
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (result: unknown) => void>();
  let next = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before ready`)));
    child.on('message', (message: { ready?: Ready; id?: number; result?: unknown }) => {
      if (message.ready !== undefined) resolve(message.ready);
      else if (message.id !== undefined) {
        pending.get(message.id)?.(message.result);
        pending.delete(message.id);
      }
    });
  });
  return {
    ready,
    process: child,
    request: <T>(cmd: string, payload?: unknown) =>
      new Promise<T>((resolve) => {
        const id = next++;
        pending.set(id, resolve as (result: unknown) => void);
        child.send({ id, cmd, args: payload });
      }),
    close: async () => {
      if (child.exitCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      if (child.connected) child.send({ id: next++, cmd: 'close' });
      else child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}
