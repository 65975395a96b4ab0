import type { Answer } from '@boucle/shared/schemas';
import type { Crm, StoredCallback } from '../../src/store/store.ts';
import { DAY, HOUR, NOW, iso, type Seeded } from './seededInsights.ts';

// The figures the insights API must give, computed here with plain loops from the definitions
// (domain.md: NPS, its margin, the combined margin; the brief: first contact within the SLA,
// median and p90 delays), not with the shared functions the API uses.

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

export function expected(
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
    return c.links.some((link) => link.crm === crm) && at > from && at <= NOW;
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
