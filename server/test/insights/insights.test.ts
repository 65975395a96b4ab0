import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { DEFAULT_TOUCHPOINTS } from '@boucle/shared';
import { insightsQuerySchema, type Answer } from '@boucle/shared/schemas';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { insights } from '../../src/http/insights.ts';
import { Metrics } from '../../src/http/metrics.ts';
import { seededRandom } from '../../src/random.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import type { Crm, StoredCallback } from '../../src/store/store.ts';

// The insights API on seeded data, against figures computed here with plain loops from the
// definitions (domain.md: NPS, its margin, the combined margin; the brief: first contact within
// the SLA, median and p90 delays), not with the shared functions the API uses.

const NOW = Date.parse('2026-12-01T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const API_KEY = 'insights-test-key-0123456789';

const OWNERS = ['ana@vendor.example', 'ben@vendor.example', 'chloe@vendor.example'];
const TOUCHPOINTS = ['pre-sale', 'contracting', 'after-sale'];

interface Seeded {
  answers: Answer[];
  callbacks: StoredCallback[];
}

/**
 * 900 answers over 120 days: three owners with their own tilt, a fourth with 6 answers, some
 * without an owner or a touchpoint, a few CSAT answers; callbacks for recent detractors in every
 * state, their copies in HubSpot, and later answers from some of the respondents.
 */
function seed(): Seeded {
  const next = seededRandom(16);
  const answers: Answer[] = [];
  const callbacks: StoredCallback[] = [];
  const add = (answer: Omit<Answer, 'source' | 'metric'> & Partial<Answer>) => {
    answers.push({ source: 'api', metric: 'nps', ...answer } as Answer);
    return answers[answers.length - 1] as Answer;
  };
  for (let i = 0; i < 900; i++) {
    const ownerIndex = i % 10 === 9 ? -1 : i % 3;
    const owner = OWNERS[ownerIndex];
    const tilt = [2, 0, -2][ownerIndex] ?? 0;
    const score = Math.max(0, Math.min(10, Math.round(7 + tilt + (next() - 0.5) * 8)));
    const answeredAt = NOW - Math.floor(next() * 120 * DAY);
    const touchpoint = next() < 0.9 ? TOUCHPOINTS[Math.floor(next() * 3)] : undefined;
    const email = `c${i}@customer${i % 40}.example`;
    const answer = add({
      id: `a${i}`,
      metric: i % 25 === 0 ? 'csat' : 'nps',
      score: i % 25 === 0 ? 4 : score,
      answeredAt: iso(answeredAt),
      respondent: { email },
      account: { domain: `customer${i % 40}.example` },
      ...(owner && { employeeEmail: owner.toUpperCase() }),
      ...(touchpoint && { touchpoint }),
    });
    if (answer.metric !== 'nps' || score > 6 || NOW - answeredAt < 2 * DAY) continue;
    if (answeredAt < NOW - 100 * DAY) continue;
    const created = answeredAt + HOUR;
    const due = created + 24 * HOUR;
    const scenario = Math.floor(next() * 5);
    const base: StoredCallback = {
      id: `cb-${i}`,
      crm: 'salesforce',
      answerRef: `api:${answer.id}`,
      answerId: answer.id,
      kind: 'detractor_recovery',
      status: 'open',
      slaHours: 24,
      createdAt: iso(created),
      dueAt: iso(due),
      respondentEmail: email,
    };
    let callback: StoredCallback;
    if (scenario === 0) {
      const contact = created + Math.floor(next() * 20 * HOUR);
      callback = {
        ...base,
        status: 'resolved',
        firstContactAt: iso(contact),
        reachedAt: iso(contact),
        closedAt: iso(contact + HOUR),
        outcome: 'solved',
      };
    } else if (scenario === 1) {
      callback = {
        ...base,
        status: 'attempted',
        firstContactAt: iso(created + 25 * HOUR + Math.floor(next() * 40 * HOUR)),
      };
    } else if (scenario === 2) {
      callback = { ...base, status: 'escalated', escalatedAt: iso(due) };
    } else if (scenario === 3) {
      const contact = created + Math.floor(next() * 10 * HOUR);
      callback = {
        ...base,
        status: 'reached',
        firstContactAt: iso(contact),
        reachedAt: iso(contact + 30 * HOUR),
      };
    } else {
      callback = base;
    }
    callbacks.push(callback, { ...callback, id: `hs-${callback.id}`, crm: 'hubspot' });
    // Some respondents answer again after their callback.
    if (next() < 0.4)
      add({
        id: `again-${i}`,
        score: Math.floor(next() * 11),
        answeredAt: iso(Math.min(NOW, created + 5 * DAY)),
        respondent: { email },
        account: { domain: `customer${i % 40}.example` },
        ...(owner && { employeeEmail: owner }),
      });
  }
  // A fourth owner with six answers: a hint, never ranked.
  for (let i = 0; i < 6; i++)
    add({
      id: `dan-${i}`,
      score: 10,
      answeredAt: iso(NOW - (i + 1) * DAY),
      employeeEmail: 'dan@vendor.example',
      touchpoint: 'onboarding',
      account: { domain: 'dan.example' },
    });
  // A callback raised inside the window for an answer from before it: it counts for its owner.
  const old = add({
    id: 'old',
    score: 2,
    answeredAt: iso(NOW - 95 * DAY),
    employeeEmail: 'eve@vendor.example',
    account: { domain: 'eve.example' },
  });
  callbacks.push({
    id: 'cb-old',
    crm: 'salesforce',
    answerRef: `api:${old.id}`,
    answerId: old.id,
    kind: 'detractor_recovery',
    status: 'open',
    slaHours: 24,
    createdAt: iso(NOW - 80 * DAY),
    dueAt: iso(NOW - 79 * DAY),
  });
  return { answers, callbacks };
}

// --- The independent computation ---------------------------------------------------------

const round = (x: number | null) => {
  if (x === null) return null;
  const r = Math.round(x * 10) / 10;
  return r === 0 ? 0 : r;
};

interface Counts {
  n: number;
  p: number;
  pa: number;
  d: number;
}

function figures(c: Counts, minSample: number) {
  const nps = c.n === 0 ? null : ((c.p - c.d) / c.n) * 100;
  let margin: number | null = null;
  let rawMargin: number | null = null;
  if (c.n > 0) {
    const ps = c.p / c.n;
    const ds = c.d / c.n;
    rawMargin = 1.96 * Math.sqrt((ps + ds - (ps - ds) ** 2) / c.n) * 100;
  }
  const oneSided = c.p === c.n || c.pa === c.n || c.d === c.n;
  let sample = 'enough';
  if (c.n === 0) sample = 'no_answers';
  else if (c.n < minSample) sample = 'too_few_answers';
  else if (oneSided) sample = 'one_sided';
  if (sample === 'enough') margin = rawMargin;
  return {
    shown: {
      n: c.n,
      promoters: c.p,
      passives: c.pa,
      detractors: c.d,
      nps: round(nps),
      margin: round(margin),
      sample,
    },
    nps,
    margin,
  };
}

function median(values: number[], q: number) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * q;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

function loopFigures(callbacks: StoredCallback[], answers: Answer[]) {
  let closed = 0;
  let within = 0;
  let late = 0;
  let overdue = 0;
  let escalated = 0;
  let resurveyed = 0;
  let recovered = 0;
  const hours: number[] = [];
  for (const c of callbacks) {
    const created = Date.parse(c.createdAt);
    const due = Date.parse(c.dueAt);
    if (c.status === 'resolved' || c.status === 'closed_no_contact') closed++;
    if (c.status === 'escalated' || c.escalatedAt) escalated++;
    if (!c.reachedAt && !c.closedAt && NOW > due) overdue++;
    if (c.firstContactAt) {
      const first = Date.parse(c.firstContactAt);
      hours.push((first - created) / HOUR);
      if (first <= due) within++;
      else late++;
    } else if (NOW > due) late++;
    if (c.respondentEmail) {
      let next: Answer | undefined;
      for (const a of answers) {
        if (a.metric !== 'nps' || a.respondent?.email !== c.respondentEmail) continue;
        const at = Date.parse(a.answeredAt);
        if (at > created && (!next || at < Date.parse(next.answeredAt))) next = a;
      }
      if (next) {
        resurveyed++;
        if (next.score >= 7) recovered++;
      }
    }
  }
  return {
    total: callbacks.length,
    closed,
    contactedWithinSla: within,
    contactedLate: late,
    overdue,
    escalated,
    detractorsResurveyed: resurveyed,
    detractorsRecovered: recovered,
    withinSlaPercent: within + late === 0 ? null : round((within / (within + late)) * 100),
    medianHoursToFirstContact: round(median(hours, 0.5)),
    p90HoursToFirstContact: round(median(hours, 0.9)),
    recoveryPercent: resurveyed === 0 ? null : round((recovered / resurveyed) * 100),
  };
}

function expected(
  data: Seeded,
  keyOf: (a: Answer) => string | undefined,
  crm: Crm,
  windowDays: number,
  minSample: number,
) {
  const from = NOW - windowDays * DAY;
  const inWindow = data.answers.filter((a) => {
    const at = Date.parse(a.answeredAt);
    return at > from && at <= NOW;
  });
  const counts = new Map<string, Counts>();
  const org: Counts = { n: 0, p: 0, pa: 0, d: 0 };
  for (const a of inWindow) {
    if (a.metric !== 'nps') continue;
    const key = keyOf(a) || 'unspecified';
    const c = counts.get(key) ?? { n: 0, p: 0, pa: 0, d: 0 };
    counts.set(key, c);
    for (const target of [c, org]) {
      target.n++;
      if (a.score >= 9) target.p++;
      else if (a.score >= 7) target.pa++;
      else target.d++;
    }
  }
  const windowCallbacks = data.callbacks.filter((c) => {
    const at = Date.parse(c.createdAt);
    return c.crm === crm && at > from && at <= NOW;
  });
  const answerKey = new Map(data.answers.map((a) => [`api:${a.id}`, keyOf(a) || 'unspecified']));
  const callbacksOf = (key: string) =>
    windowCallbacks.filter((c) => answerKey.get(c.answerRef) === key);
  const orgFigures = figures(org, minSample);
  const groups = [...counts.entries()].map(([key, c]) => {
    const own = figures(c, minSample);
    const rest = figures(
      { n: org.n - c.n, p: org.p - c.p, pa: org.pa - c.pa, d: org.d - c.d },
      minSample,
    );
    let comparison = {
      delta: null as number | null,
      combinedMargin: null as number | null,
      significant: false,
      direction: 'level',
    };
    if (own.margin !== null && rest.margin !== null) {
      const delta = (own.nps as number) - (rest.nps as number);
      const combined = Math.sqrt(own.margin ** 2 + rest.margin ** 2);
      const significant = Math.abs(delta) > combined;
      comparison = {
        delta: round(delta),
        combinedMargin: round(combined),
        significant,
        direction: !significant ? 'level' : delta > 0 ? 'above' : 'below',
      };
    }
    return {
      key,
      ...own.shown,
      raw: own.nps,
      rest: rest.shown,
      comparison,
      loopClosure: loopFigures(callbacksOf(key), data.answers),
    };
  });
  const ranked = groups
    .filter((g) => g.sample === 'enough')
    .sort((a, b) => (b.raw as number) - (a.raw as number) || (a.key < b.key ? -1 : 1));
  const rankedOut = ranked.map(({ raw: _raw, ...g }, i) => {
    let rank = i + 1;
    for (let j = i - 1; j >= 0 && ranked[j]!.nps === g.nps; j--) rank = j + 1;
    return { ...g, rank };
  });
  const hints: Record<string, unknown>[] = groups
    .filter((g) => g.sample !== 'enough')
    .map(({ raw: _raw, ...g }) => ({ ...g, rank: null }));
  for (const key of new Set(windowCallbacks.map((c) => answerKey.get(c.answerRef) as string))) {
    if (counts.has(key)) continue;
    hints.push({
      key,
      n: 0,
      promoters: 0,
      passives: 0,
      detractors: 0,
      nps: null,
      margin: null,
      sample: 'no_answers',
      rank: null,
      rest: orgFigures.shown,
      comparison: { delta: null, combinedMargin: null, significant: false, direction: 'level' },
      loopClosure: loopFigures(callbacksOf(key), data.answers),
    });
  }
  hints.sort((a, b) => ((a.key as string) < (b.key as string) ? -1 : 1));
  return {
    window: { from: iso(from), to: iso(NOW), days: windowDays },
    minSample,
    comparedWith: 'rest_of_org',
    crm,
    org: { ...orgFigures.shown, loopClosure: loopFigures(windowCallbacks, data.answers) },
    groups: rankedOut,
    hints,
  };
}

// --- The API ------------------------------------------------------------------------------

let server: Server;
let base: string;
let store: SqliteStore;
const data = seed();

async function get(path: string, key = API_KEY) {
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  store = new SqliteStore(':memory:');
  await store.ingestAnswers(data.answers, [], NOW);
  await store.createCallbacks(data.callbacks, NOW);
  const app = createApp({
    store,
    apiKey: API_KEY,
    crms: ['salesforce', 'hubspot'],
    logger: pino({ level: 'silent' }),
    metrics: new Metrics(store),
    clock: () => NOW,
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await store.close();
});

describe('GET /v1/insights', () => {
  const byOwner = (a: Answer) => a.employeeEmail?.toLowerCase();

  it('gives NPS, margin and significance against the rest of the org, and loop closure, per owner', async () => {
    const { status, body } = await get('/v1/insights?by=owner&window=90d');
    expect(status).toBe(200);
    expect(body).toEqual({ by: 'owner', ...expected(data, byOwner, 'salesforce', 90, 30) });
    // The seeded owners differ enough for the comparison to say so, and the small one is a hint.
    const groups = body.groups as { key: string; comparison: { significant: boolean } }[];
    expect(groups.map((g) => g.key)).toEqual([OWNERS[0], 'unspecified', OWNERS[1], OWNERS[2]]);
    expect(groups.some((g) => g.comparison.significant)).toBe(true);
    const hints = body.hints as { key: string; sample: string; loopClosure: { total: number } }[];
    expect(hints.map((h) => [h.key, h.sample])).toEqual([
      ['dan@vendor.example', 'too_few_answers'],
      ['eve@vendor.example', 'no_answers'],
    ]);
    expect(hints[1]?.loopClosure.total).toBe(1);
  });

  it('gives the same per touchpoint, over another window and minimum sample', async () => {
    const { body } = await get('/v1/insights?by=touchpoint&window=30d&minSample=20');
    const { journey, ...ranked } = body;
    expect(journey).toBeInstanceOf(Array);
    expect(ranked).toEqual({
      by: 'touchpoint',
      ...expected(data, (a) => a.touchpoint, 'salesforce', 30, 20),
    });
  });

  it('measures the CRM asked for: each CRM keeps its own copy of a callback', async () => {
    const { body } = await get('/v1/insights?by=owner&crm=hubspot');
    expect(body).toEqual({ by: 'owner', ...expected(data, byOwner, 'hubspot', 90, 30) });
    expect((body.org as { loopClosure: { total: number } }).loopClosure.total).toBeGreaterThan(0);
  });

  it.each([
    ['by=country', 'by', /country/],
    ['window=90d', 'by', /required/],
    ['by=owner&window=3m', 'window', /3m/],
    ['by=owner&window=0d', 'window', /0d/],
    ['by=owner&crm=zoho', 'crm', /salesforce or hubspot/],
  ])('refuses ?%s with a 400 naming %s', async (query, path, message) => {
    const { status, body } = await get(`/v1/insights?${query}`);
    expect(status).toBe(400);
    const error = body.error as { code: string; message: string; issues: unknown[] };
    expect(error.code).toBe('validation_failed');
    expect(error.message).toContain(path);
    expect(error.issues).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it.each(['team', 'region'])(
    'says why there are no %s groups yet, with the org figures still',
    async (by) => {
      const { status, body } = await get(`/v1/insights?by=${by}`);
      expect(status).toBe(200);
      const reference = expected(data, byOwner, 'salesforce', 90, 30);
      expect(body).toMatchObject({ by, groups: [], hints: [], org: reference.org });
      expect(body.reason).toMatch(new RegExp(`^${by} is not stored yet`));
    },
  );

  it('needs the API key', async () => {
    expect((await get('/v1/insights?by=owner', 'wrong')).status).toBe(401);
  });

  it('is described in /openapi.json with its parameters', async () => {
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<string, { get: { parameters: { name: string; required: boolean }[] } }>;
    };
    const parameters = document.paths['/v1/insights']?.get.parameters ?? [];
    expect(parameters.map((p) => [p.name, p.required])).toEqual([
      ['by', true],
      ['window', false],
      ['crm', false],
      ['minSample', false],
    ]);
  });
});

describe('insights by touchpoint follow the journey', () => {
  it('groups every spelling of a touchpoint of the journey under its key', async () => {
    const store = new SqliteStore(':memory:');
    try {
      await store.ingestAnswers(
        ['Après-vente', 'apres vente', 'AFTER SALE', 'Onboarding'].map((touchpoint, i) => ({
          id: `spelling-${i}`,
          source: 'api',
          metric: 'nps' as const,
          score: 9,
          answeredAt: new Date(NOW - DAY).toISOString(),
          touchpoint,
        })),
        [],
        NOW,
      );
      const result = await insights(
        store,
        insightsQuerySchema.parse({ by: 'touchpoint', window: '30d', minSample: '1' }),
        undefined,
        NOW,
        DEFAULT_TOUCHPOINTS,
      );
      expect([...result.groups, ...result.hints].map((g) => [g.key, g.n]).sort()).toEqual([
        ['Onboarding', 1],
        ['after-sale', 3],
      ]);
    } finally {
      await store.close();
    }
  });

  it('reads the touchpoints in journey order, each against its target, unknown ones after', async () => {
    const store = new SqliteStore(':memory:');
    try {
      const scores = [
        ...Array.from({ length: 40 }, (_, i) => ['Contractualisation', i < 36 ? 10 : 8] as const),
        ...Array.from({ length: 40 }, (_, i) => ['after-sale', i < 36 ? 0 : 6] as const),
        ['Renouvellement', 9] as const,
      ];
      await store.ingestAnswers(
        scores.map(([touchpoint, score], i) => ({
          id: `journey-${i}`,
          source: 'api',
          metric: 'nps' as const,
          score,
          answeredAt: new Date(NOW - DAY).toISOString(),
          touchpoint,
        })),
        [],
        NOW,
      );
      const result = await insights(
        store,
        insightsQuerySchema.parse({ by: 'touchpoint', window: '30d', minSample: '30' }),
        undefined,
        NOW,
        DEFAULT_TOUCHPOINTS,
      );
      expect(
        (
          result as {
            journey: { key: string; kind: string; n: number; status?: { nps: string } }[];
          }
        ).journey
          .filter((step) => step.kind !== 'unspecified')
          .map((step) => [step.key, step.kind, step.n, step.status?.nps]),
      ).toEqual([
        ['pre-sale', 'configured', 0, 'not_enough'],
        ['contracting', 'configured', 40, 'met'],
        ['after-sale', 'configured', 40, 'missed'],
        ['renouvellement', 'unknown', 1, undefined],
      ]);
    } finally {
      await store.close();
    }
  });
});
