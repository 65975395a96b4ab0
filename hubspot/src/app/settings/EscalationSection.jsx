import React from 'react';
import {
  Heading,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import { fieldProps } from './words.js';

/**
 * Who late callbacks and dissonance reviews go to: HubSpot has no manager hierarchy, so an
 * escalation owner per HubSpot team (the portal's teams, from its owners) and a default one.
 */
export function EscalationSection({ settings, directory, update, issues, words }) {
  const escalation = settings.escalation ?? { teams: [] };
  const owners = directory?.owners ?? [];
  const teams = directory?.teams ?? [];
  const options = [
    { label: words.noOwner, value: '' },
    ...owners.map((o) => ({ label: o.email ? `${o.name} (${o.email})` : o.name, value: o.id })),
  ];
  const save = (next) => update((current) => ({ ...current, escalation: next }));
  const setDefault = (value) => {
    const { defaultOwnerId: _dropped, ...rest } = escalation;
    save(value ? { ...rest, defaultOwnerId: value } : rest);
  };
  const setTeam = (teamId, ownerId) => {
    const others = escalation.teams.filter((t) => t.teamId !== teamId);
    save({ ...escalation, teams: ownerId ? [...others, { teamId, ownerId }] : others });
  };
  const teamIndex = (teamId) => escalation.teams.findIndex((t) => t.teamId === teamId);
  return (
    <>
      <Heading>{words.escalation}</Heading>
      <Text>{words.escalationHelp}</Text>
      <Select
        {...fieldProps(issues, 'escalation.defaultOwnerId')}
        label={words.defaultOwner}
        value={escalation.defaultOwnerId ?? ''}
        options={options}
        onChange={setDefault}
      />
      {teams.length > 0 && (
        <Table bordered={true}>
          <TableHead>
            <TableRow>
              <TableHeader>{words.team}</TableHeader>
              <TableHeader>{words.teamOwner}</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {teams.map((team) => (
              <TableRow key={team.id}>
                <TableCell>{team.name}</TableCell>
                <TableCell>
                  <Select
                    {...fieldProps(issues, `escalation.teams.${teamIndex(team.id)}.ownerId`)}
                    name={`escalation.team.${team.id}`}
                    label={`${words.teamOwner}: ${team.name}`}
                    value={escalation.teams[teamIndex(team.id)]?.ownerId ?? ''}
                    options={options}
                    onChange={(value) => setTeam(team.id, value)}
                  />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}
