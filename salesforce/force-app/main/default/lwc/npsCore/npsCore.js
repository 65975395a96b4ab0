/* Generated from shared/ by scripts/build-targets.ts: do not edit; run `npm run build:targets`. */
var __defProp = Object.defineProperty;
var __defNormalProp = (obj, key, value) => key in obj ? __defProp(obj, key, { enumerable: true, configurable: true, writable: true, value }) : obj[key] = value;
var __publicField = (obj, key, value) => __defNormalProp(obj, typeof key !== "symbol" ? key + "" : key, value);

// shared/src/errors.ts
var DomainError = class extends Error {
  /**
   * @param code stable machine-readable code
   * @param field dotted path of the offending value
   * @param message human-readable explanation that names the field
   */
  constructor(code, field, message) {
    super(message);
    /** Stable machine-readable code, e.g. `score_out_of_range`. */
    __publicField(this, "code");
    /** Dotted path of the offending value, e.g. `score` or `businessHours.timeZone`. */
    __publicField(this, "field");
    this.name = "DomainError";
    this.code = code;
    this.field = field;
  }
};

// shared/src/nps/metrics.ts
var METRICS = ["nps", "csat", "ces"];
var SCORE_RANGES = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
  ces: { min: 1, max: 7 }
};
function isValidScore(metric, score) {
  const range = SCORE_RANGES[metric];
  return Number.isInteger(score) && score >= range.min && score <= range.max;
}
function assertValidScore(metric, score) {
  if (!isValidScore(metric, score)) {
    const range = SCORE_RANGES[metric];
    throw new DomainError(
      "score_out_of_range",
      "score",
      `score must be an integer from ${range.min} to ${range.max} for metric ${metric}, got ${String(score)}`
    );
  }
}
function classifyNps(score) {
  assertValidScore("nps", score);
  if (score <= 6) return "detractor";
  return score <= 8 ? "passive" : "promoter";
}
function classifyScore(metric, score) {
  if (metric === "nps") return classifyNps(score);
  assertValidScore(metric, score);
  if (metric === "csat") {
    if (score <= 2) return "dissatisfied";
    return score === 3 ? "neutral" : "satisfied";
  }
  if (score <= 3) return "low_effort";
  return score === 4 ? "medium_effort" : "high_effort";
}

// shared/src/nps/stats.ts
var DEFAULT_MIN_SAMPLE = 30;
var Z95 = 1.96;
function npsMargin(promoterShare, detractorShare, n) {
  const diff = promoterShare - detractorShare;
  const variance = promoterShare + detractorShare - diff * diff;
  return Z95 * Math.sqrt(Math.max(0, variance) / n) * 100;
}
function npsFromCounts(counts, options = {}) {
  const { promoters, passives, detractors } = counts;
  for (const [field, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 0) {
      throw new DomainError(
        "invalid_count",
        field,
        `${field} must be a non-negative integer, got ${String(value)}`
      );
    }
  }
  const n = promoters + passives + detractors;
  const minSample = options.minSample ?? DEFAULT_MIN_SAMPLE;
  if (n === 0) {
    return { n, promoters, passives, detractors, nps: null, margin: null, lowSample: true };
  }
  const p = promoters / n;
  const d = detractors / n;
  return {
    n,
    promoters,
    passives,
    detractors,
    nps: (p - d) * 100,
    margin: npsMargin(p, d, n),
    lowSample: n < minSample
  };
}
function countNps(answers) {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const answer of answers) {
    if (answer.metric !== "nps") continue;
    const category = classifyNps(answer.score);
    if (category === "promoter") promoters++;
    else if (category === "passive") passives++;
    else detractors++;
  }
  return { promoters, passives, detractors };
}
function computeNps(answers, options = {}) {
  return npsFromCounts(countNps(answers), options);
}
function computeCsat(answers) {
  let n = 0;
  let satisfied = 0;
  for (const answer of answers) {
    if (answer.metric !== "csat") continue;
    assertValidScore("csat", answer.score);
    n++;
    if (answer.score >= 4) satisfied++;
  }
  return { n, csat: n === 0 ? null : satisfied / n * 100 };
}
function computeCes(answers) {
  let n = 0;
  let sum = 0;
  for (const answer of answers) {
    if (answer.metric !== "ces") continue;
    assertValidScore("ces", answer.score);
    n++;
    sum += answer.score;
  }
  return { n, ces: n === 0 ? null : sum / n };
}
function roundOneDecimal(value) {
  if (value === null) return null;
  const rounded2 = Math.round(value * 10) / 10;
  return rounded2 === 0 ? 0 : rounded2;
}
function roundNpsStats(stats) {
  return { ...stats, nps: roundOneDecimal(stats.nps), margin: roundOneDecimal(stats.margin) };
}

