import type { ServerSettings } from '@boucle/shared/schemas';
import type { OwnerWithTeams } from '../crm/hubspot/settings.ts';

/** What `GET /hubspot/owners` answers: the portal's owners and the teams they belong to. */
export function ownersAndTeams(owners: readonly OwnerWithTeams[]) {
  const teams = new Map<string, string>();
  for (const owner of owners) for (const team of owner.teams) teams.set(team.id, team.name);
  return {
    owners: owners.map((o) => ({ id: o.id, name: o.name, ...(o.email && { email: o.email }) })),
    teams: [...teams].map(([id, name]) => ({ id, name })),
  };
}

/**
 * The escalation owners and teams the settings name that the portal does not have, as field
 * issues: an owner id typed wrong would send every escalation nowhere.
 */
export function unknownEscalationOwners(
  settings: ServerSettings,
  owners: readonly OwnerWithTeams[],
): { path: string; message: string }[] {
  const escalation = settings.escalation;
  if (!escalation) return [];
  const ownerIds = new Set(owners.map((o) => o.id));
  const teamIds = new Set(owners.flatMap((o) => o.teams.map((t) => t.id)));
  const issues: { path: string; message: string }[] = [];
  if (escalation.defaultOwnerId && !ownerIds.has(escalation.defaultOwnerId))
    issues.push({
      path: 'escalation.defaultOwnerId',
      message: `is not an owner of this portal (${escalation.defaultOwnerId})`,
    });
  escalation.teams.forEach((team, index) => {
    if (!teamIds.has(team.teamId))
      issues.push({
        path: `escalation.teams.${index}.teamId`,
        message: `is not a team of this portal (${team.teamId})`,
      });
    if (!ownerIds.has(team.ownerId))
      issues.push({
        path: `escalation.teams.${index}.ownerId`,
        message: `is not an owner of this portal (${team.ownerId})`,
      });
  });
  return issues;
}
