import { countNps } from '@boucle/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import type { ErasureRequestInput } from '../../src/store/erasures.ts';
import { answer, callback, iso, rating, stores, T0 } from './fixtures.ts';

// What every store promises the server about answers and ratings, on SQLite (the default) and
// PostgreSQL alike.

describe.each(stores)("the %s store's answers, ratings and erasure", (_name, open) => {
  let store: Store;
  afterEach(async () => store?.close());

  it('counts the touchpoint labels answers carry, as sent', async () => {
    store = await open();
    await store.ingestAnswers(
      [
        answer('t1', { touchpoint: 'Après-vente' }),
        answer('t2', { touchpoint: 'Après-vente' }),
        answer('t3', { touchpoint: 'onboarding' }),
        answer('t4'),
      ],
      ['salesforce'],
      T0,
    );
    expect(await store.touchpointCounts()).toEqual([
      { label: 'Après-vente', answers: 2 },
      { label: 'onboarding', answers: 1 },
    ]);
  });

  it('stores an answer once by (source, id), the first of a batch winning, and queues it per CRM', async () => {
    store = await open();
    expect(
      await store.ingestAnswers(
        [answer('a1'), answer('a2'), answer('a1', { score: 0 })],
        ['salesforce', 'hubspot'],
        T0,
      ),
    ).toEqual({ accepted: 2, duplicates: 1 });
    expect(await store.ingestAnswers([answer('a1')], ['salesforce'], T0)).toEqual({
      accepted: 0,
      duplicates: 1,
    });
    expect(
      await store.ingestAnswers([answer('a1', { source: 'typeform' })], ['salesforce'], T0),
    ).toEqual({ accepted: 1, duplicates: 0 });
    expect((await store.getAnswers(['api:a1', 'api:zz'])).get('api:a1')?.score).toBe(9);
    expect(await store.queueStats()).toEqual({ 'salesforce.ready': 3, 'hubspot.ready': 2 });
    const states = await store.syncStates('hubspot', 'answer', ['api:a1', 'typeform:a1']);
    expect([...states.entries()]).toEqual([['api:a1', { state: 'pending' }]]);
  });

  it('counts the NPS categories since an instant in the database, as computeNps counts the answers', async () => {
    store = await open();
    const answers = [
      answer('p1', { score: 10 }),
      answer('p2', { score: 9 }),
      answer('pa', { score: 7 }),
      answer('d1', { score: 6 }),
      answer('d0', { score: 0 }),
      answer('old', { score: 0, answeredAt: iso(T0 - 400 * 86_400_000) }),
      answer('csat', { metric: 'csat', score: 2 }),
    ];
    await store.ingestAnswers(answers, ['salesforce'], T0);
    const since = iso(T0 - 30 * 86_400_000);
    expect(await store.npsCountsSince(since)).toEqual(
      countNps(answers.filter((a) => a.answeredAt >= since)),
    );
    expect(await store.npsCountsSince(since)).toEqual({ promoters: 2, passives: 1, detractors: 2 });
    expect(await store.npsCountsSince(iso(T0 + 86_400_000))).toEqual({
      promoters: 0,
      passives: 0,
      detractors: 0,
    });
  });

  it('finds answers by account, time, interaction and respondent', async () => {
    store = await open();
    await store.ingestAnswers(
      [
        answer('old', { answeredAt: iso(T0 - 400 * 86_400_000) }),
        answer('new', { interactionId: 'case-1' }),
        answer('other', {
          account: { domain: 'globex.example' },
          respondent: { email: 'x@globex.example' },
        }),
      ],
      ['salesforce'],
      T0,
    );
    const since = iso(T0 - 30 * 86_400_000);
    expect((await store.answersForAccount(['ACME.example'], since)).map((a) => a.id)).toEqual([
      'new',
    ]);
    expect((await store.answersSince(since)).map((a) => a.id).sort()).toEqual(['new', 'other']);
    expect((await store.answerForInteraction('case-1'))?.id).toBe('new');
    expect(await store.answerForInteraction('nope')).toBeUndefined();
    expect((await store.answersForRespondent('claire@acme.example', 10)).map((a) => a.id)).toEqual([
      'new',
      'old',
    ]);
    await store.linkAnswerAccount('api:other', '001000000000001AAA');
    expect((await store.answersForAccount(['001000000000001aaa'], since)).map((a) => a.id)).toEqual(
      ['other'],
    );
  });

  it('keeps sync states, parks unmatched answers and lists them', async () => {
    store = await open();
    await store.ingestAnswers([answer('a1')], ['salesforce'], T0);
    await store.setSyncState('salesforce', 'answer', 'api:a1', 'synced', undefined, 'a0A1');
    await store.setSyncState('salesforce', 'answer', 'api:a1', 'synced', 'again');
    expect((await store.syncStates('salesforce', 'answer', ['api:a1'])).get('api:a1')).toEqual({
      state: 'synced',
      crmId: 'a0A1',
    });
    await store.setSyncState('salesforce', 'answer', 'api:a1', 'unmatched', 'no contact');
    expect(await store.unmatchedAnswers(10)).toEqual([
      { crm: 'salesforce', detail: 'no contact', answer: expect.objectContaining({ id: 'a1' }) },
    ]);
  });

  it('stores ratings once and finds them by interaction', async () => {
    store = await open();
    expect(
      await store.ingestRatings([rating('r1', 'case-1'), rating('r1', 'case-1')], ['hubspot'], T0),
    ).toEqual({ accepted: 1, duplicates: 1 });
    expect((await store.ratingForInteraction('case-1'))?.id).toBe('r1');
    expect((await store.ratingsForInteractions(['case-1', 'case-2'])).map((r) => r.id)).toEqual([
      'r1',
    ]);
    expect((await store.getRatings(['api:r1'])).size).toBe(1);
  });

  const erasure = (overrides: Partial<ErasureRequestInput> = {}): ErasureRequestInput => ({
    id: 'era_1',
    email: 'claire@ACME.example',
    origin: 'api',
    crms: ['hubspot'],
    keepStatistics: false,
    now: T0,
    ...overrides,
  });

  it('erases a person once: answers and ratings deleted, callbacks redacted, a CRM job queued', async () => {
    store = await open();
    await store.ingestAnswers(
      [
        answer('a1', { interactionId: 'case-1' }),
        answer('b1', { respondent: { email: 'luc@acme.example' } }),
      ],
      ['hubspot'],
      T0,
    );
    await store.ingestRatings(
      [{ ...rating('r1', 'case-1'), comment: 'Claire était furieuse' }],
      ['hubspot'],
      T0,
    );
    // A manager's notes may hold any character, NUL included.
    await store.createCallbacks([callback('c1', { notes: 'Rappel \u0000 fait' })], T0);
    await store.linkContact('hubspot', '901', 'CLAIRE@acme.example');
    expect(await store.requestErasure(erasure())).toEqual({ id: 'era_1', created: true });
    expect(await store.requestErasure(erasure({ id: 'era_2' }))).toEqual({
      id: 'era_1',
      created: false,
    });
    expect((await store.getAnswers(['api:a1', 'api:b1'])).size).toBe(1);
    expect((await store.getRatings(['api:r1'])).size).toBe(0);
    const redacted = await store.getCallback('c1');
    expect(redacted).not.toHaveProperty('respondentEmail');
    expect(redacted).not.toHaveProperty('notes');
    expect(await store.contactEmails('hubspot', '901')).toEqual([]);
    expect(await store.erasureTargets('era_1', 'hubspot')).toEqual({
      answers: ['api:a1'],
      ratings: ['api:r1'],
      callbacks: [],
      contacts: ['901'],
      rollups: [],
    });
    expect((await store.erasureTargets('era_1', 'salesforce')).callbacks).toEqual(['c1']);
    const stored = await store.getErasure('era_1');
    expect(stored).toMatchObject({
      found: { answers: 1, ratings: 1, callbacks: 1 },
      keepStatistics: false,
      crms: [{ crm: 'hubspot', state: 'pending' }],
    });
    expect(JSON.stringify(stored).toLowerCase()).not.toContain('claire');
    const jobs = await store.claim('hubspot', 'w1', 100, 30_000, T0);
    expect(jobs.map((j) => [j.kind, j.ref])).toContainEqual(['erasure', 'era_1']);
    await store.settleErasure('era_1', 'hubspot', 'done', '2 records erased', T0 + 1);
    expect((await store.getErasure('era_1'))?.crms).toEqual([
      { crm: 'hubspot', state: 'pending', updatedAt: T0 + 1 }, // its job is still running
    ]);
    await store.complete(
      jobs.filter((j) => j.kind === 'erasure').map((j) => j.id),
      T0 + 1,
    );
    expect((await store.getErasure('era_1'))?.crms).toEqual([
      { crm: 'hubspot', state: 'done', detail: '2 records erased', updatedAt: T0 + 1 },
    ]);
  });

  it("refuses later deliveries of an erased person's old answers, and stores their new ones anonymised", async () => {
    store = await open();
    await store.ingestAnswers([answer('a1')], ['hubspot'], T0);
    await store.requestErasure(erasure());
    expect(await store.ingestAnswers([answer('a1'), answer('a0')], ['hubspot'], T0 + 1)).toEqual({
      accepted: 0,
      duplicates: 0,
      erased: 2,
    });
    expect((await store.getAnswers(['api:a1', 'api:a0'])).size).toBe(0);
    const later = answer('a2', { answeredAt: iso(T0 + 60_000) });
    expect(await store.ingestAnswers([later], ['hubspot'], T0 + 120_000)).toEqual({
      accepted: 1,
      duplicates: 0,
    });
    expect((await store.getAnswers(['api:a2'])).get('api:a2')).not.toHaveProperty('respondent');
  });

  it('keeps the scores anonymised when statistics are kept', async () => {
    store = await open();
    await store.ingestAnswers([answer('a1', { interactionId: 'case-1' })], ['hubspot'], T0);
    await store.ingestRatings(
      [{ ...rating('r1', 'case-1'), comment: 'Claire était furieuse' }],
      ['hubspot'],
      T0,
    );
    await store.requestErasure(erasure({ keepStatistics: true }));
    const kept = (await store.getAnswers(['api:a1'])).get('api:a1');
    expect(kept).not.toHaveProperty('respondent');
    expect(kept).not.toHaveProperty('comment');
    expect(kept?.score).toBe(9);
    expect((await store.getRatings(['api:r1'])).get('api:r1')).not.toHaveProperty('comment');
    expect(await store.answersForRespondent('claire@acme.example', 10)).toEqual([]);
  });

  it('records an unknown address as nothing to erase, with no CRM job', async () => {
    store = await open();
    await store.requestErasure(erasure({ crms: ['salesforce', 'hubspot'] }));
    expect(await store.getErasure('era_1')).toMatchObject({
      found: { answers: 0, ratings: 0, callbacks: 0 },
      crms: [
        { crm: 'hubspot', state: 'done', detail: 'nothing to erase' },
        { crm: 'salesforce', state: 'done', detail: 'nothing to erase' },
      ],
      log: [{ outcome: 'nothing_to_erase' }],
    });
    expect(await store.claim('hubspot', 'w1', 10, 30_000, T0)).toEqual([]);
  });
});