// shared/src/nps/groups.ts
var UNSPECIFIED_KEY = "unspecified";
function newTally() {
  return {
    promoters: 0,
    passives: 0,
    detractors: 0,
    csatN: 0,
    csatSatisfied: 0,
    cesN: 0,
    cesSum: 0
  };
}
function addToTally(tally, answer) {
  assertValidScore(answer.metric, answer.score);
  const { score } = answer;
  if (answer.metric === "nps") {
    if (score <= 6) tally.detractors++;
    else if (score <= 8) tally.passives++;
    else tally.promoters++;
  } else if (answer.metric === "csat") {
    tally.csatN++;
    if (score >= 4) tally.csatSatisfied++;
  } else {
    tally.cesN++;
    tally.cesSum += score;
  }
}
function addTallies(into, tally) {
  into.promoters += tally.promoters;
  into.passives += tally.passives;
  into.detractors += tally.detractors;
  into.csatN += tally.csatN;
  into.csatSatisfied += tally.csatSatisfied;
  into.cesN += tally.cesN;
  into.cesSum += tally.cesSum;
}
function summaryOfTally(tally, options = {}) {
  const stats = npsFromCounts(tally, options);
  const extra = {};
  if (tally.csatN > 0)
    extra.csat = { n: tally.csatN, csat: tally.csatSatisfied / tally.csatN * 100 };
  if (tally.cesN > 0) extra.ces = { n: tally.cesN, ces: tally.cesSum / tally.cesN };
  return { ...stats, ...extra };
}
function summarizeScores(answers, options = {}) {
  const tally = newTally();
  for (const answer of answers) addToTally(tally, answer);
  return summaryOfTally(tally, options);
}
function groupScores(answers, keyOf, options = {}) {
  const tallies = /* @__PURE__ */ new Map();
  for (const answer of answers) {
    const key = keyOf(answer) || UNSPECIFIED_KEY;
    let tally = tallies.get(key);
    if (!tally) {
      tally = newTally();
      tallies.set(key, tally);
    }
    addToTally(tally, answer);
  }
  return [...tallies.keys()].sort().map((key) => ({ key, ...summaryOfTally(tallies.get(key), options) }));
}
function parseInstant(iso, field) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new DomainError("invalid_date", field, `${field} must be an ISO 8601 date, got "${iso}"`);
  }
  return ms;
}
function periodKey(epochMs, period) {
  const date = new Date(epochMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return period === "month" ? `${year}-${String(month + 1).padStart(2, "0")}` : `${year}-Q${Math.floor(month / 3) + 1}`;
}
function nextPeriodStart(epochMs, period) {
  const date = new Date(epochMs);
  const step = period === "month" ? 1 : 3;
  const firstMonth = period === "month" ? date.getUTCMonth() : Math.floor(date.getUTCMonth() / 3) * 3;
  return Date.UTC(date.getUTCFullYear(), firstMonth + step, 1);
}
function trendBy(answers, period, options = {}) {
  const dated = [...answers].map(({ metric, score, answeredAt }) => ({
    metric,
    score,
    at: parseInstant(answeredAt, "answeredAt")
  }));
  let first;
  let last;
  if (options.range) {
    first = parseInstant(options.range.from, "range.from");
    last = parseInstant(options.range.to, "range.to");
  } else {
    const times = dated.map((entry) => entry.at);
    first = Math.min(...times);
    last = Math.max(...times);
  }
  const kept = options.range ? dated.filter((entry) => entry.at >= first && entry.at <= last) : dated;
  const groups = groupScores(kept, (entry) => periodKey(entry.at, period), options);
  if (!options.range && (!options.fillGaps || groups.length < 2)) return groups;
  const byKey = new Map(groups.map((group) => [group.key, group]));
  const lastKey = periodKey(last, period);
  const filled = [];
  if (first > last) return filled;
  for (let cursor = first; ; cursor = nextPeriodStart(cursor, period)) {
    const key = periodKey(cursor, period);
    filled.push(byKey.get(key) ?? { key, ...summarizeScores([], options) });
    if (key === lastKey) return filled;
  }
}
function breakdownByTouchpoint(answers, options = {}) {
  return groupScores(answers, (answer) => answer.touchpoint, options);
}

// shared/src/nps/display.ts
function roundSummary(summary) {
  return {
    ...summary,
    nps: roundOneDecimal(summary.nps),
    margin: roundOneDecimal(summary.margin),
    ...summary.csat && { csat: { n: summary.csat.n, csat: roundOneDecimal(summary.csat.csat) } },
    ...summary.ces && { ces: { n: summary.ces.n, ces: roundOneDecimal(summary.ces.ces) } }
  };
}

// shared/src/nps/weighted.ts
function weightedNps(answers, weightOf, options = {}) {
  let n = 0;
  let total = 0;
  let sumSquares = 0;
  let promoterWeight = 0;
  let detractorWeight = 0;
  for (const answer of answers) {
    if (answer.metric !== "nps") continue;
    const weight = weightOf(answer);
    if (!Number.isFinite(weight) || weight < 0) {
      throw new DomainError(
        "invalid_weight",
        "weight",
        `weight must be a finite number \u2265 0, got ${String(weight)}`
      );
    }
    const category = classifyNps(answer.score);
    n++;
    total += weight;
    sumSquares += weight * weight;
    if (category === "promoter") promoterWeight += weight;
    else if (category === "detractor") detractorWeight += weight;
  }
  const minSample = options.minSample ?? DEFAULT_MIN_SAMPLE;
  if (total === 0) {
    return {
      n,
      totalWeight: 0,
      effectiveN: 0,
      nps: null,
      margin: null,
      lowSample: true,
      sample: "no_answers"
    };
  }
  const effectiveN = total * total / sumSquares;
  const p = promoterWeight / total;
  const d = detractorWeight / total;
  let sample = "enough";
  if (effectiveN < minSample) sample = "too_few_answers";
  else if (promoterWeight === total || detractorWeight === total || promoterWeight + detractorWeight === 0)
    sample = "one_sided";
  return {
    n,
    totalWeight: total,
    effectiveN,
    nps: (p - d) * 100,
    margin: npsMargin(p, d, effectiveN),
    lowSample: effectiveN < minSample,
    sample
  };
}

// shared/src/nps/norm.ts
function compareWithNorm(subject, norm) {
  if (subject.nps === null || norm.nps === null || subject.margin === null || norm.margin === null) {
    return { delta: null, combinedMargin: null, significant: false, direction: "level" };
  }
  const delta = subject.nps - norm.nps;
  const combinedMargin = Math.hypot(subject.margin, norm.margin);
  const significant = Math.abs(delta) > combinedMargin;
  let direction = "level";
  if (significant) direction = delta > 0 ? "above" : "below";
  return { delta, combinedMargin, significant, direction };
}

// shared/src/nps/versusNorm.ts
function sampleVerdict(stats, minSample = DEFAULT_MIN_SAMPLE) {
  if (stats.n === 0) return "no_answers";
  if (stats.n < minSample) return "too_few_answers";
  const oneSided = stats.promoters === stats.n || stats.passives === stats.n || stats.detractors === stats.n;
  return oneSided ? "one_sided" : "enough";
}
function shown(stats, minSample) {
  const sample = sampleVerdict(stats, minSample);
  return {
    n: stats.n,
    promoters: stats.promoters,
    passives: stats.passives,
    detractors: stats.detractors,
    nps: roundOneDecimal(stats.nps),
    margin: sample === "enough" ? roundOneDecimal(stats.margin) : null,
    sample
  };
}
function rounded(comparison) {
  return {
    ...comparison,
    delta: roundOneDecimal(comparison.delta),
    combinedMargin: roundOneDecimal(comparison.combinedMargin)
  };
}
function compareGroupsWithNorm(answers, keyOf, options) {
  const from = parseInstant(options.window.from, "window.from");
  const to = parseInstant(options.window.to, "window.to");
  const minSample = options.minSample ?? DEFAULT_MIN_SAMPLE;
  const tallies = /* @__PURE__ */ new Map();
  for (const answer of answers) {
    if (answer.metric !== "nps") continue;
    const at = Date.parse(answer.answeredAt);
    if (!(at > from && at <= to)) {
      if (Number.isNaN(at)) parseInstant(answer.answeredAt, "answeredAt");
      continue;
    }
    const score = answer.score;
    if (!isValidScore("nps", score)) assertValidScore("nps", score);
    const key = keyOf(answer) || UNSPECIFIED_KEY;
    let tally = tallies.get(key);
    if (!tally) {
      tally = [0, 0, 0];
      tallies.set(key, tally);
    }
    tally[score >= 9 ? 0 : score >= 7 ? 1 : 2]++;
  }
  const org = { promoters: 0, passives: 0, detractors: 0 };
  for (const [promoters, passives, detractors] of tallies.values()) {
    org.promoters += promoters;
    org.passives += passives;
    org.detractors += detractors;
  }
  const orgStats = npsFromCounts(org, { minSample });
  const all = [...tallies.keys()].sort().map((key) => {
    const [promoters, passives, detractors] = tallies.get(key);
    const stats = npsFromCounts({ promoters, passives, detractors }, { minSample });
    const restStats = npsFromCounts(
      {
        promoters: org.promoters - promoters,
        passives: org.passives - passives,
        detractors: org.detractors - detractors
      },
      { minSample }
    );
    const group = shown(stats, minSample);
    const rest = shown(restStats, minSample);
    const comparison = compareWithNorm(
      { nps: stats.nps, margin: group.margin === null ? null : stats.margin },
      { nps: restStats.nps, margin: rest.margin === null ? null : restStats.margin }
    );
    return { key, ...group, rank: null, rest, comparison: rounded(comparison), raw: stats.nps };
  });
  const groups = [];
  for (const { raw: _raw, ...entry } of all.filter((entry2) => entry2.sample === "enough").sort((a, b) => b.raw - a.raw)) {
    const previous = groups[groups.length - 1];
    const rank = previous && previous.nps === entry.nps ? previous.rank : groups.length + 1;
    groups.push({ ...entry, rank });
  }
  const hints = all.filter((entry) => entry.sample !== "enough").map(({ raw: _raw, ...entry }) => entry);
  return {
    window: { from: options.window.from, to: options.window.to },
    minSample,
    org: shown(orgStats, minSample),
    groups,
    hints
  };
}

// shared/src/nps/counted.ts
function summaryOfCountedTally(tally, options) {
  const { promoters, passives, detractors, csatN, cesN } = tally;
  const n = promoters + passives + detractors;
  let summary;
  if (n === 0) {
    summary = { n, promoters, passives, detractors, nps: null, margin: null, lowSample: true };
  } else {
    const p = promoters / n;
    const d = detractors / n;
    summary = {
      n,
      promoters,
      passives,
      detractors,
      nps: (p - d) * 100,
      margin: npsMargin(p, d, n),
      lowSample: n < (options.minSample ?? DEFAULT_MIN_SAMPLE)
    };
  }
  if (csatN === 0 && cesN === 0) return summary;
  return {
    ...summary,
    ...csatN > 0 && { csat: { n: csatN, csat: tally.csatSatisfied / csatN * 100 } },
    ...cesN > 0 && { ces: { n: cesN, ces: tally.cesSum / cesN } }
  };
}

// shared/src/journey/targets.ts
var Z952 = 1.96;
var CES_MAX_SD = 3;
function statusOf(value, margin, target, higherIsBetter) {
  const [worst, best] = higherIsBetter ? [value - margin, value + margin] : [value + margin, value - margin];
  const beats = (a) => higherIsBetter ? a >= target : a <= target;
  if (beats(worst)) return "met";
  if (!beats(best)) return "missed";
  return "not_enough";
}
function npsTargetStatus(stats, target) {
  if (stats.nps === null || stats.margin === null || stats.lowSample) return "not_enough";
  return statusOf(stats.nps, stats.margin, target, true);
}
function csatTargetStatus(stats, target, minSample = DEFAULT_MIN_SAMPLE) {
  if (stats.csat === null || stats.n < minSample) return "not_enough";
  const p = stats.csat / 100;
  return statusOf(stats.csat, Z952 * Math.sqrt(p * (1 - p) / stats.n) * 100, target, true);
}
function cesTargetStatus(stats, target, minSample = DEFAULT_MIN_SAMPLE) {
  if (stats.ces === null || stats.n < minSample) return "not_enough";
  return statusOf(stats.ces, Z952 * CES_MAX_SD / Math.sqrt(stats.n), target, false);
}

// shared/src/journey/touchpoints.ts
var MAX_ADVISED_JOURNEY_STEPS = 15;
var DEFAULT_JOURNEY_NAME = "b2b";
var DEFAULT_TOUCHPOINTS = [
  {
    key: "pre-sale",
    labelEn: "Pre-sale",
    labelFr: "Avant-vente",
    journey: DEFAULT_JOURNEY_NAME,
    order: 1,
    targetNps: 40
  },
  {
    key: "contracting",
    labelEn: "Contracting",
    labelFr: "Contractualisation",
    journey: DEFAULT_JOURNEY_NAME,
    order: 2,
    targetNps: 30
  },
  {
    key: "after-sale",
    labelEn: "After-sale",
    labelFr: "Apr\xE8s-vente",
    journey: DEFAULT_JOURNEY_NAME,
    order: 3,
    targetNps: 20,
    targetCsat: 80
  }
];
function normalizeTouchpointLabel(label) {
  return label.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}
function touchpointForms(touchpoint) {
  return [
    ...new Set(
      [touchpoint.key, touchpoint.labelEn, touchpoint.labelFr].map(normalizeTouchpointLabel)
    )
  ];
}
function touchpointMatcher(touchpoints) {
  const byForm = /* @__PURE__ */ new Map();
  for (const touchpoint of touchpoints)
    for (const form of touchpointForms(touchpoint))
      if (!byForm.has(form)) byForm.set(form, touchpoint);
  return (label) => label ? byForm.get(normalizeTouchpointLabel(label)) : void 0;
}
function matchTouchpoint(label, touchpoints) {
  return touchpointMatcher(touchpoints)(label);
}
function orderJourney(touchpoints) {
  const journeys = [];
  for (const touchpoint of touchpoints)
    if (!journeys.includes(touchpoint.journey)) journeys.push(touchpoint.journey);
  return [...touchpoints].sort(
    (a, b) => journeys.indexOf(a.journey) - journeys.indexOf(b.journey) || a.order - b.order
  );
}
function touchpointLabel(labels, language) {
  return /^fr(\b|[-_])/i.test(language ?? "") ? labels.labelFr : labels.labelEn;
}

// shared/src/journey/steps.ts
var answered = (group) => group.n + (group.csat?.n ?? 0) + (group.ces?.n ?? 0);
function journeySteps(answers, touchpoints, options = {}) {
  const byLabel = /* @__PURE__ */ new Map();
  for (const answer of answers) {
    let tally = byLabel.get(answer.touchpoint);
    if (!tally) {
      tally = newTally();
      byLabel.set(answer.touchpoint, tally);
    }
    addToTally(tally, answer);
  }
  return journeyStepsOfLabels(byLabel, touchpoints, options);
}
var prepared = /* @__PURE__ */ new WeakMap();
function preparedJourney(touchpoints) {
  let journey = prepared.get(touchpoints);
  if (!journey) {
    journey = { match: touchpointMatcher(touchpoints), ordered: orderJourney(touchpoints) };
    prepared.set(touchpoints, journey);
  }
  return journey;
}
function journeyStepsOfLabels(byLabel, touchpoints, options) {
  const { match, ordered } = preparedJourney(touchpoints);
  const unknownLabels = /* @__PURE__ */ new Map();
  const tallies = /* @__PURE__ */ new Map();
  for (const [label, tally] of byLabel) {
    const form = label ? normalizeTouchpointLabel(label) : "";
    let key = UNSPECIFIED_KEY;
    if (label && form !== "") {
      const touchpoint = match(label);
      if (touchpoint) key = `k:${touchpoint.key}`;
      else {
        if (!unknownLabels.has(form)) unknownLabels.set(form, label.trim());
        key = `u:${form}`;
      }
    }
    const known = tallies.get(key);
    if (known) addTallies(known, tally);
    else tallies.set(key, { ...tally });
  }
  const groups = /* @__PURE__ */ new Map();
  for (const [key, tally] of tallies) groups.set(key, { key, ...summaryOfTally(tally, options) });
  const figures = (key) => groups.get(key) ?? { key, ...summarizeScores([], options) };
  const minSample = options.minSample;
  const configured = ordered.map((touchpoint) => {
    const group = figures(`k:${touchpoint.key}`);
    return {
      ...group,
      key: touchpoint.key,
      kind: "configured",
      labelEn: touchpoint.labelEn,
      labelFr: touchpoint.labelFr,
      journey: touchpoint.journey,
      order: touchpoint.order,
      targetNps: touchpoint.targetNps,
      ...touchpoint.targetCsat !== void 0 && { targetCsat: touchpoint.targetCsat },
      ...touchpoint.targetCes !== void 0 && { targetCes: touchpoint.targetCes },
      status: {
        nps: npsTargetStatus(group, touchpoint.targetNps),
        ...touchpoint.targetCsat !== void 0 && {
          csat: csatTargetStatus(
            group.csat ?? { n: 0, csat: null },
            touchpoint.targetCsat,
            minSample
          )
        },
        ...touchpoint.targetCes !== void 0 && {
          ces: cesTargetStatus(group.ces ?? { n: 0, ces: null }, touchpoint.targetCes, minSample)
        }
      }
    };
  });
  const unknown = [...unknownLabels].map(([form, label]) => ({
    ...figures(`u:${form}`),
    key: form,
    kind: "unknown",
    labelEn: label,
    labelFr: label
  })).sort((a, b) => answered(b) - answered(a));
  const unspecified = groups.get(UNSPECIFIED_KEY);
  return [
    ...configured,
    ...unknown,
    ...unspecified ? [{ ...unspecified, kind: "unspecified", labelEn: "", labelFr: "" }] : []
  ];
}

// shared/src/nps/accountSummary.ts
var DAY_MS = 864e5;
function summarizeAccount(answers, options) {
  const frame = frameOf(options);
  const counts = newCounts(frame);
  for (const answer of answers) count(frame, counts, answer);
  return summaryOfCounts(frame, counts, options);
}
function summarizeAccounts(answers, accountOf, options) {
  const frame = frameOf(options);
  const byAccount = /* @__PURE__ */ new Map();
  for (const answer of answers) {
    const account = accountOf(answer);
    let counts = byAccount.get(account);
    if (!counts) {
      counts = newCounts(frame);
      byAccount.set(account, counts);
    }
    count(frame, counts, answer);
  }
  const summaries = /* @__PURE__ */ new Map();
  for (const [account, counts] of byAccount)
    summaries.set(account, summaryOfCounts(frame, counts, options));
  return summaries;
}
function frameOf(options) {
  const windowDays = options.windowDays ?? 90;
  const nowMs = parseInstant(options.now, "now");
  const trendFromMs = Date.UTC(
    new Date(nowMs).getUTCFullYear(),
    new Date(nowMs).getUTCMonth() - ((options.trendMonths ?? 12) - 1),
    1
  );
  return {
    windowDays,
    nowMs,
    fromMs: nowMs - windowDays * DAY_MS,
    trendFromMs,
    monthStarts: trendFromMs <= nowMs ? monthStartsBetween(trendFromMs, nowMs) : []
  };
}
function newCounts(frame) {
  return {
    counts: new Float64Array(SLOTS * Math.max(1, frame.monthStarts.length)),
    byLabel: /* @__PURE__ */ new Map(),
    commented: [],
    invalidInWindow: void 0,
    invalidInTrend: void 0,
    month: 0
  };
}
function count(frame, counts, answer) {
  const at = parseInstant(answer.answeredAt, "answeredAt");
  if (at > frame.nowMs) return;
  const inWindow = at > frame.fromMs;
  const inTrend = at >= frame.trendFromMs;
  if (!inWindow && !inTrend) return;
  if (!scoreIsValid(answer)) {
    if (inWindow) counts.invalidInWindow ?? (counts.invalidInWindow = answer);
    else counts.invalidInTrend ?? (counts.invalidInTrend = answer);
    return;
  }
  if (inTrend) {
    const starts = frame.monthStarts;
    let month = counts.month;
    while (at < starts[month]) month--;
    while (at >= starts[month + 1]) month++;
    counts.month = month;
    countValid(counts.counts, SLOTS * (month + 1), answer);
  }
  if (!inWindow) return;
  countValid(counts.counts, 0, answer);
  let tally = counts.byLabel.get(answer.touchpoint);
  if (!tally) {
    tally = new Float64Array(SLOTS);
    counts.byLabel.set(answer.touchpoint, tally);
  }
  countValid(tally, 0, answer);
  if (answer.comment && answer.comment.trim() !== "") counts.commented.push({ answer, at });
}
function summaryOfCounts(frame, counts, options) {
  const { invalidInWindow, invalidInTrend } = counts;
  if (invalidInWindow) assertValidScore(invalidInWindow.metric, invalidInWindow.score);
  const byLabel = /* @__PURE__ */ new Map();
  for (const [label, slots] of counts.byLabel) byLabel.set(label, tallyAt(slots, 0));
  const overall = summaryOfCountedTally(tallyAt(counts.counts, 0), options);
  const verbatims = counts.commented.sort((a, b) => b.at - a.at).slice(0, options.verbatimCount ?? 5).map(({ answer }) => ({
    answerId: answer.id,
    metric: answer.metric,
    score: answer.score,
    category: classifyScore(answer.metric, answer.score),
    comment: answer.comment,
    answeredAt: answer.answeredAt,
    ...answer.touchpoint !== void 0 && { touchpoint: answer.touchpoint },
    ...answer.language !== void 0 && { language: answer.language }
  }));
  new Date(frame.trendFromMs).toISOString();
  if (invalidInTrend) assertValidScore(invalidInTrend.metric, invalidInTrend.score);
  const trend = frame.monthStarts.slice(1).map((_, index) => ({
    key: periodKey(frame.monthStarts[index], "month"),
    ...summaryOfCountedTally(tallyAt(counts.counts, SLOTS * (index + 1)), options)
  }));
  return {
    window: {
      from: new Date(frame.fromMs).toISOString(),
      to: new Date(frame.nowMs).toISOString(),
      days: frame.windowDays
    },
    overall,
    trend,
    touchpoints: touchpointsOfLabels(byLabel, options),
    journey: journeyStepsOfLabels(byLabel, options.touchpoints ?? DEFAULT_TOUCHPOINTS, options),
    verbatims,
    norm: options.norm ? { ...options.norm, comparison: compareWithNorm(overall, options.norm) } : null
  };
}
function scoreIsValid(answer) {
  const { metric, score } = answer;
  if (!Number.isInteger(score)) return false;
  if (metric === "nps") return score >= 0 && score <= 10;
  if (metric === "csat" || metric === "ces") return isValidScore(metric, score);
  return false;
}
var SLOTS = 7;
function countValid(slots, at, answer) {
  const score = answer.score;
  if (answer.metric === "nps") slots[at + (score <= 6 ? 2 : score <= 8 ? 1 : 0)]++;
  else if (answer.metric === "csat") {
    slots[at + 3]++;
    if (score >= 4) slots[at + 4]++;
  } else {
    slots[at + 5]++;
    slots[at + 6] += score;
  }
}
function tallyAt(slots, at) {
  return {
    promoters: slots[at],
    passives: slots[at + 1],
    detractors: slots[at + 2],
    csatN: slots[at + 3],
    csatSatisfied: slots[at + 4],
    cesN: slots[at + 5],
    cesSum: slots[at + 6]
  };
}
function monthStartsBetween(fromMs, toMs) {
  const from = new Date(fromMs);
  const to = new Date(toMs);
  const count2 = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth() + 1;
  return Array.from(
    { length: count2 + 1 },
    (_, index) => Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + index, 1)
  );
}
function touchpointsOfLabels(byLabel, options) {
  const tallies = /* @__PURE__ */ new Map();
  for (const [label, tally] of byLabel) {
    const key = label || UNSPECIFIED_KEY;
    const known = tallies.get(key);
    if (known) addTallies(known, tally);
    else tallies.set(key, { ...tally });
  }
  return [...tallies.keys()].sort().map((key) => ({ key, ...summaryOfCountedTally(tallies.get(key), options) }));
}

