import { summarizeAccount } from '@boucle/shared';
import { answerSchema, ratingSchema } from '@boucle/shared/schemas';
import { analyzeVerbatim } from '@boucle/shared/themes';
import { describe, expect, it } from 'vitest';
import {
  answerNoteProperties,
  companyRollupProperties,
  ratingNoteProperties,
  surveyResponseProperties,
  taskCallbackState,
  taskPriority,
  taskProperties,
  taskStatus,
} from '../../src/crm/hubspot/mappers.ts';
import type { StoredCallback } from '../../src/store/store.ts';

const answer = answerSchema.parse({
  id: 'a1',
  score: 3,
  comment: 'Délai de réponse beaucoup trop long',
  touchpoint: 'after-sale',
  answeredAt: '2026-11-20T09:14:00Z',
  language: 'fr',
});
const callback: StoredCallback = {
  id: 'hubspot:api:a1:detractor_recovery',
  crm: 'hubspot',
  answerRef: 'api:a1',
  answerId: 'a1',
  kind: 'detractor_recovery',
  status: 'open',
  slaHours: 24,
  createdAt: '2026-11-20T09:15:00Z',
  dueAt: '2026-11-21T09:15:00Z',
  respondentEmail: 'claire@acme.example',
  reason: 'NPS 3 after-sale',
  links: [{ crm: 'hubspot', key: 'api:a1:detractor_recovery', assignee: '77' }],
};
const side = callback.links[0];

describe('HubSpot property bags', () => {
  it('writes an answer as a survey response, leaving out what it lacks', () => {
    expect(
      surveyResponseProperties({ ref: 'api:a1', answer, resolution: {}, category: 'detractor' }),
    ).toEqual({
      boucle_metric: 'nps',
      boucle_score: '3',
      boucle_category: 'Detractor',
      boucle_comment: 'Délai de réponse beaucoup trop long',
      boucle_touchpoint: 'after-sale',
      boucle_answered_at: '2026-11-20T09:14:00Z',
      boucle_source: 'api',
      boucle_language: 'fr',
    });
  });

  it('writes the themes and sentiment with an analysed answer, as on its note', () => {
    const analysis = analyzeVerbatim(answer.comment ?? '', { language: 'fr' });
    const write = {
      ref: 'api:a1',
      answer,
      resolution: {},
      category: 'detractor' as const,
      analysis,
    };
    const properties = surveyResponseProperties(write);
    expect(properties.boucle_sentiment).toBe(analysis.sentiment);
    expect(answerNoteProperties(write).hs_note_body).toContain(`Sentiment: ${analysis.sentiment}`);
  });

  it('writes an answer as a note on portals without custom objects', () => {
    expect(
      answerNoteProperties({ ref: 'api:a1', answer, resolution: {}, category: 'detractor' }),
    ).toEqual({
      hs_timestamp: '2026-11-20T09:14:00Z',
      hs_note_body:
        'Survey answer (NPS 3, Detractor, after-sale): Délai de réponse beaucoup trop long',
    });
  });

  it('writes a rating as a note naming its dissonance', () => {
    const rating = ratingSchema.parse({
      id: 'r1',
      interactionId: 'case-1',
      employeeEmail: 'paul@vendor.example',
      rating: 5,
      ratedAt: '2026-11-20T10:00:00Z',
    });
    expect(ratingNoteProperties({ ref: 'api:r1', rating, dissonance: 'dissonance' })).toEqual({
      hs_timestamp: '2026-11-20T10:00:00Z',
      hs_note_body: 'Employee rating 5/5 by paul@vendor.example on interaction case-1 (dissonance)',
    });
  });

  it('writes a callback as a CALL task for its HubSpot owner', () => {
    expect(taskProperties(callback, side)).toEqual({
      hs_timestamp: '2026-11-21T09:15:00Z',
      hs_task_subject: 'Call back detractor (claire@acme.example)',
      hs_task_body: 'NPS 3 after-sale',
      hs_task_type: 'CALL',
      hs_task_priority: 'HIGH',
      hs_task_status: 'NOT_STARTED',
      hubspot_owner_id: '77',
      boucle_callback_kind: 'detractor_recovery',
      boucle_callback_status: 'open',
    });
  });

  it('says on the task where and by whom an outcome logged elsewhere was logged, in both languages', () => {
    const logged: StoredCallback = {
      ...callback,
      status: 'resolved',
      loggedIn: { via: 'salesforce', by: 'Marc Lefèvre', at: '2026-11-21T08:30:12.000Z' },
    };
    expect(taskProperties(logged, side).hs_task_body).toBe(
      'NPS 3 after-sale\nLogged in Salesforce by Marc Lefèvre on 2026-11-21 08:30 UTC: updated here by Boucle. / Consigné dans Salesforce par Marc Lefèvre le 2026-11-21 08:30 UTC : mis à jour ici par Boucle.',
    );
    expect(
      taskProperties({ ...logged, loggedIn: { via: 'api', at: '2026-11-21T08:30:00Z' } }, side)
        .hs_task_body,
    ).toContain("Logged through Boucle's API on 2026-11-21 08:30 UTC");
    // Logged in HubSpot itself: nothing to tell.
    expect(
      taskProperties({ ...logged, loggedIn: { via: 'hubspot', at: '2026-11-21T08:30:00Z' } }, side)
        .hs_task_body,
    ).toBe('NPS 3 after-sale');
  });

  it.each([
    ['detractor_recovery', 'HIGH', 'Call back detractor'],
    ['dissonance', 'HIGH', 'Review dissonance'],
    ['promoter_thanks', 'MEDIUM', 'Thank promoter'],
    ['account_alert', 'MEDIUM', 'Account alert'],
  ] as const)('gives a %s task the priority %s and the subject "%s"', (kind, priority, subject) => {
    expect(taskPriority(kind)).toBe(priority);
    expect(taskProperties({ ...callback, kind, respondentEmail: undefined }).hs_task_subject).toBe(
      subject,
    );
  });

  it.each([
    ['open', 'NOT_STARTED'],
    ['attempted', 'IN_PROGRESS'],
    ['reached', 'IN_PROGRESS'],
    ['escalated', 'IN_PROGRESS'],
    ['resolved', 'COMPLETED'],
    ['closed_no_contact', 'COMPLETED'],
  ] as const)('maps a %s callback to hs_task_status %s', (status, hsStatus) => {
    expect(taskStatus(status)).toBe(hsStatus);
  });

  it('clears the NPS of a company without NPS answers and rounds it to one decimal otherwise', () => {
    const now = '2026-11-21T00:00:00Z';
    const rollup = (answers: Parameters<typeof summarizeAccount>[0]) => ({
      accountId: '42',
      summary: summarizeAccount(answers, { now }),
      openCallbacks: 1,
      respondents: [],
      now,
    });
    expect(companyRollupProperties(rollup([]))).toMatchObject({
      boucle_nps: '',
      boucle_nps_margin: '',
      boucle_nps_responses: '0',
      boucle_open_callbacks: '1',
    });
    const scores = [10, 9, 3].map((score, i) =>
      answerSchema.parse({ id: `n${i}`, score, answeredAt: '2026-11-20T09:00:00Z' }),
    );
    expect(companyRollupProperties({ ...rollup(scores), lastScore: 3 })).toMatchObject({
      boucle_nps: '33.3',
      boucle_nps_responses: '3',
      boucle_last_score: '3',
    });
  });

  it('writes CSAT and CES beside the NPS, cleared while the company has none', () => {
    const now = '2026-11-21T00:00:00Z';
    const rollup = (answers: Parameters<typeof summarizeAccount>[0]) => ({
      accountId: '42',
      summary: summarizeAccount(answers, { now }),
      openCallbacks: 0,
      respondents: [],
      now,
    });
    expect(companyRollupProperties(rollup([]))).toMatchObject({
      boucle_csat: '',
      boucle_csat_responses: '0',
      boucle_ces: '',
      boucle_ces_responses: '0',
    });
    const answers = [
      { metric: 'csat', score: 5 },
      { metric: 'csat', score: 2 },
      { metric: 'csat', score: 4 },
      { metric: 'ces', score: 2 },
      { metric: 'ces', score: 5 },
    ].map((a, i) => answerSchema.parse({ id: `s${i}`, ...a, answeredAt: '2026-11-20T09:00:00Z' }));
    expect(companyRollupProperties(rollup(answers))).toMatchObject({
      boucle_csat: '66.7',
      boucle_csat_responses: '3',
      boucle_ces: '3.5',
      boucle_ces_responses: '2',
    });
  });
});

