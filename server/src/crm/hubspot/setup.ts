import type { Client } from '@hubspot/api-client';

/** One `boucle_*` property Boucle writes. */
interface PropertySpec {
  name: string;
  label: string;
  type: 'string' | 'number' | 'datetime' | 'enumeration';
  fieldType: string;
  unique?: boolean;
  options?: string[];
}

const option = (values: string[]) =>
  values.map((value, displayOrder) => ({
    label: value.replace(/_/g, ' '),
    value,
    displayOrder,
    hidden: false,
  }));
const text = (name: string, label: string, unique = false): PropertySpec => ({
  name,
  label,
  type: 'string',
  fieldType: 'text',
  unique,
});
const number = (name: string, label: string): PropertySpec => ({
  name,
  label,
  type: 'number',
  fieldType: 'number',
});

export const SURVEY_OBJECT = 'boucle_survey_response';
export const GROUP = 'boucle';

/** The properties of each object type, as the architecture's HubSpot data model names them. */
export const PROPERTIES: Record<string, PropertySpec[]> = {
  companies: [
    number('boucle_nps', 'NPS (Boucle)'),
    number('boucle_nps_responses', 'NPS responses'),
    number('boucle_nps_margin', 'NPS margin'),
    number('boucle_last_score', 'Last survey score'),
    number('boucle_open_callbacks', 'Open callbacks'),
    number('boucle_csat', 'CSAT % (Boucle)'),
    number('boucle_csat_responses', 'CSAT responses'),
    number('boucle_ces', 'CES (Boucle, 1–7)'),
    number('boucle_ces_responses', 'CES responses'),
  ],
  contacts: [
    number('boucle_last_score', 'Last survey score'),
    { name: 'boucle_last_survey_at', label: 'Last survey at', type: 'datetime', fieldType: 'date' },
  ],
  tasks: [
    text('boucle_external_id', 'Boucle id', true),
    {
      name: 'boucle_callback_kind',
      label: 'Callback kind',
      type: 'enumeration',
      fieldType: 'select',
      options: ['detractor_recovery', 'promoter_thanks', 'dissonance', 'account_alert'],
    },
    {
      name: 'boucle_callback_status',
      label: 'Callback status',
      type: 'enumeration',
      fieldType: 'select',
      options: ['open', 'attempted', 'reached', 'resolved', 'escalated', 'closed_no_contact'],
    },
    text('boucle_outcome', 'Outcome'),
    text('boucle_root_cause', 'Root cause'),
  ],
  notes: [text('boucle_external_id', 'Boucle id', true)],
};

/** Properties of the survey response custom object (mirroring Survey_Response__c). */
export const SURVEY_PROPERTIES: PropertySpec[] = [
  text('boucle_external_id', 'Boucle id', true),
  text('boucle_metric', 'Metric'),
  number('boucle_score', 'Score'),
  text('boucle_category', 'Category'),
  { name: 'boucle_comment', label: 'Comment', type: 'string', fieldType: 'textarea' },
  text('boucle_touchpoint', 'Touchpoint'),
  { name: 'boucle_answered_at', label: 'Answered at', type: 'datetime', fieldType: 'date' },
  text('boucle_source', 'Source'),
  text('boucle_interaction_id', 'Interaction id'),
  text('boucle_language', 'Language'),
  text('boucle_themes', 'Themes'),
  {
    name: 'boucle_sentiment',
    label: 'Sentiment',
    type: 'enumeration',
    fieldType: 'select',
    options: ['positive', 'neutral', 'negative'],
  },
];

export interface SetupReport {
  created: string[];
  existing: string[];
  notAllowed: string[];
  /** Survey responses as the custom object (Enterprise), or as notes. */
  surveyStorage: 'custom_object' | 'notes';
}

const status = (error: unknown) => (error as { status?: number }).status;

/** Runs one API call (rate limit, typed errors, retries of transient failures). */
export type Run = <T>(call: () => Promise<T>) => Promise<T>;

