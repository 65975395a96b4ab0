import React, { useState } from 'react';
import { Button, Flex, Heading, Input, Text, Toggle, ToggleGroup } from '@hubspot/ui-extensions';
import { fieldProps } from './words.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DEFAULT_HOURS = {
  timeZone: 'Europe/Paris',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '09:00',
  end: '18:00',
  holidays: [],
};

/**
 * The business hours SLA hours count in (none: around the clock) and the holidays on which they do
 * not run, one date at a time.
 */
export function HoursSection({ settings, update, issues, words }) {
  const [holiday, setHoliday] = useState('');
  const hours = settings.businessHours;
  const setHours = (field, value) =>
    update((current) => ({
      ...current,
      businessHours: { ...(current.businessHours ?? DEFAULT_HOURS), [field]: value },
    }));
  const holidays = hours?.holidays ?? [];
  const text = (field, label) => (
    <Input
      {...fieldProps(issues, `businessHours.${field}`)}
      label={label}
      value={hours[field]}
      onChange={(value) => setHours(field, value)}
    />
  );
  return (
    <>
      <Heading>{words.businessHours}</Heading>
      <Toggle
        name="businessHours.enabled"
        label={words.useBusinessHours}
        checked={Boolean(hours)}
        onChange={(checked) =>
          update((current) => {
            const { businessHours: _dropped, ...rest } = current;
            return checked ? { ...rest, businessHours: DEFAULT_HOURS } : rest;
          })
        }
      />
      {hours && (
        <>
          {text('timeZone', words.timeZone)}
          <ToggleGroup
            name="businessHours.days"
            label={words.days}
            toggleType="checkboxList"
            inline={true}
            value={hours.days}
            options={DAYS.map((day) => ({ label: day, value: day }))}
            onChange={(value) => setHours('days', value)}
          />
          {text('start', words.start)}
          {text('end', words.end)}
          <Text format={{ fontWeight: 'bold' }}>{words.holidays}</Text>
          {holidays.map((date, index) => (
            <Flex key={`${date}-${index}`} direction="row" gap="small" align="end">
              <Input
                {...fieldProps(issues, `businessHours.holidays.${index}`)}
                label={words.holiday}
                value={date}
                onChange={(value) =>
                  setHours(
                    'holidays',
                    holidays.map((d, i) => (i === index ? value : d)),
                  )
                }
              />
              <Button
                variant="destructive"
                size="sm"
                onClick={() =>
                  setHours(
                    'holidays',
                    holidays.filter((_, i) => i !== index),
                  )
                }
              >
                {`${words.removeHoliday} ${date}`}
              </Button>
            </Flex>
          ))}
          <Flex direction="row" gap="small" align="end">
            <Input
              name="businessHours.newHoliday"
              label={words.holiday}
              value={holiday}
              onChange={setHoliday}
            />
            <Button
              onClick={() => {
                if (!holiday.trim()) return;
                setHours('holidays', [...holidays, holiday.trim()]);
                setHoliday('');
              }}
            >
              {words.addHoliday}
            </Button>
          </Flex>
        </>
      )}
    </>
  );
}
