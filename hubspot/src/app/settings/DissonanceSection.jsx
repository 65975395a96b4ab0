import React from 'react';
import {
  Heading,
  NumberInput,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import { fieldProps } from './words.js';

const METRICS = ['nps', 'csat', 'ces'];

/**
 * When an employee's rating of their own answer and the customer's score disagree: the confident
 * and doubtful ratings, and each metric's unhappy and happy bands.
 */
export function DissonanceSection({ settings, update, issues, words }) {
  const dissonance = settings.dissonance;
  if (!dissonance) return null;
  const set = (path, value) =>
    update((current) => {
      const next = structuredClone(current.dissonance);
      let target = next;
      for (const key of path.slice(0, -1)) target = target[key];
      target[path[path.length - 1]] = value;
      return { ...current, dissonance: next };
    });
  const number = (path, label) => (
    <NumberInput
      {...fieldProps(issues, ['dissonance', ...path].join('.'))}
      label={label}
      value={path.reduce((value, key) => value?.[key], dissonance)}
      onChange={(value) => set(path, value)}
    />
  );
  return (
    <>
      <Heading>{words.dissonanceBands}</Heading>
      <Text>{words.dissonanceHelp}</Text>
      {number(['confidentMin'], words.confidentMin)}
      {number(['doubtfulMax'], words.doubtfulMax)}
      <Table bordered={true}>
        <TableHead>
          <TableRow>
            <TableHeader>{words.metric}</TableHeader>
            <TableHeader>{words.unhappy}</TableHeader>
            <TableHeader>{words.happy}</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {METRICS.map((metric) => (
            <TableRow key={metric}>
              <TableCell>{metric.toUpperCase()}</TableCell>
              {['unhappy', 'happy'].map((mood) => (
                <TableCell key={mood}>
                  {number(['bands', metric, mood, 'min'], words.bandFrom)}
                  {number(['bands', metric, mood, 'max'], words.bandTo)}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
