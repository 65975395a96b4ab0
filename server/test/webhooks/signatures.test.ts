import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Signature } from '@hubspot/api-client';
import { describe, expect, it } from 'vitest';
import {
  hubspotSignedUri,
  sameSignature,
  verifyHubSpotV3,
  verifyStandardWebhook,
  verifySurveyMonkey,
  verifyToken,
  verifyTypeform,
} from '../../src/webhooks/signatures.ts';

const raw = (name: string) =>
  readFileSync(new URL(`../fixtures/webhooks/${name}`, import.meta.url));
const flip = (body: Buffer) => {
  const copy = Buffer.from(body);
  copy[10] = (copy[10] as number) ^ 1;
  return copy;
};

describe('Typeform signatures (shared vector)', () => {
  const body = raw('typeform-form_response.raw-body.json');
  const header = 'sha256=Rwsa7+hUUjHda4Ubc1dv8sxLeVi9N/FwlnZFAuDdzbY=';
  it.each([
    ['accepts the vector', body, header, ['tf_test_secret'], true],
    [
      'accepts it with two active secrets during a rotation',
      body,
      header,
      ['new-secret', 'tf_test_secret'],
      true,
    ],
    ['refuses one byte changed', flip(body), header, ['tf_test_secret'], false],
    ['refuses a wrong secret', body, header, ['other'], false],
    ['refuses a missing header', body, undefined, ['tf_test_secret'], false],
    ['refuses another scheme', body, header.replace('sha256=', 'sha1='), ['tf_test_secret'], false],
  ])('%s', (_label, payload, signature, secrets, accepted) => {
    expect(verifyTypeform(payload, signature, secrets).ok).toBe(accepted);
  });
});

describe('SurveyMonkey signatures (shared vector)', () => {
  const body = raw('surveymonkey-response_completed.raw-body.json');
  const credentials = [{ clientId: 'sm_client_id', clientSecret: 'sm_client_secret' }];
  it.each([
    ['accepts the vector', body, 'H9WxshrLAnCEDVmbZiB9aG4amiU=', 'sm_client_id', credentials, true],
    [
      'refuses one byte changed',
      flip(body),
      'H9WxshrLAnCEDVmbZiB9aG4amiU=',
      'sm_client_id',
      credentials,
      false,
    ],
    [
      'refuses a wrong secret',
      body,
      'H9WxshrLAnCEDVmbZiB9aG4amiU=',
      'sm_client_id',
      [{ clientId: 'sm_client_id', clientSecret: 'x' }],
      false,
    ],
    ['refuses an unknown app', body, 'H9WxshrLAnCEDVmbZiB9aG4amiU=', 'someone', credentials, false],
    ['refuses a missing signature', body, undefined, 'sm_client_id', credentials, false],
  ])('%s', (_label, payload, signature, apiKey, creds, accepted) => {
    expect(verifySurveyMonkey(payload, signature, apiKey, creds).ok).toBe(accepted);
  });
});

describe('HubSpot v3 signatures (shared vector)', () => {
  const body = raw('hubspot-webhook-v3-crm-events.raw-body.json');
  const request = {
    method: 'POST',
    url: 'https://sync.example.test/webhooks/hubspot',
    raw: body,
    timestamp: '1777886402000',
    signature: 'NvJkYsRlCXu/+q76TfmqlP+wsF0tkEux8SOYsTlydkE=',
  };
  const at = 1777886402000 + 60_000;
  it.each([
    ['accepts the vector', request, ['hs_client_secret_test'], at, true],
    [
      'refuses one byte changed',
      { ...request, raw: flip(body) },
      ['hs_client_secret_test'],
      at,
      false,
    ],
    [
      'refuses another URL',
      { ...request, url: 'https://evil.example/webhooks/hubspot' },
      ['hs_client_secret_test'],
      at,
      false,
    ],
    ['refuses a wrong secret', request, ['other'], at, false],
    [
      'refuses a stale timestamp (5 min + 1 s)',
      request,
      ['hs_client_secret_test'],
      1777886402000 + 301_000,
      false,
    ],
    [
      'refuses a future timestamp (5 min + 1 s)',
      request,
      ['hs_client_secret_test'],
      1777886402000 - 301_000,
      false,
    ],
    [
      'refuses a missing timestamp',
      { ...request, timestamp: undefined },
      ['hs_client_secret_test'],
      at,
      false,
    ],
    [
      'refuses a missing signature',
      { ...request, signature: undefined },
      ['hs_client_secret_test'],
      at,
      false,
    ],
  ])('%s', (_label, input, secrets, now, accepted) => {
    expect(verifyHubSpotV3(input, secrets, now).ok).toBe(accepted);
  });
});

