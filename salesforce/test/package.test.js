/**
 * The package converts to metadata format with Salesforce's own library
 * (@salesforce/source-deploy-retrieve, what `sf project deploy` uses), and the manifest it produces
 * is the reviewed one in salesforce/manifest/package.xml: adding or dropping a component is a
 * visible change. Permission sets name only fields that exist.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { MetadataConverter } = require('@salesforce/source-deploy-retrieve');
const { MANIFEST, SOURCE, componentSet, packageXml } = require('../manifest');

// Loading Salesforce's metadata library cold takes seconds on a fresh machine.
jest.setTimeout(60_000);

describe('the Salesforce package', () => {
  it('produces the reviewed package.xml', async () => {
    // After adding or removing a component: npm run manifest -w salesforce, and review the diff.
    expect(await packageXml()).toBe(fs.readFileSync(MANIFEST, 'utf8'));
  });

  it('holds everything users install', async () => {
    const names = (type) =>
      componentSet()
        .toArray()
        .filter((c) => c.type.name === type)
        .map((c) => c.fullName);
    expect(names('PermissionSet').sort()).toEqual([
      'Boucle_Admin',
      'Boucle_Integration',
      'Boucle_Manager',
      'Boucle_User',
    ]);
    expect(names('CustomPermission')).toEqual(['Boucle_Rate_On_Behalf']);
    // Lightning pages an admin activates instead of placing each component by hand.
    expect(names('FlexiPage').sort()).toEqual([
      'Boucle_Account_Record_Page',
      'Boucle_Callback_Record_Page',
      'Boucle_Home_Page',
      'Boucle_Sync_Health',
    ]);
    expect(names('CustomApplication')).toEqual(['Boucle']);
    expect(names('ReportType').sort()).toEqual([
      'Accounts_with_Survey_Responses',
      'Callbacks',
      'Callbacks_with_Survey_Responses',
      'Survey_Responses',
    ]);
    // Reports and a dashboard in their own folders, ready to run after the install.
    expect(names('ReportFolder')).toEqual(['Boucle_Reports']);
    expect(names('Report').sort()).toEqual([
      'Boucle_Reports/Dissonance_Reviews',
      'Boucle_Reports/Loop_Closure',
      'Boucle_Reports/NPS_by_Owner',
      'Boucle_Reports/NPS_by_Touchpoint_and_Month',
      'Boucle_Reports/Unhappy_Answers_by_Theme',
    ]);
    expect(names('DashboardFolder')).toEqual(['Boucle_Dashboards']);
    expect(names('Dashboard')).toEqual(['Boucle_Dashboards/NPS_and_Loop_Closure']);
    expect(names('LightningComponentBundle').sort()).toEqual([
      'boucleSyncHealth',
      'boucleUi',
      'npsAccountCard',
      'npsAccountView',
      'npsCallbackLogger',
      'npsCallbackQueue',
      'npsCore',
      'npsResponseRating',
      'npsTeamOverview',
    ]);
  });

  it('converts to metadata format, list views and fields folded into their objects', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'boucle-mdapi-'));
    try {
      await new MetadataConverter().convert(componentSet(), 'metadata', {
        type: 'directory',
        outputDirectory: out,
        genUniqueDir: false,
      });
      const callback = fs.readFileSync(path.join(out, 'objects', 'Callback__c.object'), 'utf8');
      expect(callback).toContain('<fullName>My_Open_Callbacks</fullName>');
      expect(callback).toContain('<fullName>Status__c</fullName>');
      expect(fs.existsSync(path.join(out, 'package.xml'))).toBe(true);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('lets the subscriber’s admin tune the shipped alert thresholds ("Edited in Setup")', () => {
    const dir = path.join(SOURCE, 'main', 'default', 'objects', 'Alert_Threshold__mdt', 'fields');
    const manageability = Object.fromEntries(
      fs
        .readdirSync(dir)
        .map((file) => [
          file.replace('.field-meta.xml', ''),
          /<fieldManageability>([^<]+)</.exec(fs.readFileSync(path.join(dir, file), 'utf8'))?.[1],
        ]),
    );
    // What a rule is (its metric and kind) stays the package's; its thresholds are the admin's.
    expect(manageability).toEqual({
      Active__c: 'SubscriberControlled',
      Alert_Kind__c: 'DeveloperControlled',
      Assign_To__c: 'SubscriberControlled',
      Callback_SLA_Hours__c: 'SubscriberControlled',
      Escalate_After_Hours__c: 'SubscriberControlled',
      Max_Score__c: 'SubscriberControlled',
      Metric__c: 'DeveloperControlled',
      Min_Score__c: 'SubscriberControlled',
      Queue__c: 'SubscriberControlled',
      Touchpoint__c: 'SubscriberControlled',
    });
  });

  it('grants only fields that exist, and the admin set every custom field', () => {
    const objects = path.join(SOURCE, 'main', 'default', 'objects');
    const fields = fs
      .readdirSync(objects)
      .filter((object) => !object.endsWith('__mdt'))
      .flatMap((object) =>
        fs.existsSync(path.join(objects, object, 'fields'))
          ? fs
              .readdirSync(path.join(objects, object, 'fields'))
              .map((file) => `${object}.${file.replace('.field-meta.xml', '')}`)
          : [],
      );
    const sets = path.join(SOURCE, 'main', 'default', 'permissionsets');
    for (const file of fs.readdirSync(sets)) {
      const granted = [
        ...fs.readFileSync(path.join(sets, file), 'utf8').matchAll(/<field>([^<]+)<\/field>/g),
      ].map((m) => m[1]);
      expect(granted.filter((field) => !fields.includes(field))).toEqual([]);
      if (file.startsWith('Boucle_Admin')) expect([...granted].sort()).toEqual([...fields].sort());
    }
  });

  it('lets every permission set read the journey (Touchpoint__mdt), which the account card shows', () => {
    const sets = path.join(SOURCE, 'main', 'default', 'permissionsets');
    for (const file of fs.readdirSync(sets)) {
      const xml = fs.readFileSync(path.join(sets, file), 'utf8');
      expect([file, xml]).toEqual([
        file,
        expect.stringMatching(
          /<customMetadataTypeAccesses>\s*<enabled>true<\/enabled>\s*<name>Touchpoint__mdt<\/name>/,
        ),
      ]);
    }
  });
});
