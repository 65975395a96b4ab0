import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { answer, callback, iso, stores, T0 } from './fixtures.ts';

// What the rollups read of the store, a batch of accounts at a time, and the accounts it remembers
// for the daily refresh, on SQLite and PostgreSQL alike.

const DAY_MS = 86_400_000;

describe.each(stores)("the %s store's rollup queries", (_name, open) => {
  let store: Store;
  afterEach(async () => store?.close());

  it("counts each account's open callbacks once, whichever CRMs they are written to, for many accounts at once", async () => {
    store = await open();
    await store.createCallbacks(
      [
        callback('sf-acme-1', { answerRef: 'api:a1', accountKey: 'Acme.example' }),
        callback('sf-acme-2', { answerRef: 'api:a2', status: 'escalated' }),
        callback('sf-acme-done', { answerRef: 'api:a3', status: 'resolved' }),
        callback('sf-acme-gone', { answerRef: 'api:a4', status: 'closed_no_contact' }),
        callback('sf-globex', { answerRef: 'api:a5', accountKey: 'globex.example' }),
        // The same answer and kind raised by HubSpot's rules: the same callback, a second side.
        callback('hs-acme', { crm: 'hubspot', answerRef: 'api:a1' }),
      ],
      T0,
    );
    const counts = await store.openCallbackCounts([
      'ACME.example',
      'globex.example',
      'initech.example',
    ]);
    expect(Object.fromEntries(counts)).toEqual({ 'acme.example': 2, 'globex.example': 1 });
  });

  it('reads the answers of many accounts since an instant, by account key', async () => {
    store = await open();
    await store.ingestAnswers(
      [
        answer('a1'),
        answer('a2', { account: { domain: 'globex.example' } }),
        answer('old', { answeredAt: iso(T0 - 400 * DAY_MS) }),
      ],
      ['salesforce'],
      T0,
    );
    await store.linkAnswerAccount('api:a1', '001ACME');
    const byKey = await store.answersForAccounts(
      ['acme.example', '001acme', 'GLOBEX.example'],
      iso(T0 - 366 * DAY_MS),
    );
    expect(
      Object.fromEntries([...byKey].map(([key, answers]) => [key, answers.map((a) => a.id)])),
    ).toEqual({ 'acme.example': ['a1'], '001acme': ['a1'], 'globex.example': ['a2'] });
  });

  it('finds the rollups time changes: answers in the window then or now, a last score leaving its year', async () => {
    store = await open();
    const day = (days: number) => iso(T0 - days * DAY_MS);
    await store.recordRollups(
      'salesforce',
      [
        { ref: '001A|recent', lastAnswerAt: day(10), lastNpsAt: day(10) },
        { ref: '001B|leaving', lastAnswerAt: day(90.5), lastNpsAt: day(90.5) },
        { ref: '001C|quiet', lastAnswerAt: day(200), lastNpsAt: day(200) },
        { ref: '001D|year', lastAnswerAt: day(366.5), lastNpsAt: day(366.5) },
        { ref: '001E|empty' },
      ],
      T0,
    );
    await store.recordRollups('hubspot', [{ ref: '9|recent', lastAnswerAt: day(1) }], T0);
    // A day since the last refresh: the window then started 91 days ago, the year 367 days ago.
    expect(await store.rollupsToRefresh('salesforce', day(91), day(367), day(366))).toEqual([
      '001A|recent',
      '001B|leaving',
      '001D|year',
    ]);
    // Recorded again with newer answers: the row is updated, not doubled.
    await store.recordRollups('salesforce', [{ ref: '001C|quiet', lastAnswerAt: day(0) }], T0);
    expect(await store.rollupsToRefresh('salesforce', day(1), day(367), day(366))).toEqual([
      '001C|quiet',
      '001D|year',
    ]);
  });
});