describe("HubSpot v3 signatures over the URI as HubSpot's proxy signs it", () => {
  const secret = 'hubspot-app-client-secret';
  const timestamp = 1795000000000;
  // As hubspot.fetch sends it: the card encodes the callback id, the proxy appends userEmail.
  const sent =
    'https://boucle.example.com/hubspot/callbacks/hubspot%3Aapi%3Ahs-1%3Adetractor_recovery?userId=1&userEmail=paul%40vendor.example&appId=9&portalId=62515';
  const body = '{"status":"reached","outcome":"Rappel fait"}';
  /** HubSpot's own client signs whatever URI it is given: here, the one HubSpot documents. */
  const signed = (url: string, method = 'POST', payload = body) =>
    Signature.getSignature(method, 'v3', {
      signature: '', // the options type wants one; getSignature computes it
      clientSecret: secret,
      url,
      requestBody: payload,
      timestamp,
    });
  const verify = (signature: string, url = sent, payload = body) =>
    verifyHubSpotV3(
      {
        method: 'POST',
        url,
        raw: Buffer.from(payload),
        timestamp: String(timestamp),
        signature,
      },
      [secret],
      timestamp + 1000,
    ).ok;

  it('decodes exactly the twelve escapes HubSpot lists, and no other', () => {
    expect(hubspotSignedUri('/a%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B%20%25%3D%2B')).toBe(
      "/a:/?@!$'()*,;%20%25%3D%2B",
    );
  });

  it('accepts a callback logged from the contact card, signed over the decoded URI', () => {
    const decoded =
      'https://boucle.example.com/hubspot/callbacks/hubspot:api:hs-1:detractor_recovery?userId=1&userEmail=paul@vendor.example&appId=9&portalId=62515';
    expect(verify(signed(decoded))).toBe(true);
  });

  it('accepts the URI as received too (both forms need the secret)', () => {
    expect(verify(signed(sent))).toBe(true);
  });

  it('refuses a signature over escapes HubSpot keeps (%20 decoded is not what HubSpot signs)', () => {
    const url = 'https://boucle.example.com/hubspot/contacts/1?userEmail=a%40b.example&q=a%20b';
    expect(
      verify(
        signed('https://boucle.example.com/hubspot/contacts/1?userEmail=a@b.example&q=a b'),
        url,
      ),
    ).toBe(false);
    expect(
      verify(
        signed('https://boucle.example.com/hubspot/contacts/1?userEmail=a@b.example&q=a%20b'),
        url,
      ),
    ).toBe(true);
  });

  it('refuses the decoded URI signed with another secret', () => {
    const other = Signature.getSignature('POST', 'v3', {
      signature: '', // the options type wants one; getSignature computes it
      clientSecret: 'other',
      url: 'https://boucle.example.com/hubspot/callbacks/hubspot:api:hs-1:detractor_recovery?userId=1&userEmail=paul@vendor.example&appId=9&portalId=62515',
      requestBody: body,
      timestamp,
    });
    expect(verify(other)).toBe(false);
  });
});

describe('Standard Webhooks signatures', () => {
  const secret = `whsec_${Buffer.from('generic-test-secret').toString('base64')}`;
  const body = Buffer.from('{"id":"ans-1","score":9,"answeredAt":"2026-11-20T09:14:00Z"}');
  const timestamp = '1795000000';
  const sign = (key: string, payload: Buffer = body) =>
    `v1,${createHmac('sha256', Buffer.from(key.slice(6), 'base64'))
      .update(`msg_1.${timestamp}.`)
      .update(payload)
      .digest('base64')}`;
  const now = 1795000000_000 + 10_000;
  it.each([
    [
      'accepts a valid signature',
      { raw: body, id: 'msg_1', timestamp, signature: sign(secret) },
      now,
      true,
    ],
    [
      'accepts two signatures of which one is valid',
      { raw: body, id: 'msg_1', timestamp, signature: `v1,Zm9v ${sign(secret)}` },
      now,
      true,
    ],
    [
      'refuses one byte changed',
      { raw: flip(body), id: 'msg_1', timestamp, signature: sign(secret) },
      now,
      false,
    ],
    [
      'refuses a wrong secret',
      {
        raw: body,
        id: 'msg_1',
        timestamp,
        signature: sign(`whsec_${Buffer.from('other').toString('base64')}`),
      },
      now,
      false,
    ],
    [
      'refuses a stale timestamp',
      { raw: body, id: 'msg_1', timestamp, signature: sign(secret) },
      1795000000_000 + 301_000,
      false,
    ],
    [
      'refuses a future timestamp',
      { raw: body, id: 'msg_1', timestamp, signature: sign(secret) },
      1795000000_000 - 301_000,
      false,
    ],
    ['refuses a missing id', { raw: body, timestamp, signature: sign(secret) }, now, false],
    [
      'refuses a non-numeric timestamp',
      { raw: body, id: 'msg_1', timestamp: 'soon', signature: sign(secret) },
      now,
      false,
    ],
    [
      'refuses a signature of another scheme',
      { raw: body, id: 'msg_1', timestamp, signature: sign(secret).replace('v1,', 'v2,') },
      now,
      false,
    ],
  ])('%s', (_label, input, at, accepted) => {
    expect(verifyStandardWebhook(input, [secret], at).ok).toBe(accepted);
  });
});

describe('tokens and comparison', () => {
  it('compares in constant time and treats another length as a mismatch', () => {
    expect(sameSignature('abc', 'abc')).toBe(true);
    expect(sameSignature('abc', 'abcd')).toBe(false);
    expect(verifyToken('t1', ['t0', 't1']).ok).toBe(true);
    expect(verifyToken(undefined, ['t1'])).toEqual({
      ok: false,
      reason: 'missing token: register the URL with ?token=<QUALTRICS_WEBHOOK_TOKEN>',
    });
  });
});
