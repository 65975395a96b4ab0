import { countNps } from '@boucle/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
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

  it('erases a contact: answers and callbacks lose the person, a later replay comes back redacted', async () => {
    store = await open();
    await store.ingestAnswers([answer('a1')], ['hubspot'], T0);
    // A manager's notes may hold any character, NUL included.
    await store.createCallbacks([callback('c1', { notes: 'Rappel \u0000 fait' })], T0);
    await store.linkContact('hubspot', '901', 'CLAIRE@acme.example');
    expect(await store.eraseContact('hubspot', '901', T0)).toBe(1);
    const erased = (await store.getAnswers(['api:a1'])).get('api:a1');
    expect(erased).not.toHaveProperty('respondent');
    expect(erased).not.toHaveProperty('comment');
    expect(erased?.score).toBe(9);
    expect(await store.getCallback('c1')).not.toHaveProperty('respondentEmail');
    expect((await store.getCallback('c1'))?.notes).toBe('Rappel \u0000 fait');
    expect(await store.answersForRespondent('claire@acme.example', 10)).toEqual([]);
    await store.ingestAnswers([answer('a9')], ['hubspot'], T0);
    expect((await store.getAnswers(['api:a9'])).get('api:a9')).not.toHaveProperty('respondent');
    expect(await store.eraseContact('hubspot', '901', T0)).toBe(0);
  });
});
