import { summarizeAccount } from '@boucle/shared';
import { analyzeVerbatim } from '@boucle/shared/themes';
import { answerSchema, ratingSchema } from '@boucle/shared/schemas';
import { describe, expect, it } from 'vitest';
import {
  accountRollupRecord,
  callbackRecord,
  truncateToField,
  responseRatingRecord,
  surveyResponseRecord,
  thresholdFromMetadata,
} from '../../src/crm/salesforce/mappers.ts';
import { themesField } from '../../src/crm/fields.ts';
import { analysisLine } from '../../src/crm/hubspot/mappers.ts';

const answer = answerSchema.parse({
  id: 'a1',
  score: 3,
  comment: 'Trop lent',
  touchpoint: 'x'.repeat(100),
  answeredAt: '2026-11-20T09:14:00Z',
  interactionId: 'case-1',
  language: 'fr',
});

describe('Salesforce mappers', () => {
  it('maps an answer to Survey_Response__c, cutting over-long text with a visible mark', () => {
    expect(
      surveyResponseRecord({
        ref: 'api:a1',
        answer,
        resolution: { accountId: '001', contactId: '003' },
        category: 'detractor',
      }),
    ).toEqual({
      attributes: { type: 'Survey_Response__c' },
      External_Id__c: 'api:a1',
      Account__c: '001',
      Contact__c: '003',
      Metric__c: 'NPS',
      Score__c: 3,
      NPS__c: 3,
      Category__c: 'Detractor',
      Comment__c: 'Trop lent',
      Touchpoint__c: `${'x'.repeat(79)}…`,
      Answered_At__c: '2026-11-20T09:14:00Z',
      Source__c: 'api',
      Interaction_Id__c: 'case-1',
      Language__c: 'fr',
    });
    expect(truncateToField('abc', 3)).toBe('abc');
    expect(truncateToField(undefined, 3)).toBeUndefined();
  });

  it('writes the verbatim analysis to Themes__c (semicolons) and Sentiment__c', () => {
    expect(
      surveyResponseRecord({
        ref: 'api:a1',
        answer,
        resolution: {},
        category: 'detractor',
        analysis: analyzeVerbatim('Bon produit mais livraison en retard'),
      }),
    ).toMatchObject({ Themes__c: 'quality;delivery;delays', Sentiment__c: 'Negative' });
  });

  it('writes no analysis fields for an answer without comment', () => {
    const record = surveyResponseRecord({
      ref: 'api:a1',
      answer,
      resolution: {},
      category: 'detractor',
    });
    expect(record).not.toHaveProperty('Themes__c');
    expect(record).not.toHaveProperty('Sentiment__c');
  });

  it('keeps only whole themes within the length of Themes__c', () => {
    const analysis = {
      language: 'fr' as const,
      sentiment: 'neutral' as const,
      score: 0,
      themes: ['alpha', 'beta', 'gamma'].map((theme) => ({
        theme,
        sentiment: 'neutral' as const,
        score: 0,
      })),
    };
    expect(themesField(analysis, 10)).toBe('alpha;beta');
    expect(themesField({ ...analysis, themes: [] })).toBe('');
    expect(themesField(undefined)).toBeUndefined();
  });

  it('adds themes and sentiment to the note of a portal without custom objects', () => {
    expect(analysisLine(analyzeVerbatim('Livraison en retard'))).toBe(
      ' · Themes: delivery, delays · Sentiment: negative',
    );
    expect(analysisLine(analyzeVerbatim('Rien à signaler'))).toBe(' · Sentiment: neutral');
    expect(analysisLine(undefined)).toBe('');
  });

  it('leaves NPS__c blank for CSAT and CES answers', () => {
    const csat = answerSchema.parse({
      id: 'c',
      metric: 'csat',
      score: 4,
      answeredAt: '2026-11-20T09:14:00Z',
    });
    expect(
      surveyResponseRecord({ ref: 'api:c', answer: csat, resolution: {}, category: 'satisfied' }),
    ).not.toHaveProperty('NPS__c');
  });

  it('maps ratings, callbacks (user or queue owner) and rollups', () => {
    const rating = ratingSchema.parse({
      id: 'r',
      interactionId: 'case-1',
      employeeEmail: 'p@v.example',
      rating: 5,
      ratedAt: '2026-11-20T10:00:00Z',
    });
    expect(
      responseRatingRecord({
        ref: 'api:r',
        rating,
        answerCrmId: 'a03',
        employeeId: '005',
        dissonance: 'fatalist',
      }),
    ).toMatchObject({
      Rating__c: 5,
      Dissonance__c: 'Fatalist',
      Survey_Response__c: 'a03',
      Employee__c: '005',
    });
    const callback = {
      id: 'cb',
      answerId: 'a1',
      answerRef: 'api:a1',
      crm: 'salesforce' as const,
      kind: 'detractor_recovery' as const,
      status: 'open' as const,
      slaHours: 24,
      createdAt: '2026-11-20T10:00:00Z',
      dueAt: '2026-11-21T10:00:00Z',
      links: [],
    };
    const side = (assignee: string) => ({ crm: 'salesforce' as const, key: 'cb', assignee });
    expect(
      callbackRecord({
        callback,
        link: side('005xx'),
        answerCrmId: 'a03',
        resolution: { accountId: '001' },
      }),
    ).toMatchObject({
      External_Id__c: 'cb',
      Assignee__c: '005xx',
      OwnerId: '005xx',
      Kind__c: 'Detractor recovery',
      Status__c: 'Open',
    });
    expect(
      callbackRecord({ callback, link: side('00Gxx'), answerCrmId: 'a03', resolution: {} }),
    ).toMatchObject({ OwnerId: '00Gxx' });
    expect(
      callbackRecord({ callback, link: side('00Gxx'), answerCrmId: 'a03', resolution: {} }),
    ).not.toHaveProperty('Assignee__c');
    // Upserted by its Salesforce side's key: a merged callback keeps the key its record had.
    expect(
      callbackRecord({
        callback,
        link: { crm: 'salesforce', key: 'salesforce:api:a1:detractor_recovery' },
        answerCrmId: 'a03',
        resolution: {},
      }).External_Id__c,
    ).toBe('salesforce:api:a1:detractor_recovery');
    const summary = summarizeAccount(
      [
        { id: 'a', metric: 'nps', score: 10, answeredAt: '2026-11-20T00:00:00Z' },
        { id: 'b', metric: 'nps', score: 0, answeredAt: '2026-11-20T00:00:00Z' },
        { id: 'c', metric: 'nps', score: 9, answeredAt: '2026-11-20T00:00:00Z' },
        { id: 'd', metric: 'csat', score: 5, answeredAt: '2026-11-20T00:00:00Z' },
        { id: 'e', metric: 'csat', score: 3, answeredAt: '2026-11-20T00:00:00Z' },
        { id: 'f', metric: 'csat', score: 4, answeredAt: '2026-11-20T00:00:00Z' },
      ],
      { now: '2026-11-22T00:00:00Z' },
    );
    expect(
      accountRollupRecord({
        accountId: '001',
        summary,
        lastScore: 9,
        openCallbacks: 2,
        now: '2026-11-22T00:00:00Z',
        respondents: [],
      }),
    ).toEqual({
      attributes: { type: 'Account' },
      id: '001',
      NPS_Score__c: 33.3,
      NPS_Responses__c: 3,
      NPS_Margin__c: 106.7,
      NPS_Updated_At__c: '2026-11-22T00:00:00Z',
      Last_Survey_Score__c: 9,
      Open_Callbacks__c: 2,
      // 2 satisfied of 3; no CES answer: the fields are cleared.
      CSAT_Score__c: 66.7,
      CSAT_Responses__c: 3,
      CES_Score__c: null,
      CES_Responses__c: 0,
    });
  });

  it('reads Alert_Threshold__mdt records, reporting an incomplete one instead of failing', () => {
    expect(
      thresholdFromMetadata({
        DeveloperName: 'Detractor_Callback',
        Metric__c: 'NPS',
        Min_Score__c: 0,
        Max_Score__c: 6,
        Alert_Kind__c: 'Detractor recovery',
        Callback_SLA_Hours__c: 24,
        Escalate_After_Hours__c: 48,
        Assign_To__c: "Owner's manager",
        Active__c: true,
      }),
    ).toEqual({
      rule: {
        id: 'Detractor_Callback',
        metric: 'nps',
        minScore: 0,
        maxScore: 6,
        kind: 'detractor_recovery',
        slaHours: 24,
        escalateAfterHours: 48,
        assignTo: 'owners_manager',
        active: true,
      },
    });
    expect(
      thresholdFromMetadata({
        DeveloperName: 'Broken',
        Metric__c: 'NPS',
        Min_Score__c: 0,
        Max_Score__c: null,
        Alert_Kind__c: 'Detractor recovery',
        Callback_SLA_Hours__c: 24,
        Assign_To__c: 'Queue',
      }),
    ).toEqual({
      error: 'Alert_Threshold__mdt Broken: maxScore must be a number',
    });
  });
});
