import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmKey } from '../../src/crm/keys.ts';
import { answer, startHarness, waitFor, type Harness } from './harness.ts';

// An employee's rating is a HubSpot note: filed on the contact and company of the interaction's
// answer, as the answer is, so that people see it on those records (HubSpot shows a note only on
// the records it is associated with).

describe.each([
  ['with the survey custom object', true],
  ['with answers as notes', false],
])('rating notes in HubSpot, %s', (_name, customObjects) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ customObjects });
    await h.api('POST', '/v1/answers', answer({ id: 'a-1', score: 4, interactionId: 'case-1' }));
    await h.api('POST', '/v1/ratings', {
      id: 'r-1',
      interactionId: 'case-1',
      employeeEmail: 'paul@vendor.example',
      rating: 5,
      ratedAt: new Date().toISOString(),
    });
    await waitFor(
      async () =>
        ((await h.hs()).objects.notes ?? []).some((n) =>
          String(n.properties.hs_note_body).startsWith('Employee rating'),
        ),
      20_000,
      'the rating note in HubSpot',
    );
  });
  afterAll(() => h?.close());

  it('associates the rating note with the contact and the company of its answer', async () => {
    const hs = await h.hs();
    const note = hs.objects.notes!.find((n) =>
      String(n.properties.hs_note_body).startsWith('Employee rating'),
    )!;
    const claire = hs.objects.contacts!.find((c) => c.properties.email === 'claire@acme.example')!;
    const linked = hs.associations
      .filter((a) => a.from === `notes:${note.id}`)
      .map((a) => a.to)
      .sort();
    expect(linked).toEqual([`companies:${h.ids.company}`, `contacts:${claire.id}`].sort());
  });
});

describe('a rating note written before without associations', () => {
  let h: Harness;
  afterAll(() => h?.close());

  it('is filed on the contact and company when its rating is written again', async () => {
    h = await startHarness();
    // The portal set up by a first sync, then a note as an earlier version wrote it: orphaned.
    await h.api('POST', '/v1/answers', answer({ id: 'a-0', score: 9 }));
    await waitFor(
      async () => ((await h.hs()).objects.boucle_survey_response ?? []).length === 1,
      20_000,
      'the first answer in HubSpot',
    );
    const orphan = h.emulators.hubspot.portal.create('notes', {
      properties: {
        boucle_external_id: crmKey('api:r-2'),
        hs_note_body: 'Employee rating 5/5',
        hs_timestamp: new Date().toISOString(),
      },
    });
    await h.api('POST', '/v1/answers', answer({ id: 'a-2', score: 4, interactionId: 'case-2' }));
    await h.api('POST', '/v1/ratings', {
      id: 'r-2',
      interactionId: 'case-2',
      employeeEmail: 'paul@vendor.example',
      rating: 5,
      ratedAt: new Date().toISOString(),
    });
    await waitFor(
      async () =>
        (await h.server.store.syncStates('hubspot', 'rating', ['api:r-2'])).get('api:r-2')
          ?.state === 'synced',
      20_000,
      'the rating synced',
    );
    const hs = await h.hs();
    expect(hs.objects.notes).toHaveLength(1);
    const claire = hs.objects.contacts!.find((c) => c.properties.email === 'claire@acme.example')!;
    expect(
      hs.associations
        .filter((a) => a.from === `notes:${orphan.id}`)
        .map((a) => a.to)
        .sort(),
    ).toEqual([`companies:${h.ids.company}`, `contacts:${claire.id}`].sort());
  });
});
