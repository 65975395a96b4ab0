import { describe, expect, it } from 'vitest';
import { answerSchema } from '@boucle/shared/schemas';
import { DEFAULT_SALESFORCE_PROJECT } from '../../src/emulators/salesforce/app.ts';
import { DEFAULT_TOUCHPOINTS } from '@boucle/shared';
import {
  loadCustomMetadata,
  loadPermissionSets,
  loadSchema,
} from '../../src/emulators/salesforce/schema.ts';
import {
  SALESFORCE_FIELDS_WRITTEN,
  accountRollupRecord,
  npsNormRecord,
  callbackRecord,
  journeyFromMetadata,
  responseRatingRecord,
  rulesOutsideJourney,
  TOUCHPOINT_FIELDS,
  surveyResponseRecord,
} from '../../src/crm/salesforce/mappers.ts';
import {
  HEALTH_FIELDS_WRITTEN,
  syncErrorRecord,
  syncStatusRecord,
} from '../../src/crm/salesforce/healthRecords.ts';

const FIELDS_WRITTEN = { ...SALESFORCE_FIELDS_WRITTEN, ...HEALTH_FIELDS_WRITTEN };

describe('the Salesforce package and the server agree', () => {
  const schema = loadSchema(DEFAULT_SALESFORCE_PROJECT);

  it.each(Object.entries(FIELDS_WRITTEN))(
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
            outcome: 'o',
            rootCause: 'r',
            notes: 'n',
            followUpAction: 'f',
            links: [],
          },
          link: { crm: 'salesforce', key: 'c', assignee: '005x' },
          answerCrmId: 'a',
          resolution: { accountId: '001', contactId: '003' },
        }),
      ),
      NPS_Norm__c: Object.keys(
        npsNormRecord({
          id: 'org',
          scope: 'org',
          nps: 20,
          margin: 10.5,
          responses: 250,
          windowDays: 90,
          now: 'x',
        }),
      ),
      Sync_Error__c: Object.keys(
        syncErrorRecord(
          {
            key: 'salesforce:answer:api:a',
            crm: 'salesforce',
            kind: 'answer',
            ref: 'api:a',
            status: 'open',
            jobId: 1,
            object: 'Survey_Response__c',
            errorCode: 'E',
            errorMessage: 'm',
            attempts: 1,
            firstFailedAt: 'x',
            lastFailedAt: 'x',
            recordId: 'a00',
            resolvedAt: 'y',
            replayDone: true,
          },
          'https://org.example',
        ),
      ),
      Sync_Status__c: Object.keys(
        syncStatusRecord({
          key: 'salesforce:answer',
          crm: 'salesforce',
          kind: 'answer',
          object: 'Survey_Response__c',
          lastSuccessAt: 'x',
          backlog: 0,
          deadLetters: 0,
          apiCallsToday: 1,
          apiDailyLimit: 2,
          now: 'x',
        }),
      ),
    };
    for (const [object, fields] of Object.entries(written)) {
      expect(fields.filter((f) => f !== 'attributes').sort()).toEqual(
        [...(FIELDS_WRITTEN[object] ?? [])].sort(),
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

  it('grants the integration user exactly the custom fields the server writes, no more', () => {
    const integration = loadPermissionSets(DEFAULT_SALESFORCE_PROJECT).get('Boucle_Integration');
    const editable = [...(integration?.fields.entries() ?? [])]
      .filter(([, access]) => access.editable)
      .map(([field]) => field)
      .sort();
    const written = Object.entries(FIELDS_WRITTEN)
      .flatMap(([object, fields]) => fields.map((field) => `${object}.${field}`))
      .filter((field) => field.endsWith('__c'))
      .sort();
    expect(editable).toEqual(written);
    expect(
      [...(integration?.objects.entries() ?? [])]
        .filter(([, access]) => access.create)
        .map(([object]) => object)
        .sort(),
    ).toEqual([
      'Callback__c',
      'NPS_Norm__c',
      'Response_Rating__c',
      'Survey_Response__c',
      'Sync_Error__c',
      'Sync_Status__c',
    ]);
    expect([...(integration?.customPermissions ?? [])]).toEqual(['Boucle_Rate_On_Behalf']);
  });
});

describe('the journey in Touchpoint__mdt', () => {
  const shipped = loadCustomMetadata(DEFAULT_SALESFORCE_PROJECT).get('Touchpoint__mdt') ?? [];
  const record = (name: string, fields: Record<string, unknown>) => ({
    DeveloperName: name,
    Key__c: name.toLowerCase(),
    Label_En__c: name,
    Label_Fr__c: `${name} FR`,
    Order__c: 1,
    Target_NPS__c: 10,
    ...fields,
  });

  it('ships the seeds’ B2B journey, the same as the shared default', () => {
    expect(journeyFromMetadata(shipped, [])).toEqual({
      touchpoints: [...DEFAULT_TOUCHPOINTS].sort((a, b) => a.key.localeCompare(b.key)),
      problems: [],
    });
  });

  it('declares every field the server reads', () => {
    const declared = loadSchema(DEFAULT_SALESFORCE_PROJECT).get('Touchpoint__mdt')?.fields;
    expect(Object.values(TOUCHPOINT_FIELDS).filter((f) => !declared?.has(f))).toEqual([]);
  });

  it('refuses a configuration naming the record and the field, and keeps the last valid one', () => {
    const read = journeyFromMetadata(
      [
        record('Pre', { Order__c: 1 }),
        record('Post', { Order__c: 3, Target_NPS__c: 150 }),
        record('Dup', { Order__c: 2, Label_Fr__c: 'pre' }),
        record('Blank', { Order__c: 4, Key__c: null }),
      ],
      DEFAULT_TOUCHPOINTS,
    );
    expect(read.touchpoints).toBe(DEFAULT_TOUCHPOINTS);
    expect(read.problems).toEqual([
      'Touchpoint__mdt Post: Target_NPS__c must be an NPS from -100 to 100',
      'Touchpoint__mdt Blank: Key__c is required',
    ]);
  });

  it('names duplicate labels and gaps across records', () => {
    const read = journeyFromMetadata(
      [record('Pre', {}), record('Dup', { Order__c: 3, Label_Fr__c: 'PRE' })],
      DEFAULT_TOUCHPOINTS,
    );
    expect(read.touchpoints).toBe(DEFAULT_TOUCHPOINTS);
    expect(read.problems).toEqual([
      expect.stringMatching(
        /^Touchpoint__mdt Dup: Label_Fr__c "PRE" is already a key or label of touchpoint "pre"/,
      ),
      expect.stringMatching(/^Touchpoint__mdt Dup: Order__c must be a whole number from 1 to 2/),
    ]);
  });

  it('says when there is no record at all, and keeps the journey in force', () => {
    expect(journeyFromMetadata([], DEFAULT_TOUCHPOINTS)).toEqual({
      touchpoints: DEFAULT_TOUCHPOINTS,
      problems: ['no Touchpoint__mdt record: add the journey in Setup → Custom Metadata Types'],
    });
  });

  it('finds a threshold whose Touchpoint__c names no touchpoint', () => {
    const rule = { id: 'X', touchpoint: 'Onboarding' } as never;
    expect(
      rulesOutsideJourney(
        [rule, { id: 'Y', touchpoint: 'Après-vente' } as never],
        DEFAULT_TOUCHPOINTS,
      ),
    ).toEqual([
      'Alert_Threshold__mdt X: Touchpoint__c "Onboarding" is not the key or a label of a Touchpoint__mdt record',
    ]);
  });
});
