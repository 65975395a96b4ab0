const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 3-character suffix that makes a 15-character Salesforce id case-insensitive. */
function checksum(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = id15[chunk * 5 + i] as string;
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX[bits];
  }
  return suffix;
}

/** The n-th 18-character id of an object with this key prefix. */
export function makeId(keyPrefix: string, n: number): string {
  let body = '';
  for (let value = n; body.length < 9; value = Math.floor(value / 62))
    body = (BASE62[value % 62] as string) + body;
  const id15 = `${keyPrefix}5g0${body}`;
  return id15 + checksum(id15);
}

/**
 * The 18-character form of a 15- or 18-character id, or undefined when it is not an id. The first
 * 15 characters identify the record; the suffix is recomputed (ids in documentation examples often
 * carry a made-up one).
 */
export function normalizeId(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^[a-zA-Z0-9]{15}([a-zA-Z0-5]{3})?$/.test(value))
    return undefined;
  const id15 = value.slice(0, 15);
  return id15 + checksum(id15);
}
