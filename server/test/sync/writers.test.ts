import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY, answer, startHarness, waitFor, type Harness } from './harness.ts';

describe('CRM writers', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('logs in to Salesforce with a JWT bearer assertion and mints a new token when it expires', async () => {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privateKeyFile = join(mkdtempSync(join(tmpdir(), 'boucle-jwt-')), 'key.pem');
    writeFileSync(privateKeyFile, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    h = await startHarness({
      jwt: {
        certificate: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        privateKeyFile,
      },
    });
    await h.api('POST', '/v1/answers', answer({ id: 'jwt-1' }));
    await waitFor(
      async () => ((await h?.sf())?.Survey_Response__c ?? []).length === 1,
      10_000,
      'the first answer',
    );
    // Every token now expires at once: the next writes must mint a new one and go through.
    await fetch(`${h.emulators.salesforceUrl}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tokenTtlMinutes: 0.01 }),
    });
    await new Promise((resolve) => setTimeout(resolve, 800));
    await h.api('POST', '/v1/answers', answer({ id: 'jwt-2' }));
    await waitFor(
      async () => ((await h?.sf())?.Survey_Response__c ?? []).length === 2,
      15_000,
      'the answer after expiry',
    );
    const calls = (await (await fetch(`${h.emulators.salesforceUrl}/__emulator/calls`)).json()) as {
      byEndpoint: Record<string, number>;
    };
    expect(calls.byEndpoint['POST /services/oauth2/token']).toBeGreaterThanOrEqual(2);
    expect(await h.server.store.listDead(10)).toEqual([]);
  });

  it('writes survey responses as notes on a HubSpot portal without custom objects', async () => {
    h = await startHarness({ customObjects: false });
    await h.api('POST', '/v1/answers', answer({ id: 'note-1', score: 2, comment: 'Trop cher' }));
    await waitFor(
      async () =>
        ((await h?.hs())?.objects.notes ?? []).length === 1 &&
        ((await h?.hs())?.objects.tasks ?? []).length === 1,
      10_000,
      'a note and a task',
    );
    const hs = await h.hs();
    expect(hs.objects.boucle_survey_response).toBeUndefined();
    expect(hs.objects.notes?.[0]?.properties).toMatchObject({
      boucle_external_id: 'api:note-1',
      hs_note_body:
        'Survey answer (NPS 2, Detractor, after-sale): Trop cher · Themes: price · Sentiment: negative',
    });
    expect(
      hs.associations
        .filter((a) => a.from.startsWith('notes:'))
        .map((a) => a.to.split(':')[0])
        .sort(),
    ).toEqual(['companies', 'contacts']);
    const health = await (
      await fetch(`${h.server.url}/health`, { headers: { authorization: `Bearer ${API_KEY}` } })
    ).json();
    expect(health).toMatchObject({
      crms: { hubspot: { ok: true, detail: 'connected; survey responses stored as notes' } },
    });
  });
});
