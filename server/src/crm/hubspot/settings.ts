import { DEFAULT_DISSONANCE_SETTINGS, DEFAULT_TOUCHPOINTS } from '@boucle/shared';
import { surveyPressureSchema } from '@boucle/shared/schemas';
import type {
  BusinessHoursSettings,
  DissonanceSettings,
  ServerSettings,
  SurveyPressureSettings,
} from '@boucle/shared/schemas';
import { describeSettings } from '../../settings/describe.ts';
import type { EscalationRequest, SettingInForce } from '../adapter.ts';

/** The settings page's settings, and whether an admin saved them (else the shipped ones). */
export interface PageSettings {
  readonly settings: ServerSettings;
  readonly saved: boolean;
}

/** A HubSpot owner with the teams it belongs to (`GET /crm/v3/owners`). */
export interface OwnerWithTeams {
  readonly id: string;
  readonly email?: string;
  readonly name: string;
  readonly teams: readonly { id: string; name: string; primary: boolean }[];
}

/** One page of `GET /crm/v3/owners` as @hubspot/api-client returns it. */
interface OwnersPage {
  readonly results: readonly {
    id: string;
    email?: string;
    firstName?: string;
    lastName?: string;
    teams?: readonly { id: string | number; name: string; primary: boolean }[];
  }[];
  readonly paging?: { next?: { after?: string } };
}

/** Every owner of the portal with its teams, page after page (`page(after)` fetches one). */
export async function listOwnersWithTeams(
  page: (after: string | undefined) => Promise<OwnersPage>,
): Promise<OwnerWithTeams[]> {
  const owners: OwnerWithTeams[] = [];
  let after: string | undefined;
  do {
    const current = await page(after);
    for (const owner of current.results)
      owners.push({
        id: owner.id,
        ...(owner.email && { email: owner.email }),
        name:
          [owner.firstName, owner.lastName].filter(Boolean).join(' ') || (owner.email ?? owner.id),
        teams: (owner.teams ?? []).map((t) => ({
          id: String(t.id),
          name: t.name,
          primary: t.primary,
        })),
      });
    after = current.paging?.next?.after;
  } while (after);
  return owners;
}

/** How long the owners and their teams are reused before they are listed again. */
const OWNERS_TTL_MS = 10 * 60_000;

/**
 * The HubSpot side's settings: what the settings page saved (in the server's store, HubSpot having
 * no custom metadata), and who escalations and reviews go to. HubSpot has no manager hierarchy, so
 * the page names an escalation owner per HubSpot team and a default one; the owner of a request is
 * the configured owner of the rated employee's team (their primary team first), else of the account
 * owner's team, else the default, and never an employee the answer rates.
 */
export class HubSpotSettings {
  private owners: { at: number; list: Promise<OwnerWithTeams[]> } | undefined;

  constructor(
    private readonly page: (() => Promise<PageSettings>) | undefined,
    private readonly listOwners: () => Promise<OwnerWithTeams[]>,
    private readonly clock: () => number = Date.now,
  ) {}

  private async settings(): Promise<ServerSettings | undefined> {
    return (await this.page?.())?.settings;
  }

  /** Every owner with its teams, listed at most every 10 minutes. */
  ownersWithTeams(): Promise<OwnerWithTeams[]> {
    const now = this.clock();
    if (!this.owners || now - this.owners.at >= OWNERS_TTL_MS) {
      const list = this.listOwners();
      this.owners = { at: now, list };
      list.catch(() => (this.owners = undefined));
    }
    return this.owners.list;
  }

  async businessHours(): Promise<BusinessHoursSettings | undefined> {
    return (await this.settings())?.businessHours;
  }

  async dissonanceSettings(): Promise<DissonanceSettings> {
    return (await this.settings())?.dissonance ?? DEFAULT_DISSONANCE_SETTINGS;
  }

  async surveyPressure(): Promise<SurveyPressureSettings> {
    return (await this.settings())?.pressure ?? surveyPressureSchema.parse({});
  }

  async escalationOwner(request: EscalationRequest): Promise<string | undefined> {
    const escalation = (await this.settings())?.escalation;
    if (!escalation) return undefined;
    const allowed = (id: string | undefined) =>
      id !== undefined && !request.ratedIds.includes(id) ? id : undefined;
    if (escalation.teams.length > 0) {
      const byTeam = new Map(escalation.teams.map((t) => [t.teamId, t.ownerId]));
      const owners = new Map((await this.ownersWithTeams()).map((o) => [o.id, o]));
      // The rated employee's team leads their review; else the team of the account's owner.
      const people = [...request.ratedIds, ...(request.ownerId ? [request.ownerId] : [])];
      for (const person of people) {
        const teams = [...(owners.get(person)?.teams ?? [])].sort(
          (a, b) => Number(b.primary) - Number(a.primary),
        );
        for (const team of teams) {
          const found = allowed(byTeam.get(String(team.id)));
          if (found) return found;
        }
      }
    }
    return allowed(escalation.defaultOwnerId);
  }

  async settingsInForce(): Promise<SettingInForce[]> {
    const page = await this.page?.();
    const settings = page?.settings;
    const source = { from: page?.saved ? 'page' : 'default', records: [], problems: [] } as const;
    return describeSettings({
      crm: 'hubspot',
      values: {
        businessHours: settings?.businessHours ?? null,
        pressure: settings?.pressure ?? surveyPressureSchema.parse({}),
        dissonance: settings?.dissonance ?? DEFAULT_DISSONANCE_SETTINGS,
        escalation: settings?.escalation,
      },
      sources: new Map(
        ['businessHours', 'pressure', 'dissonance', 'escalation'].map((name) => [name, source]),
      ),
      rules: {
        count: settings?.rules.length ?? 0,
        source: page?.saved ? 'HubSpot settings page' : 'shipped default',
        problems: [],
      },
      touchpoints: {
        count: (settings?.touchpoints ?? DEFAULT_TOUCHPOINTS).length,
        source: settings?.touchpoints ? 'HubSpot settings page' : 'shipped default',
        problems: [],
      },
    });
  }
}
