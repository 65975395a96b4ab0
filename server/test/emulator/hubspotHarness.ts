import { Client } from '@hubspot/api-client';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { HubSpotEmulator } from '../../src/emulators/hubspot/app.ts';

// The HubSpot emulator the emulator tests share: each test file calls useHubSpotEmulator() once,
// and reads `emulator`, `url` and the `hubspot` client (live bindings, set before its first
// test); every test starts from a reset portal.

export let emulator: HubSpotEmulator;
export let url: string;
export let hubspot: Client;

/** One emulator and one @hubspot/api-client client for the file. */
export function useHubSpotEmulator(): void {
  let close: () => Promise<void>;
  beforeAll(async () => {
    emulator = new HubSpotEmulator({ burstLimit: 1_000, dailyLimit: 1_000_000 });
    ({ url, close } = await emulator.listen());
    hubspot = new Client({ accessToken: 'pat-sandbox', basePath: url });
  });
  afterAll(() => close());
  beforeEach(() => emulator.reset());
}

/** What the client throws on a non-2xx answer. */
export interface ApiException {
  code: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}
export const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined as unknown as ApiException,
    (error: ApiException) => error,
  );

/** Creates the package's survey response custom object; returns its name. */
export async function surveyResponseObject(): Promise<string> {
  await hubspot.crm.schemas.coreApi.create({
    name: 'survey_response',
    labels: { singular: 'Survey response', plural: 'Survey responses' },
    primaryDisplayProperty: 'survey_response_external_id',
    requiredProperties: [],
    associatedObjects: ['CONTACT', 'COMPANY'],
    properties: [
      {
        name: 'survey_response_external_id',
        label: 'External id',
        type: 'string',
        fieldType: 'text',
        hasUniqueValue: true,
      },
      { name: 'nps', label: 'NPS', type: 'number', fieldType: 'number' },
      { name: 'comment', label: 'Comment', type: 'string', fieldType: 'textarea' },
    ],
  } as never);
  return 'survey_response';
}
