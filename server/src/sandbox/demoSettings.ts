import { DEFAULT_THRESHOLD_RULES } from '@boucle/shared';
import { serverSettingsSchema } from '@boucle/shared/schemas';
import { SETTINGS } from '../http/hubspotApp.ts';
import type { Store } from '../store/store.ts';
import { demoEscalationOwners, type DemoData } from './demo.ts';

/**
 * The sandbox's HubSpot settings page, unless an admin saved one: the shipped rules, and each
 * team's manager as its escalation owner (HubSpot has no hierarchy), so that the demo's HubSpot
 * reviews and escalations reach a manager as Salesforce's do. Owner ids as the emulator is seeded.
 */
export async function seedDemoSettings(store: Store, demo: DemoData): Promise<void> {
  if (await store.getSetting(SETTINGS)) return;
  const ownerIdOf = (key: string) => String(70_000 + demo.people.findIndex((p) => p.key === key));
  await store.setSetting(
    SETTINGS,
    serverSettingsSchema.parse({
      rules: DEFAULT_THRESHOLD_RULES,
      escalation: demoEscalationOwners(ownerIdOf),
    }),
    Date.now(),
  );
}
