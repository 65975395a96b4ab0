import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SALESFORCE_PROJECT } from '../../src/emulators/salesforce/app.ts';
import { checkPackage } from '../../src/emulators/salesforce/deployCheck.ts';
import { loadSchema } from '../../src/emulators/salesforce/schema.ts';

const LAYOUT = 'layouts/Survey_Response__c-Survey Response Layout.layout-meta.xml';
const copies: string[] = [];

/** A copy of the package with one file edited (`from` must occur in it), and where `to` lands. */
function packageWith(file: string, from: string, to: string): { dir: string; line: number } {
  const dir = mkdtempSync(join(tmpdir(), 'boucle-deploy-'));
  copies.push(dir);
  cpSync(DEFAULT_SALESFORCE_PROJECT, dir, { recursive: true });
  const text = readFileSync(join(dir, file), 'utf8');
  expect(text).toContain(from);
  const edited = text.replace(from, to);
  writeFileSync(join(dir, file), edited);
  return { dir, line: edited.slice(0, edited.indexOf(to)).split('\n').length };
}

afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the offline deploy check', () => {
  it('finds nothing to refuse in the shipped package', () => {
    expect(checkPackage(DEFAULT_SALESFORCE_PROJECT)).toEqual([]);
  });

  it('refuses a related list named by its relationship, naming the file, the line and the fix', () => {
    const { dir, line } = packageWith(
      LAYOUT,
      '<relatedList>Callback__c.Survey_Response__c</relatedList>',
      '<relatedList>Callbacks__r</relatedList>',
    );
    expect(checkPackage(dir)).toEqual([
      {
        file: LAYOUT,
        line,
        message: expect.stringContaining(
          'ChildObject.LookupField (Callback__c.Survey_Response__c)',
        ),
      },
    ]);
  });

  it('refuses a related list whose lookup points to another object', () => {
    const { dir } = packageWith(
      LAYOUT,
      '<relatedList>Callback__c.Survey_Response__c</relatedList>',
      '<relatedList>Callback__c.Account__c</relatedList>',
    );
    expect(checkPackage(dir).map((p) => p.message)).toEqual([
      'related list Callback__c.Account__c: Callback__c.Account__c looks up Account, not Survey_Response__c',
    ]);
  });

  it.each([
    [
      '<flexiPage>Boucle_Sync_Health</flexiPage>',
      '<flexiPage>Boucle_Sync_Healt</flexiPage>',
      'the tab shows the Lightning page Boucle_Sync_Healt, which is not in the package',
    ],
    [
      '<label>Sync Health</label>',
      '',
      'the tab of the Lightning page Boucle_Sync_Health has no <label>',
    ],
  ])('refuses a Lightning page tab whose %s becomes %j', (from, to, message) => {
    const file = 'tabs/Boucle_Sync_Health.tab-meta.xml';
    const { dir } = packageWith(file, from, to);
    expect(checkPackage(dir)).toEqual([{ file, line: expect.any(Number), message }]);
  });

  it.each([
    ['Custom68: Desk', 'Custom68 is Globe; Desk is Custom33: Desk'],
    ['Custom101: Desk', 'is not a tab style'],
    ['Desk', 'is not a tab style'],
  ])('refuses the tab motif %s', (motif, message) => {
    const file = 'tabs/Survey_Response__c.tab-meta.xml';
    const { dir, line } = packageWith(file, 'Custom33: Desk', motif);
    expect(checkPackage(dir)).toEqual([{ file, line, message: expect.stringContaining(message) }]);
  });

  it.each([
    [
      LAYOUT,
      '<field>Touchpoint__c</field>',
      '<field>Touch_Point__c</field>',
      'Survey_Response__c.Touch_Point__c',
    ],
    [
      'objects/Callback__c/listViews/My_Open_Callbacks.listView-meta.xml',
      '<columns>Kind__c</columns>',
      '<columns>Type__c</columns>',
      'Callback__c.Type__c',
    ],
    [
      'reportTypes/Accounts_with_Survey_Responses.reportType-meta.xml',
      '<field>NPS_Margin__c</field>',
      '<field>NPS_Error__c</field>',
      'Account.NPS_Error__c',
    ],
    [
      'reportTypes/Accounts_with_Survey_Responses.reportType-meta.xml',
      '<relationship>Survey_Responses__r</relationship>',
      '<relationship>Responses__r</relationship>',
      'Responses__r',
    ],
    [
      'permissionsets/Boucle_User.permissionset-meta.xml',
      '<field>Survey_Response__c.Comment__c</field>',
      '<field>Survey_Response__c.Verbatim__c</field>',
      'Survey_Response__c.Verbatim__c',
    ],
    [
      'permissionsets/Boucle_Integration.permissionset-meta.xml',
      '<object>Callback__c</object>',
      '<object>Call_Back__c</object>',
      'Call_Back__c',
    ],
    [
      'applications/Boucle.app-meta.xml',
      '<tabs>Callback__c</tabs>',
      '<tabs>Callbacks__c</tabs>',
      'Callbacks__c',
    ],
    [
      'flexipages/Boucle_Account_Record_Page.flexipage-meta.xml',
      '<componentName>c:npsAccountCard</componentName>',
      '<componentName>c:npsAccountCards</componentName>',
      'c:npsAccountCards',
    ],
    [
      'flexipages/Boucle_Home_Page.flexipage-meta.xml',
      '<componentName>c:npsCallbackQueue</componentName>',
      '<componentName>c:npsAccountCard</componentName>',
      'does not target lightning__HomePage',
    ],
  ])('refuses %s when a cross-reference does not resolve (%s → %s)', (file, from, to, named) => {
    const { dir, line } = packageWith(file, from, to);
    expect(checkPackage(dir)).toEqual([{ file, line, message: expect.stringContaining(named) }]);
  });

  it('refuses an element the Metadata API type does not have', () => {
    const file = 'tabs/Callback__c.tab-meta.xml';
    const { dir, line } = packageWith(file, '<motif>', '<icon2>x</icon2>\n    <motif>');
    expect(checkPackage(dir)).toEqual([
      { file, line, message: '<icon2> is not an element of CustomTab (CustomTab)' },
    ]);
  });

  it('refuses field permissions on a required field, as an org does', () => {
    const { dir } = packageWith(
      'objects/Callback__c/fields/Follow_Up_Action__c.field-meta.xml',
      '<type>',
      '<required>true</required>\n    <type>',
    );
    const problems = checkPackage(dir);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.file.startsWith('permissionsets/'))).toBe(true);
    expect(problems[0]?.message).toContain(
      'Callback__c.Follow_Up_Action__c is required: an org refuses field permissions on it',
    );
  });

  it('makes the emulator refuse a package an org would refuse', () => {
    const { dir } = packageWith(
      'tabs/Survey_Response__c.tab-meta.xml',
      'Custom33: Desk',
      'Custom68: Desk',
    );
    expect(() => loadSchema(dir)).toThrow(
      /tabs\/Survey_Response__c\.tab-meta\.xml:\d+: "Custom68: Desk": Custom68 is Globe/,
    );
  });
});
