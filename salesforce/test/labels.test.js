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
const translated = all(read('translations', 'fr.translation-meta.xml'), /<name>([^<]+)<\/name>/g);
const components = fs
  .readdirSync(path.join(root, 'lwc'))
  .filter((name) => fs.existsSync(path.join(root, 'lwc', name, `${name}.js`)));
const imported = new Map(
  components.map((name) => [
    name,
    all(read('lwc', name, `${name}.js`), /@salesforce\/label\/c\.([A-Za-z0-9_]+)/g),
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
  const objects = ['Survey_Response__c', 'Callback__c', 'Response_Rating__c', 'Account'];

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
