import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { TEST_SECRET } from './receiver.ts';

const OTHER_SECRET = `whsec_${Buffer.from('a-second-secret-for-the-alerts!!').toString('base64')}`;

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('outbound webhook configuration', () => {
  it('has no target by default: events are recorded, not sent', () => {
    expect(loadConfig({}).outbound).toEqual({});
  });

  it('signs both targets with BOUCLE_OUTBOUND_SECRET unless a target has its own', () => {
    const config = loadConfig({
      BOUCLE_SURVEY_WEBHOOK_URL: 'https://surveys.example.com/hooks/boucle',
      BOUCLE_ALERT_WEBHOOK_URL: 'https://alerts.example.com/in',
      BOUCLE_OUTBOUND_SECRET: TEST_SECRET,
      BOUCLE_ALERT_WEBHOOK_SECRET: OTHER_SECRET,
    });
    expect(config.outbound).toEqual({
      survey: { url: 'https://surveys.example.com/hooks/boucle', secret: TEST_SECRET },
      alerts: { url: 'https://alerts.example.com/in', secret: OTHER_SECRET },
    });
  });

  it('refuses a URL without a secret to sign with, naming both variables', () => {
    expect(refusal({ BOUCLE_SURVEY_WEBHOOK_URL: 'https://surveys.example.com/h' })).toMatch(
      /^BOUCLE_OUTBOUND_SECRET: is required with BOUCLE_SURVEY_WEBHOOK_URL \(or set BOUCLE_SURVEY_WEBHOOK_SECRET\)/,
    );
  });

  it.each([
    ['BOUCLE_SURVEY_WEBHOOK_URL', 'surveys.example.com/hook', /must be an http\(s\) URL/],
    ['BOUCLE_ALERT_WEBHOOK_URL', 'ftp://alerts.example.com', /must be an http\(s\) URL/],
    ['BOUCLE_OUTBOUND_SECRET', 'not-a-whsec-secret', /must start with whsec_/],
    ['BOUCLE_OUTBOUND_SECRET', 'whsec_***', /followed by base64/],
    ['BOUCLE_SURVEY_WEBHOOK_SECRET', 'whsec_c2hvcnQ=', /24 to 64 bytes/],
  ])('refuses %s=%s with a message naming it', (name, value, message) => {
    const text = refusal({ [name]: value });
    expect(text).toMatch(new RegExp(`^${name}: `));
    expect(text).toMatch(message);
  });

  it('never repeats a secret in its refusal', () => {
    const secret = `whsec_${Buffer.from('too-short').toString('base64')}`;
    expect(refusal({ BOUCLE_OUTBOUND_SECRET: secret })).not.toContain(secret.slice(6));
  });
});
