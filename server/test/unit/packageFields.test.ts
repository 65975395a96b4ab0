import { describe, expect, it } from 'vitest';
import { answerSchema } from '@boucle/shared/schemas';
import { DEFAULT_SALESFORCE_PROJECT } from '../../src/emulators/salesforce/app.ts';
import { loadSchema } from '../../src/emulators/salesforce/schema.ts';
import {
  SALESFORCE_FIELDS_WRITTEN,
  accountRollupRecord,
  callbackRecord,
  responseRatingRecord,
  surveyResponseRecord,
} from '../../src/crm/salesforce/mappers.ts';

describe('the Salesforce package and the server agree', () => {
  const schema = loadSchema(DEFAULT_SALESFORCE_PROJECT);

  it.each(Object.entries(SALESFORCE_FIELDS_WRITTEN))(
    'declares every field the server writes on %s',
    (object, fields) => {
      const declared = schema.get(object)?.fields;
      expect(declared, `${object} is not in salesforce/force-app`).toBeDefined();
      expect(fields.filter((field) => !declared?.get(field)?.createable)).toEqual([]);
    },
  );

  it('lists every field the mappers produce', () => {
    const answer = answerSchema.parse({
      id: 'a',
      score: 3,
      comment: 'c',
      touchpoint: 't',
      answeredAt: '2026-11-20T09:14:00Z',
      interactionId: 'i',
      language: 'fr',
    });
    const written = {
      Survey_Response__c: Object.keys(
        surveyResponseRecord({
          ref: 'api:a',
          answer,
          resolution: { accountId: '001', contactId: '003' },
          category: 'detractor',
          analysis: { language: 'fr', sentiment: 'negative', score: -0.5, themes: [] },
        }),
      ),
      Response_Rating__c: Object.keys(
        responseRatingRecord({
          ref: 'r',
          rating: {
            id: 'r',
            source: 'api',
            interactionId: 'i',
            employeeEmail: 'e@x.example',
            rating: 4,
            ratedAt: '2026-11-20T09:14:00Z',
            comment: 'c',
          },
          answerCrmId: 'a',
          employeeId: '005',
          dissonance: 'aligned',
        }),
      ),
      Callback__c: Object.keys(
        callbackRecord({
          callback: {
            id: 'c',
            crm: 'salesforce',
            answerRef: 'api:a',
            answerId: 'a',
            kind: 'dissonance',
            status: 'reached',
            slaHours: 24,
            createdAt: 'x',
            dueAt: 'y',
            reachedAt: 'z',
            assignee: '005x',
            outcome: 'o',
            rootCause: 'r',
            notes: 'n',
            followUpAction: 'f',
          },
          answerCrmId: 'a',
          resolution: { accountId: '001', contactId: '003' },
        }),
      ),
    };
    for (const [object, fields] of Object.entries(written)) {
      expect(fields.filter((f) => f !== 'attributes').sort()).toEqual(
        [...(SALESFORCE_FIELDS_WRITTEN[object] ?? [])].sort(),
      );
    }
    expect(
      Object.keys(
        accountRollupRecord({
          accountId: '001',
          summary: { overall: { nps: 1, margin: 1, n: 1 } } as never,
          openCallbacks: 0,
          now: 'x',
          respondents: [],
        }),
      )
        .filter((f) => f !== 'attributes' && f !== 'id')
        .sort(),
    ).toEqual([...(SALESFORCE_FIELDS_WRITTEN.Account ?? [])].sort());
  });
});