// shared/src/thresholds/kinds.ts
var ALERT_KINDS = [
  "detractor_recovery",
  "promoter_thanks",
  "dissonance",
  "account_alert"
];
var ASSIGNEE_RULES = ["account_owner", "owners_manager", "queue"];

// shared/src/time/zone.ts
var MINUTE_MS = 6e4;
var DAY_MS2 = 864e5;
var formatters = /* @__PURE__ */ new Map();
function formatterFor(timeZone) {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric"
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}
function isValidTimeZone(timeZone) {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}
function zonedFields(epochMs, timeZone) {
  const fields = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year,
    month: fields.month,
    day: fields.day,
    hour: fields.hour,
    minute: fields.minute,
    second: fields.second
  };
}
function zoneOffsetMs(epochMs, timeZone) {
  const f = zonedFields(epochMs, timeZone);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return asUtc - Math.floor(epochMs / 1e3) * 1e3;
}
function zonedToEpochMs(date, minuteOfDay, timeZone) {
  const naive = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MINUTE_MS;
  const before = zoneOffsetMs(naive - DAY_MS2, timeZone);
  const after = zoneOffsetMs(naive + DAY_MS2, timeZone);
  const candidates = [naive - before, naive - after].filter(
    (instant, index) => zoneOffsetMs(instant, timeZone) === (index === 0 ? before : after)
  );
  return candidates.length === 0 ? naive - before : Math.min(...candidates);
}
function nextLocalDate(date) {
  const next = new Date(Date.UTC(date.year, date.month - 1, date.day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}
function dayOfWeek(date) {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}
function formatLocalDate(date) {
  return `${date.year}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
}

// shared/src/thresholds/businessHours.ts
var DAYS_OF_WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
var HOUR_MS = 36e5;
var JS_DAY_ORDER = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
var MAX_DAYS_SCANNED = 3660;
function minutesOf(clock) {
  const [hours, minutes] = clock.split(":").map(Number);
  return hours * 60 + minutes;
}
function addBusinessHours(fromMs, hours, businessHours) {
  const { timeZone } = businessHours;
  const workingDays = new Set(businessHours.days);
  const holidays = new Set(businessHours.holidays);
  const startMinute = minutesOf(businessHours.start);
  const endMinute = minutesOf(businessHours.end);
  let remaining = hours * HOUR_MS;
  let date = zonedFields(fromMs, timeZone);
  for (let scanned = 0; scanned < MAX_DAYS_SCANNED; scanned++) {
    const isWorkingDay = workingDays.has(JS_DAY_ORDER[dayOfWeek(date)]) && !holidays.has(formatLocalDate(date));
    if (isWorkingDay) {
      const opens = zonedToEpochMs(date, startMinute, timeZone);
      const closes = zonedToEpochMs(date, endMinute, timeZone);
      const from = Math.max(opens, fromMs);
      if (from < closes) {
        const available = closes - from;
        if (remaining <= available) return from + remaining;
        remaining -= available;
      }
    }
    date = nextLocalDate(date);
  }
  throw new DomainError(
    "no_working_time",
    "businessHours",
    `businessHours leave no working time in the ${MAX_DAYS_SCANNED} days after the alert`
  );
}
function dueInstant(fromMs, hours, businessHours) {
  return businessHours ? addBusinessHours(fromMs, hours, businessHours) : fromMs + hours * HOUR_MS;
}

// shared/src/dissonance/classify.ts
var DEFAULT_DISSONANCE_SETTINGS = {
  confidentMin: 4,
  doubtfulMax: 2,
  bands: {
    nps: { unhappy: { min: 0, max: 4 }, happy: { min: 9, max: 10 } },
    csat: { unhappy: { min: 1, max: 2 }, happy: { min: 5, max: 5 } },
    ces: { unhappy: { min: 6, max: 7 }, happy: { min: 1, max: 2 } }
  }
};
function customerMood(metric, score, settings = DEFAULT_DISSONANCE_SETTINGS) {
  assertValidScore(metric, score);
  const bands = settings.bands[metric];
  if (score >= bands.unhappy.min && score <= bands.unhappy.max) return "unhappy";
  if (score >= bands.happy.min && score <= bands.happy.max) return "happy";
  return "middle";
}
function classifyDissonance(customer, employeeRating, settings = DEFAULT_DISSONANCE_SETTINGS) {
  if (!Number.isInteger(employeeRating) || employeeRating < 1 || employeeRating > 5) {
    throw new DomainError(
      "rating_out_of_range",
      "rating",
      `rating must be an integer from 1 to 5, got ${String(employeeRating)}`
    );
  }
  const mood = customerMood(customer.metric, customer.score, settings);
  const confident = employeeRating >= settings.confidentMin;
  const doubtful = employeeRating <= settings.doubtfulMax;
  const pair = `employee rated ${employeeRating}/5, customer gave ${customer.score} (${customer.metric})`;
  if (confident && mood === "unhappy") {
    return {
      kind: "dissonance",
      reviewWorthy: true,
      reason: `${pair}: confident employee, unhappy customer`
    };
  }
  if (confident && mood === "middle") {
    return {
      kind: "fatalist",
      reviewWorthy: true,
      reason: `${pair}: process followed, customer resigned`
    };
  }
  if (doubtful && mood === "happy") {
    return {
      kind: "improvement",
      reviewWorthy: false,
      reason: `${pair}: customer values what the employee doubts`
    };
  }
  return { kind: "aligned", reviewWorthy: false, reason: `${pair}: aligned` };
}

// shared/src/thresholds/evaluate.ts
function sameTouchpoint(rule, touchpoint, match) {
  if (!rule.touchpoint) return true;
  const [ruleStep, answerStep] = [match(rule.touchpoint), match(touchpoint)];
  if (ruleStep) return ruleStep === answerStep;
  return normalizeTouchpointLabel(touchpoint ?? "") === normalizeTouchpointLabel(rule.touchpoint);
}
function evaluateThresholds(input) {
  const { answer, rules, businessHours } = input;
  assertValidScore(answer.metric, answer.score);
  const nowMs = parseInstant(input.now, "now");
  const rating = input.rating && answer.interactionId && input.rating.interactionId === answer.interactionId ? input.rating : void 0;
  const dissonance = rating ? classifyDissonance(answer, rating.rating, input.dissonance) : void 0;
  const match = touchpointMatcher(input.touchpoints ?? DEFAULT_TOUCHPOINTS);
  const chosen = /* @__PURE__ */ new Map();
  for (const rule of rules) {
    const matches = rule.active && rule.metric === answer.metric && answer.score >= rule.minScore && answer.score <= rule.maxScore && sameTouchpoint(rule, answer.touchpoint, match) && (rule.kind !== "dissonance" || dissonance?.reviewWorthy === true);
    if (!matches) continue;
    const current = chosen.get(rule.kind);
    if (!current || rule.slaHours < current.slaHours) chosen.set(rule.kind, rule);
  }
  const alerts = [...chosen.values()].map((rule) => {
    const scope = rule.touchpoint ? ` at ${rule.touchpoint}` : "";
    const reason = rule.kind === "dissonance" && dissonance ? dissonance.reason : `${answer.metric.toUpperCase()} ${answer.score} within ${rule.minScore}\u2013${rule.maxScore}${scope} (rule ${rule.id})`;
    return {
      ruleId: rule.id,
      kind: rule.kind,
      slaHours: rule.slaHours,
      dueAt: new Date(dueInstant(nowMs, rule.slaHours, businessHours)).toISOString(),
      ...rule.escalateAfterHours !== void 0 && {
        escalateAt: new Date(
          dueInstant(nowMs, rule.escalateAfterHours, businessHours)
        ).toISOString()
      },
      assignTo: rule.assignTo,
      ...rule.queue !== void 0 && { queue: rule.queue },
      reason,
      ...rule.kind === "dissonance" && dissonance && { dissonance: dissonance.kind }
    };
  });
  return alerts.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
}

// shared/src/thresholds/defaults.ts
var DEFAULT_THRESHOLD_RULES = [
  {
    id: "detractor",
    label: "Detractor callback",
    metric: "nps",
    minScore: 0,
    maxScore: 6,
    kind: "detractor_recovery",
    slaHours: 24,
    escalateAfterHours: 48,
    assignTo: "account_owner",
    active: true
  },
  {
    id: "promoter",
    label: "Promoter thanks",
    metric: "nps",
    minScore: 9,
    maxScore: 10,
    kind: "promoter_thanks",
    slaHours: 72,
    assignTo: "account_owner",
    active: true
  },
  {
    id: "dissonance",
    label: "Employee/customer dissonance review",
    metric: "nps",
    minScore: 0,
    maxScore: 8,
    kind: "dissonance",
    slaHours: 48,
    assignTo: "owners_manager",
    active: true
  }
];

// shared/src/callbacks/states.ts
var CALLBACK_STATUSES = [
  "open",
  "attempted",
  "reached",
  "resolved",
  "escalated",
  "closed_no_contact"
];
var CALLBACK_TARGET_STATUSES = [
  "attempted",
  "reached",
  "resolved",
  "escalated",
  "closed_no_contact"
];
var FINAL_CALLBACK_STATUSES = ["resolved", "closed_no_contact"];
var CALLBACK_TRANSITIONS = {
  open: ["attempted", "reached", "escalated"],
  attempted: ["attempted", "reached", "escalated", "closed_no_contact"],
  reached: ["resolved", "escalated"],
  escalated: ["attempted", "reached", "resolved", "closed_no_contact"],
  resolved: [],
  closed_no_contact: []
};

// shared/src/callbacks/stateMachine.ts
var LABELS = {
  open: "Open",
  attempted: "Attempted",
  reached: "Reached",
  resolved: "Resolved",
  escalated: "Escalated",
  closed_no_contact: "Closed no contact"
};
function refuse(code, reason) {
  return { ok: false, code, reason };
}
function nextCallbackState(callback, event, now) {
  const from = callback.status;
  const to = event.status;
  if (FINAL_CALLBACK_STATUSES.includes(from)) {
    return refuse(
      "closed",
      `the callback is already ${LABELS[from]}: a closed loop cannot be reopened`
    );
  }
  if (!CALLBACK_TRANSITIONS[from].includes(to)) {
    return refuse("not_allowed", `a callback cannot go from ${LABELS[from]} to ${LABELS[to]}`);
  }
  const at = event.at ?? now;
  if (parseInstant(at, "at") < parseInstant(callback.createdAt, "createdAt")) {
    return refuse("before_creation", "at must not be before the callback was created");
  }
  if (to === "resolved" && !callback.reachedAt) {
    return refuse("not_reached", "a callback is resolved only after the customer was reached");
  }
  if (to === "resolved" && !(event.outcome ?? callback.outcome)) {
    return refuse("outcome_required", "an outcome is required to resolve a callback");
  }
  if (to === "closed_no_contact" && !callback.firstContactAt) {
    return refuse("no_attempt", "log at least one contact attempt before closing without contact");
  }
  const next = { ...callback, status: to };
  if ((to === "attempted" || to === "reached") && !next.firstContactAt) next.firstContactAt = at;
  if (to === "reached") next.reachedAt = at;
  if (to === "escalated") next.escalatedAt = at;
  if (to === "resolved" || to === "closed_no_contact") next.closedAt = at;
  for (const field of ["outcome", "rootCause", "notes", "followUpAction"]) {
    if (event[field] !== void 0) next[field] = event[field];
  }
  return { ok: true, callback: next };
}
function canTransition(from, to) {
  return CALLBACK_TRANSITIONS[from].includes(to);
}
var PROGRESS = {
  open: 0,
  escalated: 1,
  attempted: 2,
  reached: 3,
  resolved: 4,
  closed_no_contact: 4
};
function isFurtherAlong(known, seen) {
  return PROGRESS[seen] > PROGRESS[known];
}

// shared/src/callbacks/readBack.ts
function mergeCrmState(callback, state, now) {
  const closed = state.status === "resolved" || state.status === "closed_no_contact";
  const reachedAt = state.reachedAt ?? callback.reachedAt;
  const contacted = state.status !== "open" && state.status !== "escalated";
  return {
    ...callback,
    status: state.status,
    ...reachedAt && { reachedAt },
    // Salesforce keeps no attempt time: the first sweep that sees it is the closest known bound
    // (the creation time would count every such callback as contacted at once, within its SLA).
    ...!callback.firstContactAt && contacted && { firstContactAt: reachedAt ?? now },
    ...state.outcome !== void 0 && { outcome: state.outcome },
    ...state.rootCause !== void 0 && { rootCause: state.rootCause },
    ...state.notes !== void 0 && { notes: state.notes },
    ...state.followUpAction !== void 0 && { followUpAction: state.followUpAction },
    ...closed && !callback.closedAt && { closedAt: now }
  };
}

// shared/src/callbacks/convergence.ts
function convergingEdit(first, second) {
  if (isFurtherAlong(first.status, second.status)) return second;
  if (isFurtherAlong(second.status, first.status)) return first;
  if (first.at === void 0 || second.at === void 0) return first;
  return Date.parse(second.at) > Date.parse(first.at) ? second : first;
}
function convergeEdits(edits) {
  let standing;
  for (const edit of edits) standing = standing ? convergingEdit(standing, edit) : edit;
  return standing;
}

// shared/src/callbacks/sla.ts
var HOUR_MS2 = 36e5;
function slaStoppedAt(callback) {
  return callback.reachedAt ?? callback.closedAt;
}
function slaStatus(callback, now) {
  const due = parseInstant(callback.dueAt, "dueAt");
  const stopped = slaStoppedAt(callback);
  if (stopped !== void 0) return parseInstant(stopped, "reachedAt") <= due ? "met" : "missed";
  const nowMs = parseInstant(now, "now");
  if (nowMs > due) return "overdue";
  const warning = Math.min(callback.slaHours / 4, 4) * HOUR_MS2;
  return due - nowMs <= warning ? "due_soon" : "on_time";
}
function hoursLeft(callback, now) {
  return (parseInstant(callback.dueAt, "dueAt") - parseInstant(now, "now")) / HOUR_MS2;
}
function decideEscalation(callback, now) {
  if (callback.status === "escalated" || callback.escalatedAt) {
    return { escalate: false, reason: "already escalated" };
  }
  if (callback.status !== "open" && callback.status !== "attempted") {
    return {
      escalate: false,
      reason: `the customer was reached or the callback is closed (${callback.status})`
    };
  }
  const limit = callback.escalateAt ?? callback.dueAt;
  const late = parseInstant(now, "now") >= parseInstant(limit, "escalateAt");
  return late ? { escalate: true, reason: `nobody reached the customer by ${limit}` } : { escalate: false, reason: `not late before ${limit}` };
}

// shared/src/callbacks/loopClosure.ts
var HOUR_MS3 = 36e5;
function percentile(values, q) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * q;
  const below = Math.floor(rank);
  const lower = sorted[below];
  const upper = sorted[Math.min(below + 1, sorted.length - 1)];
  return lower + (upper - lower) * (rank - below);
}
function median(values) {
  return percentile(values, 0.5);
}
function recoveryIndex(answers, callbacks) {
  const index = /* @__PURE__ */ new Map();
  for (const callback of callbacks) {
    if (callback.kind === "detractor_recovery" && callback.respondentEmail)
      index.set(callback.respondentEmail.toLowerCase(), []);
  }
  if (index.size === 0) return index;
  for (const answer of answers) {
    if (answer.metric !== "nps") continue;
    const list = index.get(answer.respondentEmail) ?? index.get(answer.respondentEmail.toLowerCase());
    if (list) list.push(parseInstant(answer.answeredAt, "answeredAt"), answer.score);
  }
  return index;
}
function nextScore(answers, after) {
  let nextAt = Infinity;
  let score;
  for (let i = 0; i < answers.length; i += 2) {
    const at = answers[i];
    if (at > after && at < nextAt) {
      nextAt = at;
      score = answers[i + 1];
    }
  }
  return score;
}
function metricsOf(callbacks, recovery, now) {
  const nowMs = parseInstant(now, "now");
  let closed = 0;
  let contactedWithinSla = 0;
  let contactedLate = 0;
  let overdue = 0;
  let escalated = 0;
  let detractorsResurveyed = 0;
  let detractorsRecovered = 0;
  const firstContactHours = [];
  for (const callback of callbacks) {
    if (callback.status === "resolved" || callback.status === "closed_no_contact") closed++;
    if (callback.status === "escalated" || callback.escalatedAt) escalated++;
    const created = parseInstant(callback.createdAt, "createdAt");
    const due = parseInstant(callback.dueAt, "dueAt");
    if (slaStoppedAt(callback) === void 0 && nowMs > due) overdue++;
    if (callback.firstContactAt) {
      const contacted = parseInstant(callback.firstContactAt, "firstContactAt");
      firstContactHours.push((contacted - created) / HOUR_MS3);
      if (contacted <= due) contactedWithinSla++;
      else contactedLate++;
    } else if (nowMs > due) {
      contactedLate++;
    }
    if (callback.kind !== "detractor_recovery" || !callback.respondentEmail) continue;
    const later = nextScore(
      recovery.get(callback.respondentEmail.toLowerCase()),
      created
    );
    if (later === void 0) continue;
    detractorsResurveyed++;
    if (classifyNps(later) !== "detractor") detractorsRecovered++;
  }
  const judged = contactedWithinSla + contactedLate;
  return {
    total: callbacks.length,
    closed,
    contactedWithinSla,
    contactedLate,
    withinSlaShare: judged === 0 ? null : contactedWithinSla / judged,
    medianHoursToFirstContact: median(firstContactHours),
    p90HoursToFirstContact: percentile(firstContactHours, 0.9),
    overdue,
    escalated,
    detractorsResurveyed,
    detractorsRecovered,
    recoveryShare: detractorsResurveyed === 0 ? null : detractorsRecovered / detractorsResurveyed
  };
}
function loopClosureMetrics(callbacks, answers, now) {
  return metricsOf(callbacks, recoveryIndex(answers, callbacks), now);
}
function loopClosureBy(callbacks, keyOf, options) {
  const from = options.window && parseInstant(options.window.from, "window.from");
  const to = options.window && parseInstant(options.window.to, "window.to");
  const groups = /* @__PURE__ */ new Map();
  for (const callback of callbacks) {
    if (from !== void 0 && to !== void 0) {
      const created = parseInstant(callback.createdAt, "createdAt");
      if (created <= from || created > to) continue;
    }
    const key = keyOf(callback) || UNSPECIFIED_KEY;
    const list = groups.get(key) ?? [];
    list.push(callback);
    groups.set(key, list);
  }
  const recovery = recoveryIndex(options.answers ?? [], [...groups.values()].flat());
  return [...groups.keys()].sort().map((key) => ({ key, ...metricsOf(groups.get(key), recovery, options.now) }));
}

// shared/src/pressure/decide.ts
var DAY_MS3 = 864e5;
var MAX_ROUNDS = 100;
function monthDay(epochMs) {
  return new Date(epochMs).toISOString().slice(5, 10);
}
function inQuietPeriod(epochMs, from, to) {
  const day = monthDay(epochMs);
  return from <= to ? day >= from && day <= to : day >= from || day <= to;
}
function endOfQuietPeriod(epochMs, from, to) {
  let cursor = Math.floor(epochMs / DAY_MS3) * DAY_MS3;
  for (let day = 0; day <= 366 && inQuietPeriod(cursor, from, to); day++) cursor += DAY_MS3;
  return cursor;
}
function windowCap(atMs, times, max, windowDays, reason) {
  const windowMs = windowDays * DAY_MS3;
  const inWindow = times.filter((t) => t <= atMs && t > atMs - windowMs).sort((a, b) => a - b);
  if (inWindow.length < max) return void 0;
  const leaving = inWindow[inWindow.length - max];
  return { reason: reason(inWindow.length), until: leaving + windowMs };
}
function gapCap(atMs, times, minDays, reason) {
  const last = Math.max(-Infinity, ...times.filter((t) => t <= atMs));
  if (minDays <= 0 || atMs >= last + minDays * DAY_MS3) return void 0;
  return {
    reason: reason(new Date(last).toISOString().slice(0, 10)),
    until: last + minDays * DAY_MS3
  };
}
function blockingCaps(atMs, input, contactTimes, accountTimes) {
  const { caps } = input;
  const checks = [
    gapCap(atMs, contactTimes, caps.contactMinDays, (last) => ({
      code: "contact_recently_surveyed",
      message: `this contact was surveyed on ${last}; at most one survey every ${caps.contactMinDays} days`
    })),
    caps.contactMaxSurveys === void 0 ? void 0 : windowCap(atMs, contactTimes, caps.contactMaxSurveys, caps.contactWindowDays, (n) => ({
      code: "contact_cap_reached",
      message: `this contact already had ${n} surveys in the last ${caps.contactWindowDays} days (cap ${caps.contactMaxSurveys})`
    })),
    gapCap(atMs, accountTimes, caps.accountMinDays, (last) => ({
      code: "account_recently_surveyed",
      message: `this account was surveyed on ${last}; at most one survey of an account every ${caps.accountMinDays} days`
    })),
    caps.accountMaxSurveys === void 0 ? void 0 : windowCap(atMs, accountTimes, caps.accountMaxSurveys, caps.accountWindowDays, (n) => ({
      code: "account_cap_reached",
      message: `this account already had ${n} surveys in the last ${caps.accountWindowDays} days (cap ${caps.accountMaxSurveys})`
    }))
  ].filter((check) => check !== void 0);
  for (const period of caps.quietPeriods) {
    if (inQuietPeriod(atMs, period.from, period.to)) {
      checks.push({
        reason: {
          code: "quiet_period",
          message: `no surveys from ${period.from} to ${period.to}${period.label ? ` (${period.label})` : ""}`
        },
        until: endOfQuietPeriod(atMs, period.from, period.to)
      });
    }
  }
  return checks;
}
function decideSurveyPressure(input) {
  const nowMs = parseInstant(input.now, "now");
  const contactTimes = [];
  const accountTimes = [];
  for (const event of input.history) {
    const at2 = parseInstant(event.sentAt, "sentAt");
    if (event.contactKey === input.contactKey) contactTimes.push(at2);
    if (input.accountKey && event.accountKey === input.accountKey) accountTimes.push(at2);
  }
  const reasons = blockingCaps(nowMs, input, contactTimes, accountTimes);
  if (reasons.length === 0) return { allowed: true };
  let at = nowMs;
  let blocking = reasons;
  for (let round = 0; round < MAX_ROUNDS && blocking.length > 0; round++) {
    at = Math.max(...blocking.map((check) => check.until));
    blocking = blockingCaps(at, input, contactTimes, accountTimes);
  }
  return {
    allowed: false,
    reasons: reasons.map((check) => check.reason),
    allowedFrom: new Date(at).toISOString()
  };
}

// shared/src/journey/validate.ts
var RANGES = [
  ["targetNps", -100, 100, "must be an NPS from -100 to 100"],
  ["targetCsat", 0, 100, "must be a CSAT percentage from 0 to 100"],
  ["targetCes", 1, 7, "must be a CES from 1 to 7"]
];
function journeyProblems(touchpoints) {
  const problems = [];
  const owners = /* @__PURE__ */ new Map();
  touchpoints.forEach((touchpoint, index) => {
    for (const field of ["key", "labelEn", "labelFr"]) {
      const form = normalizeTouchpointLabel(touchpoint[field]);
      const owner = owners.get(form);
      if (form === "") problems.push({ index, field, message: "must contain a letter or a digit" });
      else if (owner !== void 0 && owner !== index)
        problems.push({
          index,
          field,
          message: `"${touchpoint[field]}" is already a key or label of touchpoint "${touchpoints[owner].key}" (case and accents aside)`
        });
      else owners.set(form, index);
    }
    for (const [field, min, max, message] of RANGES) {
      const value = touchpoint[field];
      if (value !== void 0 && !(Number(value) >= min && Number(value) <= max))
        problems.push({ index, field, message });
    }
  });
  const byJourney = /* @__PURE__ */ new Map();
  touchpoints.forEach((touchpoint, index) => {
    byJourney.set(touchpoint.journey, [...byJourney.get(touchpoint.journey) ?? [], index]);
  });
  for (const [journey, indexes] of byJourney) {
    const seen = /* @__PURE__ */ new Set();
    for (const index of indexes) {
      const { order } = touchpoints[index];
      const message = !Number.isInteger(order) || order < 1 || order > indexes.length ? `must be a whole number from 1 to ${indexes.length}: journey "${journey}" has ${indexes.length} touchpoint${indexes.length > 1 ? "s" : ""}, ordered 1, 2, 3\u2026 without gaps` : seen.has(order) ? `repeats order ${order} of journey "${journey}"` : void 0;
      if (message) problems.push({ index, field: "order", message });
      seen.add(order);
    }
  }
  return problems.sort((a, b) => a.index - b.index);
}
function adoptJourney(current, candidate) {
  const problems = journeyProblems(candidate);
  return problems.length === 0 ? { touchpoints: candidate, kept: false, problems } : { touchpoints: current, kept: true, problems };
}
function oversizedJourneys(touchpoints) {
  const sizes = /* @__PURE__ */ new Map();
  for (const touchpoint of touchpoints)
    sizes.set(touchpoint.journey, (sizes.get(touchpoint.journey) ?? 0) + 1);
  return [...sizes].filter(([, steps]) => steps > MAX_ADVISED_JOURNEY_STEPS).map(([journey, steps]) => ({ journey, steps }));
}

// shared/src/journey/unknown.ts
function unknownTouchpoints(counts, touchpoints) {
  const match = touchpointMatcher(touchpoints);
  const byForm = /* @__PURE__ */ new Map();
  for (const { label, answers } of counts) {
    const form = normalizeTouchpointLabel(label);
    if (form === "" || match(label)) continue;
    const known = byForm.get(form);
    if (known) {
      known.answers += answers;
      if (!known.variants.includes(label)) known.variants.push(label);
    } else byForm.set(form, { label, variants: [label], answers });
  }
  return [...byForm.values()].sort((a, b) => b.answers - a.answers);
}

// shared/src/themes/rank.ts
var Z953 = 1.96;
var round1 = (value) => Math.round(value * 10) / 10;
function isSignificantGrowth(current, previous) {
  if (current.n === 0 || previous.n === 0) return false;
  const p1 = current.count / current.n;
  const p0 = previous.count / previous.n;
  const pooled = (current.count + previous.count) / (current.n + previous.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / current.n + 1 / previous.n));
  return se > 0 && (p1 - p0) / se >= Z953;
}
function rankThemes(answers) {
  const current = answers.filter((a) => a.period === "current");
  const previous = answers.filter((a) => a.period === "previous");
  const unhappy = current.filter((a) => a.unhappy).length;
  const tally = /* @__PURE__ */ new Map();
  const entry = (theme) => {
    const found = tally.get(theme) ?? { count: 0, unhappyCount: 0, previousCount: 0 };
    tally.set(theme, found);
    return found;
  };
  for (const answer of current) {
    for (const theme of new Set(answer.themes)) {
      const found = entry(theme);
      found.count += 1;
      if (answer.unhappy) found.unhappyCount += 1;
    }
  }
  for (const answer of previous)
    for (const theme of new Set(answer.themes)) entry(theme).previousCount += 1;
  const pct = (count2, n) => n === 0 ? 0 : count2 / n * 100;
  const themes = [...tally].map(([theme, t]) => {
    const p = unhappy === 0 ? 0 : t.unhappyCount / unhappy;
    return {
      theme,
      count: t.count,
      unhappyCount: t.unhappyCount,
      unhappyShare: round1(p * 100),
      margin: unhappy === 0 ? 0 : round1(Z953 * Math.sqrt(p * (1 - p) / unhappy) * 100),
      share: round1(pct(t.count, current.length)),
      previousShare: round1(pct(t.previousCount, previous.length)),
      growing: isSignificantGrowth(
        { count: t.count, n: current.length },
        { count: t.previousCount, n: previous.length }
      )
    };
  }).filter((t) => t.count > 0).sort(
    (a, b) => b.unhappyCount - a.unhappyCount || b.count - a.count || a.theme.localeCompare(b.theme)
  );
  return { n: current.length, unhappy, previousN: previous.length, themes };
}
function topIrritants(answers, limit = 3) {
  return rankThemes(answers).themes.filter((theme) => theme.unhappyCount > 0).slice(0, limit);
}
export {
  ALERT_KINDS,
  ASSIGNEE_RULES,
  CALLBACK_STATUSES,
  CALLBACK_TARGET_STATUSES,
  CALLBACK_TRANSITIONS,
  DAYS_OF_WEEK,
  DEFAULT_DISSONANCE_SETTINGS,
  DEFAULT_JOURNEY_NAME,
  DEFAULT_MIN_SAMPLE,
  DEFAULT_THRESHOLD_RULES,
  DEFAULT_TOUCHPOINTS,
  DomainError,
  FINAL_CALLBACK_STATUSES,
  MAX_ADVISED_JOURNEY_STEPS,
  METRICS,
  SCORE_RANGES,
  UNSPECIFIED_KEY,
  addBusinessHours,
  addTallies,
  addToTally,
  adoptJourney,
  assertValidScore,
  breakdownByTouchpoint,
  canTransition,
  cesTargetStatus,
  classifyDissonance,
  classifyNps,
  classifyScore,
  compareGroupsWithNorm,
  compareWithNorm,
  computeCes,
  computeCsat,
  computeNps,
  convergeEdits,
  convergingEdit,
  countNps,
  csatTargetStatus,
  customerMood,
  dayOfWeek,
  decideEscalation,
  decideSurveyPressure,
  dueInstant,
  evaluateThresholds,
  formatLocalDate,
  groupScores,
  hoursLeft,
  isFurtherAlong,
  isSignificantGrowth,
  isValidScore,
  isValidTimeZone,
  journeyProblems,
  journeySteps,
  journeyStepsOfLabels,
  loopClosureBy,
  loopClosureMetrics,
  matchTouchpoint,
  median,
  mergeCrmState,
  newTally,
  nextCallbackState,
  nextLocalDate,
  normalizeTouchpointLabel,
  npsFromCounts,
  npsMargin,
  npsTargetStatus,
  orderJourney,
  oversizedJourneys,
  parseInstant,
  percentile,
  periodKey,
  rankThemes,
  roundNpsStats,
  roundOneDecimal,
  roundSummary,
  sampleVerdict,
  slaStatus,
  slaStoppedAt,
  summarizeAccount,
  summarizeAccounts,
  summarizeScores,
  summaryOfTally,
  topIrritants,
  touchpointForms,
  touchpointLabel,
  touchpointMatcher,
  trendBy,
  unknownTouchpoints,
  weightedNps,
  zoneOffsetMs,
  zonedFields,
  zonedToEpochMs
};
