import React from 'react';
import {
  Button,
  Heading,
  Input,
  NumberInput,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import { withField } from './RulesSection.jsx';
import { fieldProps } from './words.js';

/** The journey: touchpoints with their key, labels, journey, order and targets; add and remove. */
export function JourneySection({ settings, update, issues, words }) {
  const touchpoints = settings.touchpoints ?? [];
  const setTouchpoint = (index, field, value) =>
    update((current) => ({
      ...current,
      touchpoints: current.touchpoints.map((t, i) =>
        i === index ? withField(t, field, value) : t,
      ),
    }));
  const addTouchpoint = () =>
    update((current) => {
      const list = current.touchpoints ?? [];
      const journey = list[list.length - 1]?.journey ?? 'b2b';
      return {
        ...current,
        touchpoints: [
          ...list,
          {
            key: '',
            labelEn: '',
            labelFr: '',
            journey,
            order: list.filter((t) => t.journey === journey).length + 1,
            targetNps: 0,
          },
        ],
      };
    });
  const removeTouchpoint = (index) =>
    update((current) => ({
      ...current,
      touchpoints: current.touchpoints.filter((_, i) => i !== index),
    }));
  const text = (index, field) => (
    <Input
      {...fieldProps(issues, `touchpoints.${index}.${field}`)}
      label={words[field === 'journey' ? 'journeyName' : field]}
      value={touchpoints[index][field]}
      onChange={(value) => setTouchpoint(index, field, value)}
    />
  );
  const number = (index, field) => (
    <NumberInput
      {...fieldProps(issues, `touchpoints.${index}.${field}`)}
      label={words[field]}
      value={touchpoints[index][field]}
      onChange={(value) => setTouchpoint(index, field, value)}
    />
  );
  return (
    <>
      <Heading>{words.journey}</Heading>
      <Text>{words.journeyHelp}</Text>
      <Table bordered={true}>
        <TableHead>
          <TableRow>
            <TableHeader>{words.key}</TableHeader>
            <TableHeader>{words.labelEn}</TableHeader>
            <TableHeader>{words.order}</TableHeader>
            <TableHeader>{words.targetNps}</TableHeader>
            <TableHeader>{words.removeTouchpoint}</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {touchpoints.map((touchpoint, index) => (
            <TableRow key={index}>
              <TableCell>
                {text(index, 'key')}
                {text(index, 'journey')}
              </TableCell>
              <TableCell>
                {text(index, 'labelEn')}
                {text(index, 'labelFr')}
              </TableCell>
              <TableCell>{number(index, 'order')}</TableCell>
              <TableCell>
                {number(index, 'targetNps')}
                {number(index, 'targetCsat')}
                {number(index, 'targetCes')}
              </TableCell>
              <TableCell>
                <Button variant="destructive" size="sm" onClick={() => removeTouchpoint(index)}>
                  {`${words.removeTouchpoint} ${touchpoint.key}`.trim()}
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Button onClick={addTouchpoint}>{words.addTouchpoint}</Button>
    </>
  );
}
