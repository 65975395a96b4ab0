import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/**
 * The responses of the /hubspot backend as the HubSpot card and settings tests replay them
 * (hubspot/test/fixtures/server/<name>.json): written by the backend tests that received them, so a
 * fake of the server in the card tests is what the server says, not what someone believed it says.
 *
 *   BOUCLE_WRITE_FIXTURES=1 npx vitest run test/hubspot/backend.test.ts   (writes them)
 *   npx vitest run test/hubspot/backend.test.ts                          (fails if they drifted)
 */
export const FIXTURES = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../hubspot/test/fixtures/server',
);
const write = process.env.BOUCLE_WRITE_FIXTURES === '1';

export interface Fixture {
  /** What the card sent, as the card's fake routes it: `GET /companies/:id/summary`. */
  request: string;
  status: number;
  body: unknown;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
/** The instant the committed fixtures were taken at: every timestamp keeps its distance to the run's start. */
const FIXED_NOW = Date.parse('2026-11-22T12:00:00.000Z');
/** Numbers that depend on when the test ran, not on what the server decided. */
const CLOCK_FIELDS = new Set(['hoursLeft']);

/**
 * The response with what depends on the run put steady: timestamps moved to the same distance from
 * a fixed instant (rounded to the minute), the run's own ids (emulator records, callbacks) replaced
 * by names given in order of appearance.
 */
export function steady(body: unknown, startedAt: number, ids: Map<string, string>): unknown {
  const start = new Date(startedAt);
  const fixed = new Date(FIXED_NOW);
  const monthsAway =
    (fixed.getUTCFullYear() - start.getUTCFullYear()) * 12 +
    fixed.getUTCMonth() -
    start.getUTCMonth();
  const shiftMonth = (month: string) => {
    const [year, index] = month.split('-').map(Number) as [number, number];
    const shifted = new Date(Date.UTC(year, index - 1 + monthsAway, 1));
    return shifted.toISOString().slice(0, 7);
  };
  const visit = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') {
      if (ids.has(value)) return ids.get(value);
      if (ISO.test(value)) {
        const shifted = FIXED_NOW + (Date.parse(value) - startedAt);
        return new Date(Math.round(shifted / 60_000) * 60_000).toISOString();
      }
      return value;
    }
    if (typeof value === 'number' && key && CLOCK_FIELDS.has(key)) return Math.round(value);
    if (key === 'trend' && Array.isArray(value))
      return value.map((month: { key: string }) => ({ ...month, key: shiftMonth(month.key) }));
    if (Array.isArray(value)) return value.map((item) => visit(item));
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, k)]));
    return value;
  };
  return visit(body);
}

/**
 * What a drift check compares: the fixture with its clock-dependent values (timestamps, hours
 * left) reduced to their type, everything else (fields, codes, messages, numbers) exact.
 */
function skeleton(value: unknown, key?: string): unknown {
  if (typeof value === 'string' && ISO.test(value)) return '<timestamp>';
  // The monthly trend ends at the current month: which bucket an answer of an hour ago falls in
  // depends on the day the test runs, so only its length, its total and its fields are compared.
  if (key === 'trend' && Array.isArray(value))
    return {
      months: value.length,
      n: value.reduce((sum: number, month: { n: number }) => sum + month.n, 0),
      fields: [...new Set(value.flatMap((month: object) => Object.keys(month)))].sort(),
    };
  if (typeof value === 'number' && key && CLOCK_FIELDS.has(key)) return '<hours>';
  if (Array.isArray(value)) return value.map((item) => skeleton(item));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, skeleton(v, k)]));
  return value;
}

/**
 * Records `response` as the fixture `name` (with BOUCLE_WRITE_FIXTURES=1), or checks that the
 * committed one still says what the server said.
 */
export function recordFixture(name: string, fixture: Fixture): void {
  const file = join(FIXTURES, `${name}.json`);
  if (write) {
    mkdirSync(FIXTURES, { recursive: true });
    writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
    return;
  }
  expect
    .soft(
      existsSync(file),
      `${file} is missing: run BOUCLE_WRITE_FIXTURES=1 npx vitest run test/hubspot/backend.test.ts`,
    )
    .toBe(true);
  if (!existsSync(file)) return;
  const committed = JSON.parse(readFileSync(file, 'utf8')) as Fixture;
  // Soft: the test goes on as without the check, so one drifted fixture fails alone.
  expect
    .soft(
      skeleton(committed),
      `hubspot/test/fixtures/server/${name}.json differs from what the server answers now: run BOUCLE_WRITE_FIXTURES=1 npx vitest run test/hubspot/backend.test.ts and commit the result`,
    )
    .toEqual(skeleton(fixture));
}
