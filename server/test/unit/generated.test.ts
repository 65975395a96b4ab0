import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as shared from '@boucle/shared';
import * as npsCore from '../../../salesforce/force-app/main/default/lwc/npsCore/npsCore.js';
import * as hubspotCore from '../../../hubspot/src/app/cards/boucle-core.js';

describe('the generated copies of shared/ (c/npsCore, the HubSpot cards module)', () => {
  it('export everything shared exports', () => {
    expect(Object.keys(npsCore).sort()).toEqual(Object.keys(shared).sort());
    expect(Object.keys(hubspotCore).sort()).toEqual(Object.keys(shared).sort());
  });

  it('compute the same account summaries as shared', () => {
    const answer = fc.record({
      id: fc.uuid(),
      metric: fc.constantFrom('nps' as const, 'csat' as const, 'ces' as const),
      score: fc.integer({ min: 1, max: 5 }),
      answeredAt: fc
        .date({
          min: new Date('2025-12-01T00:00:00Z'),
          max: new Date('2026-11-22T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString()),
      touchpoint: fc.constantFrom('pre-sale', 'after-sale', undefined),
      comment: fc.option(fc.string(), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(answer, { maxLength: 60 }), (answers) => {
        const options = { now: '2026-11-22T12:00:00Z' };
        expect(npsCore.summarizeAccount(answers, options)).toEqual(
          shared.summarizeAccount(answers, options),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('evaluate thresholds in business hours the same way', () => {
    const input = {
      answer: { id: 'a', metric: 'nps' as const, score: 3 },
      rules: shared.DEFAULT_THRESHOLD_RULES,
      now: '2026-11-20T18:00:00Z',
      businessHours: {
        timeZone: 'Europe/Paris',
        days: ['mon', 'tue', 'wed', 'thu', 'fri'] as ('mon' | 'tue' | 'wed' | 'thu' | 'fri')[],
        start: '09:00',
        end: '18:00',
        holidays: [],
      },
    };
    expect(npsCore.evaluateThresholds(input)).toEqual(shared.evaluateThresholds(input));
  });
});
