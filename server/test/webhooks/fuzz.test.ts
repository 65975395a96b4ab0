import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../store/postgres.ts';
import { startHarness, type Harness } from '../sync/harness.ts';

const bodies = fc.oneof(
  fc.uint8Array({ maxLength: 1500 }).map((b) => Buffer.from(b)),
  fc.json().map((j) => Buffer.from(j)),
  fc
    .array(
      fc.record({
        eventId: fc.jsonValue(),
        subscriptionType: fc.jsonValue(),
        objectId: fc.jsonValue(),
      }),
    )
    .map((v) => Buffer.from(JSON.stringify(v))),
  fc
    .dictionary(fc.constantFrom('SurveyID', 'ResponseID', 'Topic', 'x'), fc.string())
    .map((d) => Buffer.from(new URLSearchParams(d).toString())),
);

describe.each(STORES)(
  'fuzzing the SurveyMonkey, Qualtrics and HubSpot routes (%s store)',
  (_store, storeOptions) => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({
        ...(await storeOptions()),
        webhooks: {
          surveymonkey: {
            credentials: [{ clientId: 'sm', clientSecret: 'sm-secret' }],
            apiUrl: 'http://127.0.0.1:9',
          },
          qualtrics: { tokens: ['q-token-0123456789'] },
          hubspot: { secrets: ['hs-secret'] },
          ratePerMinute: 100_000,
        },
      });
    });
    afterAll(() => h.close());

    it('never answers 5xx to any bytes, signed or not', async () => {
      await fc.assert(
        fc.asyncProperty(
          bodies,
          fc.constantFrom('surveymonkey', 'qualtrics', 'hubspot'),
          fc.boolean(),
          async (body, source, signed) => {
            let path = `/webhooks/${source}`;
            const headers: Record<string, string> = {};
            if (signed && source === 'surveymonkey') {
              headers['sm-apikey'] = 'sm';
              headers['sm-signature'] = createHmac('sha1', 'sm&sm-secret')
                .update(body)
                .digest('base64');
            } else if (signed && source === 'qualtrics') {
              path += '?token=q-token-0123456789';
            } else if (signed) {
              const at = String(Date.now());
              headers['x-hubspot-request-timestamp'] = at;
              headers['x-hubspot-signature-v3'] = createHmac('sha256', 'hs-secret')
                .update(
                  Buffer.concat([Buffer.from(`POST${h.server.url}${path}`), body, Buffer.from(at)]),
                )
                .digest('base64');
            }
            const response = await fetch(`${h.server.url}${path}`, {
              method: 'POST',
              headers,
              body,
            });
            await response.arrayBuffer();
            expect(response.status).toBeLessThan(500);
          },
        ),
        { numRuns: 1500 },
      );
    });
  },
);
