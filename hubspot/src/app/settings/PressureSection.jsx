import React from 'react';
import { Button, Flex, Heading, Input, NumberInput, Text, Toggle } from '@hubspot/ui-extensions';
import { withField } from './RulesSection.jsx';
import { fieldProps } from './words.js';

/** The survey-pressure caps (per contact, per account) and the quiet periods of the year. */
export function PressureSection({ settings, update, issues, words }) {
  const pressure = settings.pressure;
  const quiet = pressure.quietPeriods ?? [];
  const setPressure = (field, value) =>
    update((current) => ({ ...current, pressure: withField(current.pressure, field, value) }));
  const setPeriod = (index, field, value) =>
    setPressure(
      'quietPeriods',
      quiet.map((period, i) => (i === index ? withField(period, field, value) : period)),
    );
  const number = (field) => (
    <NumberInput
      {...fieldProps(issues, `pressure.${field}`)}
      label={words[field]}
      value={pressure[field]}
      onChange={(value) => setPressure(field, value)}
    />
  );
  return (
    <>
      <Heading>{words.pressure}</Heading>
      <Toggle
        name="pressure.enabled"
        label={words.pressureEnabled}
        checked={pressure.enabled === true}
        onChange={(checked) => setPressure('enabled', checked)}
      />
      {number('contactMinDays')}
      {number('contactMaxSurveys')}
      {number('contactWindowDays')}
      {number('accountMinDays')}
      {number('accountMaxSurveys')}
      {number('accountWindowDays')}
      {number('followUpDelayDays')}
      <Text format={{ fontWeight: 'bold' }}>{words.quietPeriods}</Text>
      {quiet.map((period, index) => (
        <Flex key={index} direction="row" gap="small" align="end">
          {[
            ['from', words.quietFrom],
            ['to', words.quietTo],
            ['label', words.quietLabel],
          ].map(([field, label]) => (
            <Input
              key={field}
              {...fieldProps(issues, `pressure.quietPeriods.${index}.${field}`)}
              label={label}
              value={period[field] ?? ''}
              onChange={(value) => setPeriod(index, field, value)}
            />
          ))}
          <Button
            variant="destructive"
            size="sm"
            onClick={() =>
              setPressure(
                'quietPeriods',
                quiet.filter((_, i) => i !== index),
              )
            }
          >
            {`${words.removeQuietPeriod} ${period.label ?? `${period.from}–${period.to}`}`}
          </Button>
        </Flex>
      ))}
      <Button
        onClick={() => setPressure('quietPeriods', [...quiet, { from: '12-20', to: '01-05' }])}
      >
        {words.addQuietPeriod}
      </Button>
    </>
  );
}
