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
