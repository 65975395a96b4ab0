import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
