/**
 * Summarizes a V8 CPU profile (inspector `Profiler.stop()`, or a `--cpu-prof` file) by where the
 * event loop's time went: what ran (SQLite statements, JSON, zod, the HTTP stack, GC…), on behalf
 * of what (API requests, the sync, the emulators), and the heaviest functions of our own code,
 * inclusive of what they call. Time of a sample is its `timeDelta`.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  /** Wall time profiled, ms. */
  readonly totalMs: number;
  /** ms by what ran at the top of the stack (idle excluded from `busyMs`). */
  readonly byWhat: Record<string, number>;
  /** ms by on whose behalf it ran. */
  readonly byWhom: Record<string, number>;
  /** ms by "whom / what". */
  readonly cross: Record<string, number>;
  readonly busyMs: number;
  /** Our own functions (repository files), inclusive ms, heaviest first. */
  readonly ownInclusive: [string, number][];
  /** Any function, self ms, heaviest first. */
  readonly self: [string, number][];
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function file(url: string): string {
  if (!url) return '';
  try {
    return url.startsWith('file:') ? relative(ROOT, fileURLToPath(url)) : url;
  } catch {
    return url;
  }
}

function packageOf(path: string): string | undefined {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return m?.[1];
}

/** What a frame is: a package, a part of Node, or a folder of ours. */
function area(frame: CallFrame): string {
  const path = file(frame.url);
  const pkg = packageOf(path);
  if (pkg) return pkg;
  if (path.startsWith('node:')) {
    const part = path.replace(/^node:(internal\/)?/, '').split('/')[0] ?? '';
    return `node:${part}`;
  }
  if (!path) return '(native)';
  const parts = path.split('/');
  return parts.slice(0, parts[0] === 'server' || parts[0] === 'shared' ? 3 : 2).join('/');
}

const SQLITE_NATIVE = new Set(['run', 'get', 'all', 'prepare', 'iterate', 'exec', 'pragma']);

function what(stack: readonly CallFrame[]): string {
  const leaf = stack[stack.length - 1] as CallFrame;
  const name = leaf.functionName;
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)') return 'V8/native (program)';
  if (!leaf.url) {
    const caller = [...stack].reverse().find((f) => f.url);
    const callerArea = caller ? area(caller) : '';
    if (name === 'parse' || name === 'stringify') return 'JSON parse/stringify';
    if (name === 'writev' || name === 'writeBuffer' || name === 'writeUtf8String')
      return 'socket writes';
    if (
      SQLITE_NATIVE.has(name) ||
      callerArea === 'better-sqlite3' ||
      callerArea.startsWith('server/src/store')
    )
      return 'SQLite statements (better-sqlite3)';
    return `native, called from ${callerArea || '?'}`;
  }
  return area(leaf);
}

function whom(stack: readonly CallFrame[]): string {
  const paths = stack.map((f) => file(f.url));
  if (paths.some((p) => p.includes('server/src/emulators/'))) return 'emulators';
  if (
    paths.some(
      (p) =>
        ['server/src/queue/', 'server/src/loop/', 'server/src/readback/'].some((d) =>
          p.startsWith(d),
        ) || p.startsWith('server/src/crm/'),
    )
  )
    return 'sync (engine + adapters)';
  if (paths.some((p) => p.startsWith('server/src/http/') || p.startsWith('server/src/webhooks/')))
    return 'API requests (handlers)';
  if (paths.some((p) => p.startsWith('bench/'))) return 'bench instrumentation';
  if (paths.some((p) => /node_modules\/(express|body-parser|router|raw-body)\//.test(p)))
    return 'API requests (express, body parsing)';
  if (paths.some((p) => /node_modules\/(undici|node-fetch|jsforce|@jsforce|@hubspot)/.test(p)))
    return 'CRM HTTP clients';
  if (paths.some((p) => p.startsWith('node:') && /http|net|stream/.test(p)))
    return 'Node HTTP/net (either side)';
  return 'other / runtime';
}

const add = (map: Record<string, number>, key: string, ms: number) => {
  map[key] = (map[key] ?? 0) + ms;
};

export function summarizeProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const stacks = new Map<number, CallFrame[]>();
  const stackOf = (id: number): CallFrame[] => {
    const known = stacks.get(id);
    if (known) return known;
    const frames: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (node && node.callFrame.functionName !== '(root)') frames.push(node.callFrame);
    }
    frames.reverse();
    stacks.set(id, frames);
    return frames;
  };
  const byWhat: Record<string, number> = {};
  const byWhom: Record<string, number> = {};
  const cross: Record<string, number> = {};
  const inclusive: Record<string, number> = {};
  const self: Record<string, number> = {};
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    const stack = stackOf(id);
    if (stack.length === 0) return;
    const w = what(stack);
    add(byWhat, w, ms);
    if (w === 'idle') return;
    const who = w === 'GC' ? 'GC (everyone)' : whom(stack);
    add(byWhom, who, ms);
    add(cross, `${who} / ${w}`, ms);
    const leaf = stack[stack.length - 1] as CallFrame;
    add(self, `${leaf.functionName || '(anonymous)'} ${file(leaf.url)}`, ms);
    const seen = new Set<string>();
    for (const frame of stack) {
      const path = file(frame.url);
      if (!path || path.startsWith('node:') || path.includes('node_modules')) continue;
      if (path.startsWith('bench/')) continue;
      // Line numbers are those of tsx's output, not of the source: names and files only.
      const key = `${frame.functionName || '(anonymous)'} ${path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      add(inclusive, key, ms);
    }
  });
  const sorted = (map: Record<string, number>) =>
    Object.entries(map)
      .sort(([, a], [, b]) => b - a)
      .slice(0, top);
  return {
    totalMs,
    busyMs: totalMs - (byWhat.idle ?? 0),
    byWhat,
    byWhom,
    cross,
    ownInclusive: sorted(inclusive),
    self: sorted(self),
  };
}