/**
 * Prepares a portal, idempotently: the `boucle` property group and properties on companies,
 * contacts, tasks and notes, and the survey response custom object when the portal allows it.
 * A second run creates nothing.
 * @param client the HubSpot client
 * @param run runs each call (rate limit, typed errors, retries); plain by default
 */
export async function setupHubSpot(
  client: Client,
  run: Run = (call) => call(),
): Promise<SetupReport> {
  const report: SetupReport = { created: [], existing: [], notAllowed: [], surveyStorage: 'notes' };
  for (const [objectType, specs] of Object.entries(PROPERTIES)) {
    const groups = await run(() => client.crm.properties.groupsApi.getAll(objectType));
    if (!groups.results.some((g) => g.name === GROUP)) {
      await run(() =>
        client.crm.properties.groupsApi.create(objectType, {
          name: GROUP,
          label: 'Boucle',
          displayOrder: -1,
        }),
      );
      report.created.push(`${objectType} property group ${GROUP}`);
    }
    const existing = new Set(
      (await run(() => client.crm.properties.coreApi.getAll(objectType))).results.map(
        (p) => p.name,
      ),
    );
    for (const spec of specs) {
      if (existing.has(spec.name)) {
        report.existing.push(`${objectType}.${spec.name}`);
        continue;
      }
      await run(() =>
        client.crm.properties.coreApi.create(objectType, {
          name: spec.name,
          label: spec.label,
          type: spec.type as never,
          fieldType: spec.fieldType as never,
          groupName: GROUP,
          hasUniqueValue: Boolean(spec.unique),
          ...(spec.options && { options: option(spec.options) }),
        }),
      );
      report.created.push(`${objectType}.${spec.name}`);
    }
  }
  const schemas = await run(() => client.crm.schemas.coreApi.getAll());
  const survey = schemas.results.find((s) => s.name === SURVEY_OBJECT);
  if (survey) {
    report.existing.push(`custom object ${SURVEY_OBJECT}`);
    report.surveyStorage = 'custom_object';
    // A portal set up by an earlier version lacks the properties added since (boucle_themes…).
    const have = new Set(survey.properties.map((p) => p.name));
    const groupName = survey.properties.find((p) => p.name === 'boucle_external_id')?.groupName;
    for (const spec of SURVEY_PROPERTIES.filter((spec) => !have.has(spec.name))) {
      await run(() =>
        client.crm.properties.coreApi.create(SURVEY_OBJECT, {
          name: spec.name,
          label: spec.label,
          type: spec.type as never,
          fieldType: spec.fieldType as never,
          groupName: groupName ?? 'default',
          hasUniqueValue: Boolean(spec.unique),
          ...(spec.options && { options: option(spec.options) }),
        }),
      );
      report.created.push(`${SURVEY_OBJECT}.${spec.name}`);
    }
    return report;
  }
  try {
    await run(() =>
      client.crm.schemas.coreApi.create({
        name: SURVEY_OBJECT,
        labels: { singular: 'Survey response', plural: 'Survey responses' },
        primaryDisplayProperty: 'boucle_external_id',
        requiredProperties: ['boucle_external_id'],
        searchableProperties: ['boucle_external_id'],
        associatedObjects: ['CONTACT', 'COMPANY'],
        properties: SURVEY_PROPERTIES.map((spec) => ({
          name: spec.name,
          label: spec.label,
          type: spec.type,
          fieldType: spec.fieldType,
          hasUniqueValue: Boolean(spec.unique),
          ...(spec.options && { options: option(spec.options) }),
        })),
      } as never),
    );
    report.created.push(`custom object ${SURVEY_OBJECT}`);
    report.surveyStorage = 'custom_object';
  } catch (error) {
    if (status(error) !== 403 && (error as { code?: unknown }).code !== 403) throw error;
    report.notAllowed.push(
      `custom object ${SURVEY_OBJECT} (custom objects need an Enterprise portal): survey responses are written as notes`,
    );
  }
  return report;
}
