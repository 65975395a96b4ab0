/**
 * Every string a Boucle component shows is a custom label, every label a component imports is
 * declared, and every declared label has its French translation.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', 'force-app', 'main', 'default');
const read = (...parts) => fs.readFileSync(path.join(root, ...parts), 'utf8');
const all = (text, re) => [...text.matchAll(re)].map((m) => m[1]);

const declared = all(
  read('labels', 'CustomLabels.labels-meta.xml'),
  /<fullName>([^<]+)<\/fullName>/g,
);
const translated = all(
  read('translations', 'fr.translation-meta.xml'),
  /<customLabels>\s*<name>([^<]+)<\/name>/g,
);
const components = fs
  .readdirSync(path.join(root, 'lwc'))
  .filter((name) => fs.existsSync(path.join(root, 'lwc', name, `${name}.js`)));
// Every module of a component (its own file and helpers such as npsAccountView/irritants.js).
const modulesOf = (name) =>
  fs.readdirSync(path.join(root, 'lwc', name)).filter((file) => file.endsWith('.js'));
const imported = new Map(
  components.map((name) => [
    name,
    modulesOf(name).flatMap((file) =>
      all(read('lwc', name, file), /@salesforce\/label\/c\.([A-Za-z0-9_]+)/g),
    ),
  ]),
);

describe('custom labels', () => {
  it('are declared once each', () => {
    expect(new Set(declared).size).toBe(declared.length);
  });

  it.each(components.filter((name) => name !== 'npsCore'))(
    '%s imports only declared labels',
    (name) => {
      expect(imported.get(name).filter((label) => !declared.includes(label))).toEqual([]);
    },
  );

  it('all have a French translation, and no translation is orphaned', () => {
    expect(declared.filter((label) => !translated.includes(label))).toEqual([]);
    expect(translated.filter((label) => !declared.includes(label))).toEqual([]);
  });

  it('are all used by some component', () => {
    const used = new Set([...imported.values()].flat());
    expect(declared.filter((label) => !used.has(label))).toEqual([]);
  });
});

describe('object and field translations', () => {
  const objects = [
    'Survey_Response__c',
    'Callback__c',
    'Response_Rating__c',
    'Account',
    'Alert_Threshold__mdt',
    'Business_Hours__mdt',
    'Holiday__mdt',
    'Survey_Pressure__mdt',
    'Quiet_Period__mdt',
    'Dissonance_Band__mdt',
    'Escalation_Target__mdt',
    'Sync_Error__c',
    'Sync_Status__c',
  ];

  it.each(objects)('%s: every custom field has a French label and help text', (object) => {
    const fields = fs
      .readdirSync(path.join(root, 'objects', object, 'fields'))
      .map((file) => file.replace('.field-meta.xml', ''));
    const dir = path.join(root, 'objectTranslations', `${object}-fr`);
    const missing = fields.filter((field) => {
      const file = path.join(dir, `${field}.fieldTranslation-meta.xml`);
      if (!fs.existsSync(file)) return true;
      const text = fs.readFileSync(file, 'utf8');
      return !/<label>[^<]+<\/label>/.test(text) || !/<help>[^<]+<\/help>/.test(text);
    });
    expect(missing).toEqual([]);
  });

  it('translates every picklist value of the fields it translates, and no unknown one', () => {
    for (const object of objects) {
      const dir = path.join(root, 'objectTranslations', `${object}-fr`);
      for (const file of fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.fieldTranslation-meta.xml'))) {
        const field = file.replace('.fieldTranslation-meta.xml', '');
        const source = read('objects', object, 'fields', `${field}.field-meta.xml`);
        const values = all(source, /<value>\s*<fullName>([^<]+)<\/fullName>/g);
        const translated = all(
          fs.readFileSync(path.join(dir, file), 'utf8'),
          /<masterLabel>([^<]+)<\/masterLabel>/g,
        );
        if (translated.length > 0 || ['Category__c', 'Status__c', 'Kind__c'].includes(field)) {
          expect({ field, values: [...values].sort() }).toEqual({
            field,
            values: [...translated].sort(),
          });
        }
      }
    }
  });
});

describe('French for the rest of the package (French must be active in the Translation Workbench)', () => {
  const french = read('translations', 'fr.translation-meta.xml');
  const files = (dir, suffix) =>
    fs
      .readdirSync(path.join(root, dir))
      .filter((f) => f.endsWith(suffix))
      .map((f) => f.replace(suffix, ''));
  const objectTranslation = (object) =>
    read('objectTranslations', `${object}-fr`, `${object}-fr.objectTranslation-meta.xml`);

  it('translates the app and every report type, section by section', () => {
    expect(all(french, /<customApplications>\s*<label>[^<]+<\/label>\s*<name>([^<]+)</g)).toEqual(
      files('applications', '.app-meta.xml'),
    );
    for (const reportType of files('reportTypes', '.reportType-meta.xml')) {
      const sections = all(
        read('reportTypes', `${reportType}.reportType-meta.xml`),
        /<masterLabel>([^<]+)<\/masterLabel>/g,
      );
      const translation = new RegExp(
        // The report type's own <name> (a section's is followed by </sections>, not <sections>).
        `<reportTypes>((?:(?!</reportTypes>)[\\s\\S])*<name>${reportType}</name>\\s*<sections>(?:(?!</reportTypes>)[\\s\\S])*)</reportTypes>`,
      ).exec(french)?.[1];
      expect({ reportType, label: /<label>[^<]+<\/label>/.test(translation ?? '') }).toEqual({
        reportType,
        label: true,
      });
      expect(
        all(translation, /<sections>\s*<label>[^<]+<\/label>\s*<name>([^<]+)</g).sort(),
      ).toEqual([...sections].sort());
    }
  });

  it('translates every quick action and every custom layout section', () => {
    for (const action of files('quickActions', '.quickAction-meta.xml')) {
      const [object, name] = action.split('.');
      expect(all(objectTranslation(object), /<quickActions>[\s\S]*?<name>([^<]+)</g)).toContain(
        name,
      );
    }
    for (const layout of files('layouts', '.layout-meta.xml')) {
      const object = layout.split('-')[0];
      const custom = all(
        read('layouts', `${layout}.layout-meta.xml`),
        /<customLabel>true<\/customLabel>[\s\S]*?<label>([^<]+)<\/label>/g,
      );
      const translated = all(objectTranslation(object), /<section>([^<]+)<\/section>/g);
      expect({ layout, missing: custom.filter((s) => !translated.includes(s)) }).toEqual({
        layout,
        missing: [],
      });
    }
  });

  it('titles every related list in French (the relationship label of each lookup)', () => {
    for (const object of fs.readdirSync(path.join(root, 'objects'))) {
      const dir = path.join(root, 'objects', object, 'fields');
      if (!fs.existsSync(dir)) continue;
      for (const file of fs.readdirSync(dir)) {
        if (!/<relationshipLabel>/.test(fs.readFileSync(path.join(dir, file), 'utf8'))) continue;
        const field = file.replace('.field-meta.xml', '');
        const translation = read(
          'objectTranslations',
          `${object}-fr`,
          `${field}.fieldTranslation-meta.xml`,
        );
        expect({
          field: `${object}.${field}`,
          ok: /<relationshipLabel>[^<]+</.test(translation),
        }).toEqual({
          field: `${object}.${field}`,
          ok: true,
        });
      }
    }
  });
});
