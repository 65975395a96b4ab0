import type { Answer } from '@boucle/shared/schemas';
import { seededRandom } from '../../src/random.ts';
import type { StoredCallback } from '../../src/store/store.ts';

// The seeded data the insights tests read: 900 answers and their callbacks, from a fixed seed,
// at a fixed NOW.

export const NOW = Date.parse('2026-12-01T12:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const iso = (ms: number) => new Date(ms).toISOString();
export const API_KEY = 'insights-test-key-0123456789';

export const OWNERS = ['ana@vendor.example', 'ben@vendor.example', 'chloe@vendor.example'];
export const TOUCHPOINTS = ['pre-sale', 'contracting', 'after-sale'];

export interface Seeded {
  answers: Answer[];
  callbacks: StoredCallback[];
}

/**
 * 900 answers over 120 days: three owners with their own tilt, a fourth with 6 answers, some
 * without an owner or a touchpoint, a few CSAT answers; callbacks for recent detractors in every
 * state, their copies in HubSpot, and later answers from some of the respondents.
 */
export function seed(): Seeded {
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
      // One callback, written to both CRMs.
      links: [
        { crm: 'salesforce', key: `cb-${i}` },
        { crm: 'hubspot', key: `cb-${i}` },
      ],
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
    callbacks.push(callback);
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
    links: [{ crm: 'salesforce', key: 'cb-old' }],
  });
  return { answers, callbacks };
}
