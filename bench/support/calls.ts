/**
 * The CRM calls of a benchmark, classified by what they did (write, read, search, association,
 * owner lookup, setup) and object, against the floor: ⌈records / per call⌉ writes per object kind.
 * Everything else (reads, searches, associations, extra partial batches) is what a ratio above the
 * floor is made of.
 */
import type { BenchCrm, CallRecord } from './emulators.ts';

export type Purpose =
  'write' | 'read' | 'search' | 'association' | 'owners' | 'setup' | 'auth' | 'other';

/** Not counted against the floor: the portal's install step and OAuth (not an API call). */
const EXCLUDED: ReadonlySet<Purpose> = new Set(['setup', 'auth']);

export interface CallClass {
  readonly purpose: Purpose;
  /** The object kind, e.g. `Survey_Response__c`, `contacts`. */
  readonly object: string;
}

/** What a call did, from its description (`emulators.ts` `describe`). */
export function classifyCall(crm: BenchCrm, what: string): CallClass {
  if (crm === 'salesforce') {
    if (what.startsWith('composite: ')) {
      const parts = what.slice('composite: '.length).split(', ');
      const writes = parts
        .map((p) => /PATCH composite\/sobjects(?:\/(\w+))?/.exec(p))
        .filter((m): m is RegExpExecArray => m !== null)
        // `PATCH composite/sobjects` (by id) is how rollups update Accounts.
        .map((m) => m[1] ?? 'Account');
      if (writes.length > 0)
        return {
          purpose: 'write',
          object:
            [...new Set(writes)].filter((o) => o !== 'NPS_Norm__c').join('+') || 'NPS_Norm__c',
        };
      const reads = parts.map((p) => /query (\w+)/.exec(p)?.[1]).filter(Boolean);
      if (reads.length > 0) return { purpose: 'read', object: [...new Set(reads)].join('+') };
      return { purpose: 'other', object: what };
    }
    if (/ query (\w+)/.test(what))
      return { purpose: 'read', object: / query (\w+)/.exec(what)?.[1] ?? '?' };
    if (/oauth2\//.test(what)) return { purpose: 'auth', object: 'OAuth token' };
    if (/sobjects\/\w+\/describe|\/tooling\/|\/limits/.test(what))
      return { purpose: 'setup', object: what };
    return { purpose: 'other', object: what };
  }
  const object = /\/crm\/v\d+\/objects\/([\w-]+)/.exec(what)?.[1];
  if (/\/labels$/.test(what)) return { purpose: 'read', object: 'association labels' };
  if (/\/associations\//.test(what) || /\/crm\/v4\//.test(what))
    return {
      purpose: 'association',
      object: /objects\/([\w-]+)\/([\w-]+)/.exec(what)?.slice(1).join('→') ?? what,
    };
  if (/\/owners/.test(what)) return { purpose: 'owners', object: 'owners' };
  if (/\/properties\/|\/schemas|\/account-info/.test(what))
    return { purpose: 'setup', object: 'properties, groups, custom object schema' };
  if (object && /\/search /.test(`${what} `)) return { purpose: 'search', object };
  if (object && /\/batch\/(create|upsert|update)$/.test(what)) return { purpose: 'write', object };
  if (object && /\/batch\/read$/.test(what)) return { purpose: 'read', object };
  if (object && /^(POST|PATCH) /.test(what)) return { purpose: 'write', object };
  if (object && /^GET /.test(what)) return { purpose: 'read', object };
  return { purpose: 'other', object: what };
}

export interface FloorRow {
  /** Setup and OAuth: listed, not counted. */
  readonly excluded: boolean;
  readonly purpose: Purpose;
  readonly object: string;
  readonly calls: number;
  /** Records of that kind written (write rows). */
  readonly records?: number;
  /** ⌈records / per⌉ for write rows; 0 for everything else. */
  readonly floor: number;
  readonly above: number;
  readonly why: string;
}

/**
 * Calls by purpose and object against the floor.
 * @param records records written per object kind (write rows' floor)
 * @param per records one call may write
 * @param why the reason of the calls above the floor, by `purpose object`
 */
export function callsAgainstFloor(
  crm: BenchCrm,
  calls: readonly CallRecord[],
  records: Record<string, number>,
  per: number,
  why: Record<string, string>,
): FloorRow[] {
  const counts = new Map<string, { cls: CallClass; n: number }>();
  for (const call of calls) {
    const cls = classifyCall(crm, call.what);
    const key = `${cls.purpose} ${cls.object}`;
    const entry = counts.get(key) ?? { cls, n: 0 };
    entry.n++;
    counts.set(key, entry);
  }
  for (const object of Object.keys(records))
    if (!counts.has(`write ${object}`) && (records[object] ?? 0) > 0)
      counts.set(`write ${object}`, { cls: { purpose: 'write', object }, n: 0 });
  return [...counts.entries()]
    .map(([key, { cls, n }]) => {
      const written = cls.purpose === 'write' ? (records[cls.object] ?? 0) : undefined;
      const floor = written === undefined ? 0 : Math.ceil(written / per);
      const excluded = EXCLUDED.has(cls.purpose);
      return {
        excluded,
        purpose: cls.purpose,
        object: cls.object,
        calls: n,
        ...(written !== undefined && { records: written }),
        floor,
        above: excluded ? 0 : n - floor,
        why: excluded ? 'not counted (install step / OAuth)' : (why[key] ?? '?'),
      };
    })
    .sort((a, b) => b.above - a.above || b.calls - a.calls);
}

/** Counted calls, their floor and the ratio. */
export function floorTotals(rows: readonly FloorRow[]) {
  const counted = rows.filter((r) => !r.excluded).reduce((sum, r) => sum + r.calls, 0);
  const floor = rows.reduce((sum, r) => sum + r.floor, 0);
  const excluded = rows.filter((r) => r.excluded).reduce((sum, r) => sum + r.calls, 0);
  return { counted, floor, excluded, ratio: counted / floor };
}

/** The table of {@link callsAgainstFloor} as text, with its totals. */
export function floorTable(rows: readonly FloorRow[]): string {
  const lines = [
    ['purpose', 'object', 'calls', 'records', 'floor', 'above', 'why above the floor'],
  ];
  for (const r of rows)
    lines.push([
      r.purpose,
      r.object,
      String(r.calls),
      r.records === undefined ? '' : String(r.records),
      String(r.floor),
      r.above > 0 ? `+${r.above}` : String(r.above),
      r.above > 0 || r.excluded ? r.why : '',
    ]);
  const t = floorTotals(rows);
  const widths = lines[0]!.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  return lines
    .map((l) =>
      l.map((cell, c) => (c === l.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  '),
    )
    .join('\n')
    .concat(
      `\ncounted: ${t.counted} calls against a floor of ${t.floor} = ${t.ratio.toFixed(2)}× (${t.excluded} setup/OAuth calls not counted)`,
    );
}