describe('a callback task read back from HubSpot', () => {
  const at = '2026-11-21T10:00:00.000Z';
  const reason = 'Score 3: Délai de réponse';
  it.each([
    ['not started', { hs_task_status: 'NOT_STARTED' }, undefined],
    [
      'in progress (escalated by Boucle, or moved by hand)',
      { hs_task_status: 'IN_PROGRESS', boucle_callback_status: 'escalated' },
      undefined,
    ],
    ['waiting', { hs_task_status: 'WAITING' }, undefined],
    ['deferred', { hs_task_status: 'DEFERRED' }, undefined],
    [
      'completed natively, body unchanged',
      {
        hs_task_status: 'COMPLETED',
        hs_task_body: reason,
        hs_lastmodifieddate: at,
        boucle_callback_status: 'open',
      },
      { status: 'resolved', reachedAt: at, at },
    ],
    [
      'completed natively, completion date preferred to the last change',
      {
        hs_task_status: 'COMPLETED',
        hs_task_completion_date: '2026-11-21T09:00:00Z',
        hs_lastmodifieddate: at,
      },
      {
        status: 'resolved',
        reachedAt: '2026-11-21T09:00:00.000Z',
        at: '2026-11-21T09:00:00.000Z',
      },
    ],
    [
      'completed with a note written in the body (HTML to text)',
      {
        hs_task_status: 'COMPLETED',
        hs_task_body: '<p>Called back &amp; refunded</p>',
        hs_lastmodifieddate: at,
      },
      { status: 'resolved', reachedAt: at, at, notes: 'Called back & refunded' },
    ],
    [
      "completed with the outcome and root cause Boucle's card wrote",
      {
        hs_task_status: 'COMPLETED',
        boucle_outcome: 'Avoir accordé',
        boucle_root_cause: 'Facturation',
        hs_lastmodifieddate: at,
      },
      {
        status: 'resolved',
        reachedAt: at,
        at,
        outcome: 'Avoir accordé',
        rootCause: 'Facturation',
      },
    ],
    [
      'completed by Boucle as closed without contact',
      {
        hs_task_status: 'COMPLETED',
        boucle_callback_status: 'closed_no_contact',
        hs_lastmodifieddate: at,
      },
      { status: 'closed_no_contact', reachedAt: at, at },
    ],
    [
      'completed by its owner, who logged it',
      { hs_task_status: 'COMPLETED', hs_lastmodifieddate: at, hubspot_owner_id: '501' },
      { status: 'resolved', reachedAt: at, at, by: '501' },
    ],
  ])('%s', (_case, properties, expected) => {
    expect(taskCallbackState(properties, reason)).toEqual(expected);
  });
});
