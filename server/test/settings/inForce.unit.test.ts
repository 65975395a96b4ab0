import { describe, expect, it } from 'vitest';
import { primarySettingsCrm, surveyPressureInForce } from '../../src/settings/describe.ts';

const caps = (contactMinDays: number) => ({
  contactMinDays,
  accountWindowDays: 30,
  quietPeriods: [],
});

describe('which CRM settings that apply before any CRM come from', () => {
  it.each([
    [['salesforce', 'hubspot'], 'salesforce'],
    [['hubspot', 'salesforce'], 'salesforce'],
    [['hubspot'], 'hubspot'],
    [[], undefined],
  ] as const)('%o → %s', (crms, primary) => {
    expect(primarySettingsCrm(crms)).toBe(primary);
  });

  it('takes the survey-pressure caps of Salesforce when both CRMs are connected', async () => {
    const adapters = [
      { crm: 'hubspot' as const, surveyPressure: async () => caps(30) },
      { crm: 'salesforce' as const, surveyPressure: async () => caps(60) },
    ];
    expect(await surveyPressureInForce(adapters)).toEqual(caps(60));
    expect(await surveyPressureInForce(adapters.slice(0, 1))).toEqual(caps(30));
  });
});
