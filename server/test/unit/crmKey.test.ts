import { describe, expect, it } from 'vitest';
import { CRM_KEY_LENGTH, crmKey } from '../../src/crm/keys.ts';

describe('crmKey', () => {
  it('keeps a key that fits as it is', () => {
    expect(crmKey('api:ans-8812')).toBe('api:ans-8812');
    expect(crmKey('x'.repeat(CRM_KEY_LENGTH))).toBe('x'.repeat(CRM_KEY_LENGTH));
  });

  it('gives a longer key a stable hash suffix that fits, distinct for distinct keys', () => {
    const a = `salesforce:api:${'a'.repeat(255)}:detractor_recovery`;
    const b = `salesforce:api:${'a'.repeat(255)}:promoter_thanks`;
    expect(crmKey(a)).toHaveLength(CRM_KEY_LENGTH);
    expect(crmKey(a)).toBe(crmKey(a));
    expect(crmKey(a)).not.toBe(crmKey(b));
    expect(crmKey(a).startsWith('salesforce:api:aaa')).toBe(true);
  });

  it('never cuts a character in two', () => {
    const key = `api:${'😀'.repeat(200)}`;
    const fitted = crmKey(key);
    expect(fitted.length).toBeLessThanOrEqual(CRM_KEY_LENGTH);
    expect(fitted).not.toMatch(/[\uD800-\uDBFF]#/);
    expect(() => encodeURIComponent(fitted)).not.toThrow();
  });
});
