import { summarizeAccount } from '@boucle/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { RollupWrite } from '../../src/crm/adapter.ts';
import { HubSpotAdapter } from '../../src/crm/hubspot/adapter.ts';
import { HubSpotEmulator } from '../../src/emulators/hubspot/app.ts';

/** The HubSpot adapter's rollup writes against the emulator, over HTTP with @hubspot/api-client. */
describe("HubSpot rollups and the respondents' last score", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('writes a contact’s last score again only when it changed', async () => {
    const emulator = new HubSpotEmulator({ burstLimit: 10_000 });
    let url: string;
    ({ url, close } = await emulator.listen());
    const company = emulator.portal.create('companies', {
      properties: { name: 'Acme', domain: 'acme.example' },
    }) as { id: string };
    for (const email of ['claire@acme.example', 'luc@acme.example'])
      emulator.portal.create('contacts', { properties: { email } });
    const adapter = new HubSpotAdapter({ baseUrl: url, accessToken: 'pat-sandbox' });
    const now = '2026-11-20T12:00:00.000Z';
    const rollup = (claireScore: number): RollupWrite => ({
      accountId: company.id,
      summary: summarizeAccount([], { now }),
      openCallbacks: 0,
      now,
      respondents: [
        { email: 'claire@acme.example', score: claireScore, answeredAt: now },
        { email: 'luc@acme.example', score: 3, answeredAt: '2026-11-01T09:00:00.000Z' },
      ],
    });
    const contactUpdates = async () =>
      (
        (await (await fetch(`${url}/__emulator/calls`)).json()) as {
          byEndpoint: Record<string, number>;
        }
      ).byEndpoint['POST /crm/v3/objects/contacts/batch/update'] ?? 0;
    const lastScore = (email: string) =>
      emulator.portal.list('contacts').find((c) => c.properties.email === email)?.properties
        .boucle_last_score;

    await adapter.writeRollups([rollup(9)]);
    expect(await contactUpdates()).toBe(1);
    await adapter.writeRollups([rollup(9)]); // the account again, no new answer
    expect(await contactUpdates()).toBe(1);
    await adapter.writeRollups([rollup(10)]); // Claire answered again

    expect(await contactUpdates()).toBe(2);
    expect(lastScore('claire@acme.example')).toBe('10');
    expect(lastScore('luc@acme.example')).toBe('3');
  });
});
