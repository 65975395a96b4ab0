import { DEFAULT_THRESHOLD_RULES } from '@boucle/shared';
import { serverSettingsSchema } from '@boucle/shared/schemas';
import { describe, expect, it } from 'vitest';
import { HubSpotSettings, type OwnerWithTeams } from '../../src/crm/hubspot/settings.ts';
import { demoData, demoEscalationOwners, demoTeamsOf } from '../../src/sandbox/demo.ts';

// The sandbox's people as HubSpot owners, in the teams the demo gives them.
const { people } = demoData(Date.parse('2026-12-01T00:00:00Z'));
const ownerIdOf = (key: string) => String(70_000 + people.findIndex((p) => p.key === key));
const owners: OwnerWithTeams[] = people.map((p) => ({
  id: ownerIdOf(p.key),
  name: `${p.firstName} ${p.lastName}`,
  teams: demoTeamsOf(p),
}));
const settings = new HubSpotSettings(
  async () => ({
    settings: serverSettingsSchema.parse({
      rules: DEFAULT_THRESHOLD_RULES,
      escalation: demoEscalationOwners(ownerIdOf),
    }),
    saved: true,
  }),
  async () => owners,
);
const review = (ratedKeys: string[], ownerKey?: string) =>
  settings.escalationOwner({
    kind: 'dissonance',
    ...(ownerKey && { ownerId: ownerIdOf(ownerKey) }),
    ratedIds: ratedKeys.map(ownerIdOf),
  });

describe('who gets a HubSpot review or escalation', () => {
  it("is the manager of the rated rep's team", async () => {
    expect(await review(['rep3'], 'rep1')).toBe(ownerIdOf('mgr2'));
  });

  it("is the manager of the account owner's team when nobody is rated", async () => {
    expect(await review([], 'rep1')).toBe(ownerIdOf('mgr1'));
  });

  it('is the default owner when the team manager is the one rated', async () => {
    expect(await review(['mgr1'], 'mgr1')).toBe(ownerIdOf('vp'));
  });

  it('is nobody when the default owner is the one rated and no team is left', async () => {
    expect(await review(['vp'], 'vp')).toBeUndefined();
  });

  it('is nobody when the settings page names no escalation owner', async () => {
    const unset = new HubSpotSettings(
      async () => ({
        settings: serverSettingsSchema.parse({ rules: DEFAULT_THRESHOLD_RULES }),
        saved: false,
      }),
      async () => owners,
    );
    expect(
      await unset.escalationOwner({ kind: 'dissonance', ownerId: ownerIdOf('rep1'), ratedIds: [] }),
    ).toBeUndefined();
  });
});
