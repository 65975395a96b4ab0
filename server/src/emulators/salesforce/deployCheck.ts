/**
 * What an org checks when the package is deployed, run offline: every metadata file of the SFDX
 * project is read against the Metadata API's types (the WSDL, as jsforce ships it:
 * crm/salesforce/metadataTypes.ts, plus the few later additions below), the value rules the
 * Metadata API documentation gives (tab motifs, related list names), and its cross-references
 * (layouts, list views, report types, tabs, permission sets, apps, quick actions, Lightning pages
 * and translations name only objects, fields, tabs and components that exist). A deploy being
 * all-or-nothing, one problem stops the whole package: `npm run check:metadata` (CI) and the
 * Salesforce emulator refuse the package as an org would, naming the file and line.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { SaxesParser } from 'saxes';
import { METADATA_API_TYPES } from '../../crm/salesforce/metadataTypes.ts';
import { checkAnalytics, classifyAnalytics } from './deployCheckAnalytics.ts';

export interface DeployProblem {
  /** Relative to the project folder (`main/default`). */
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

interface XmlElement {
  readonly name: string;
  readonly line: number;
  text: string;
  readonly children: XmlElement[];
}

type PropType = string | readonly string[];
interface TypeSchema {
  readonly props: Record<string, PropType>;
  readonly extends?: string;
}

const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';

/**
 * Elements later than jsforce's copy of the WSDL: Lightning pages place components through
 * `itemInstances` (API 49.0), quick actions open a Lightning Web Component (API 46.0), apps keep
 * their tabs (API 47.0).
 */
const ADDITIONS: Record<string, Record<string, PropType>> = {
  CustomApplication: { isNavTabPersistenceDisabled: '?boolean' },
  QuickAction: { actionSubtype: '?string', lightningWebComponent: '?string' },
  FlexiPageRegion: { itemInstances: ['ItemInstance'] },
  ItemInstance: { componentInstance: '?ComponentInstance', fieldInstance: '?FieldInstance' },
  ComponentInstance: { identifier: '?string' },
  FieldInstance: {
    fieldInstanceProperties: ['ComponentInstanceProperty'],
    fieldItem: 'string',
    identifier: '?string',
  },
};
/** Elements whose content the Metadata API takes as opaque XML. */
const OPAQUE = new Set(['LightningComponentBundle.targetConfigs']);

const SCHEMAS = {
  ...(METADATA_API_TYPES as Record<string, TypeSchema>),
  ItemInstance: { props: {} },
  FieldInstance: { props: {} },
} as Record<string, TypeSchema>;

function propsOf(type: string): Record<string, PropType> {
  const schema = SCHEMAS[type];
  if (!schema) return {};
  return {
    ...(schema.extends ? propsOf(schema.extends) : {}),
    ...schema.props,
    ...ADDITIONS[type],
  };
}

/**
 * The tab styles (`motif`) an org accepts, number and name: the list Salesforce's own CLI
 * generates tabs from (salesforcecli/plugin-sobject, `schema generate tab`). The Metadata API
 * documentation gives the form ("Custom70: Handsaw") and points to the Setup list.
 */
const MOTIFS: Record<number, string> = {
  1: 'Heart',
  2: 'Fan',
  3: 'Sun',
  4: 'Hexagon',
  5: 'Leaf',
  6: 'Triangle',
  7: 'Square',
  8: 'Diamond',
  9: 'Lightning',
  10: 'Moon',
  11: 'Star',
  12: 'Circle',
  13: 'Box',
  14: 'Hands',
  15: 'People',
  16: 'Bank',
  17: 'Sack',
  18: 'Form',
  19: 'Wrench',
  20: 'Airplane',
  21: 'Computer',
  22: 'Telephone',
  23: 'Envelope',
  24: 'Building',
  25: 'Alarm clock',
  26: 'Flag',
  27: 'Laptop',
  28: 'Cell phone',
  29: 'PDA',
  30: 'Radar dish',
  31: 'Car',
  32: 'Factory',
  33: 'Desk',
  34: 'Insect',
  35: 'Microphone',
  36: 'Train',
  37: 'Bridge',
  38: 'Camera',
  39: 'Telescope',
  40: 'Credit card',
  41: 'Cash',
  42: 'Treasure chest',
  43: 'Jewel',
  44: 'Hammer',
  45: 'Ticket',
  46: 'Stamp',
  47: 'Knight',
  48: 'Trophy',
  49: 'CD/DVD',
  50: 'Big top',
  51: 'Apple',
  52: 'Balls',
  53: 'Bell',
  54: 'Boat',
  55: 'Books',
  56: 'Bottle',
  57: 'Building Block',
  58: 'Caduceus',
  59: 'Can',
  60: 'Umbrella',
  61: 'Castle',
  62: 'Chalkboard',
  63: 'Chip',
  64: 'Compass',
  65: 'Cup',
  66: 'Dice',
  67: 'Gears',
  68: 'Globe',
  69: 'Guitar',
  70: 'Handsaw',
  71: 'Headset',
  72: 'Helicopter',
  73: 'Highway Sign',
  74: 'Hot Air Balloon',
  75: 'IP Phone',
  76: 'Keys',
  77: 'Locked',
  78: 'Map',
  79: 'Measuring Tape',
  80: 'Motorcycle',
  81: 'Musical Note',
  82: 'Whistle',
  83: 'Pencil',
  84: 'Presenter',
  85: 'Real Estate Sign',
  86: 'Red Cross',
  87: 'Safe',
  88: 'Sailboat',
  89: 'Saxophone',
  90: 'Scales',
  91: 'Shield',
  92: 'Ship',
  93: 'Shopping Cart',
  94: 'Stethoscope',
  95: 'Stopwatch',
  96: 'Street Sign',
  97: 'Thermometer',
  98: 'Truck',
  99: 'TV CRT',
  100: 'TV Widescreen',
};

/** Standard objects the package refers to; their standard fields are not checked one by one. */
const STANDARD_OBJECTS = new Set([
  'Account',
  'Contact',
  'User',
  'Group',
  'Task',
  'Event',
  'Case',
  'Lead',
  'Opportunity',
]);
/** Fields every custom object has. */
const CUSTOM_OBJECT_FIELDS = new Set([
  'Id',
  'Name',
  'OwnerId',
  'CreatedById',
  'CreatedDate',
  'LastModifiedById',
  'LastModifiedDate',
  'SystemModstamp',
  'IsDeleted',
  'RecordTypeId',
  'LastActivityDate',
]);
/** Related lists of standard children, named as layouts name them. */
const STANDARD_RELATED_LISTS = new Set([
  'RelatedActivityList',
  'RelatedHistoryList',
  'RelatedNoteList',
  'RelatedFileList',
  'RelatedContactList',
  'RelatedCaseList',
  'RelatedOpportunityList',
  'RelatedEntityHistoryList',
]);
/** Page types and the component target that lets a Lightning Web Component on them. */
const PAGE_TARGETS: Record<string, string> = {
  RecordPage: 'lightning__RecordPage',
  HomePage: 'lightning__HomePage',
  AppPage: 'lightning__AppPage',
};

interface FieldInfo {
  readonly type: string;
  readonly referenceTo?: string;
  readonly relationshipName?: string;
  readonly required: boolean;
  readonly formula: boolean;
}
interface ComponentInfo {
  readonly exposed: boolean;
  readonly targets: Set<string>;
  /** Objects a record-page target is restricted to (empty: any). */
  readonly recordObjects: Set<string>;
}
interface MetadataFile {
  readonly path: string;
  readonly type: string;
  /** The component's name, from its file name (`Callback__c.Log_Callback`, `Boucle_User`). */
  readonly name: string;
  /** The object a file belongs to (fields, list views, rules, layouts, object translations). */
  readonly object?: string;
  root?: XmlElement;
}

/** Where each kind of source file lives, and its metadata type. */
function classify(rel: string): Omit<MetadataFile, 'path'> | undefined {
  const parts = rel.split('/');
  const file = parts.at(-1) as string;
  const strip = (suffix: string) => file.slice(0, -suffix.length);
  const [folder] = parts;
  const analytics = classifyAnalytics(parts);
  if (analytics) return analytics;
  if (folder === 'objects' && parts.length === 3 && file.endsWith('.object-meta.xml'))
    return { type: 'CustomObject', name: strip('.object-meta.xml'), object: parts[1] };
  if (folder === 'objects' && parts.length === 4) {
    const object = parts[1] as string;
    const kinds: Record<string, [string, string]> = {
      fields: ['CustomField', '.field-meta.xml'],
      listViews: ['ListView', '.listView-meta.xml'],
      validationRules: ['ValidationRule', '.validationRule-meta.xml'],
      recordTypes: ['RecordType', '.recordType-meta.xml'],
      compactLayouts: ['CompactLayout', '.compactLayout-meta.xml'],
      fieldSets: ['FieldSet', '.fieldSet-meta.xml'],
      webLinks: ['WebLink', '.webLink-meta.xml'],
    };
    const kind = kinds[parts[2] as string];
    if (kind && file.endsWith(kind[1])) return { type: kind[0], name: strip(kind[1]), object };
  }
  if (folder === 'objectTranslations' && parts.length === 3) {
    const object = (parts[1] as string).replace(/-[a-z]{2}(_[A-Z]{2})?$/, '');
    if (file.endsWith('.objectTranslation-meta.xml'))
      return {
        type: 'CustomObjectTranslation',
        name: strip('.objectTranslation-meta.xml'),
        object,
      };
    if (file.endsWith('.fieldTranslation-meta.xml'))
      return {
        type: 'CustomFieldTranslation',
        name: strip('.fieldTranslation-meta.xml'),
        object,
      };
  }
  if (folder === 'lwc' && parts.length === 3 && file === `${parts[1]}.js-meta.xml`)
    return { type: 'LightningComponentBundle', name: parts[1] as string };
  if (folder === 'lwc' || folder === 'aura' || folder === 'staticresources') return undefined;
  const byFolder: Record<string, [string, string]> = {
    layouts: ['Layout', '.layout-meta.xml'],
    tabs: ['CustomTab', '.tab-meta.xml'],
    permissionsets: ['PermissionSet', '.permissionset-meta.xml'],
    applications: ['CustomApplication', '.app-meta.xml'],
    quickActions: ['QuickAction', '.quickAction-meta.xml'],
    reportTypes: ['ReportType', '.reportType-meta.xml'],
    customMetadata: ['CustomMetadata', '.md-meta.xml'],
    labels: ['CustomLabels', '.labels-meta.xml'],
    translations: ['Translations', '.translation-meta.xml'],
    flexipages: ['FlexiPage', '.flexipage-meta.xml'],
    customPermissions: ['CustomPermission', '.customPermission-meta.xml'],
    classes: ['ApexClass', '.cls-meta.xml'],
    flows: ['Flow', '.flow-meta.xml'],
  };
  const kind = byFolder[folder as string];
  if (kind && parts.length === 2 && file.endsWith(kind[1])) {
    const name = strip(kind[1]);
    return {
      type: kind[0],
      name,
      ...(kind[0] === 'Layout' && { object: name.split('-')[0] }),
      ...(kind[0] === 'QuickAction' && name.includes('.') && { object: name.split('.')[0] }),
    };
  }
  return undefined;
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

function parseXml(text: string): XmlElement {
  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.on('opentag', (tag) => {
    const element: XmlElement = { name: tag.name, line: parser.line, text: '', children: [] };
    if (!root) {
      root = element;
      if (tag.attributes.xmlns !== METADATA_NAMESPACE)
        throw new XmlProblem(parser.line, `the root element must be in ${METADATA_NAMESPACE}`);
    }
    stack.at(-1)?.children.push(element);
    stack.push(element);
  });
  const addText = (text: string) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => void stack.pop());
  parser.on('error', (error) => {
    throw new XmlProblem(parser.line, error.message.replace(/^[^:]*:\d+:\d+: /, ''));
  });
  parser.write(text).close();
  if (!root) throw new XmlProblem(1, 'the file holds no element');
  return root;
}

class XmlProblem extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const child = (element: XmlElement | undefined, name: string) =>
  element?.children.find((c) => c.name === name);
const childrenNamed = (element: XmlElement | undefined, name: string) =>
  element?.children.filter((c) => c.name === name) ?? [];
const textOf = (element: XmlElement | undefined) => element?.text.trim() ?? '';
/** Every descendant element with this name, at any depth. */
function descendants(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap((c) => [
    ...(c.name === name ? [c] : []),
    ...descendants(c, name),
  ]);
}

/** The package's objects, fields, tabs, components and names, for the cross-references. */
class PackageIndex {
  readonly objects = new Map<string, Map<string, FieldInfo>>();
  readonly names = new Map<string, Set<string>>();
  readonly components = new Map<string, ComponentInfo>();
  readonly layoutSections = new Map<string, Set<string>>();

  constructor(files: readonly MetadataFile[]) {
    for (const name of STANDARD_OBJECTS) this.objects.set(name, new Map());
    for (const file of files) {
      (this.names.get(file.type) ?? this.names.set(file.type, new Set()).get(file.type))?.add(
        file.name,
      );
      if (file.type === 'CustomObject' && !this.objects.has(file.name))
        this.objects.set(file.name, new Map());
    }
    for (const file of files) {
      const root = file.root;
      if (!root) continue;
      if (file.type === 'CustomField' && file.object) {
        const fields = this.objects.get(file.object) ?? new Map<string, FieldInfo>();
        this.objects.set(file.object, fields);
        fields.set(file.name, {
          type: textOf(child(root, 'type')),
          referenceTo: textOf(child(root, 'referenceTo')) || undefined,
          relationshipName: textOf(child(root, 'relationshipName')) || undefined,
          required: textOf(child(root, 'required')) === 'true',
          formula: Boolean(child(root, 'formula')),
        });
      }
      if (file.type === 'LightningComponentBundle') {
        const configs = child(root, 'targetConfigs');
        const record = childrenNamed(configs, 'targetConfig').find((c) =>
          /lightning__RecordPage/.test(c.text + c.children.map((x) => x.name).join()),
        );
        this.components.set(file.name, {
          exposed: textOf(child(root, 'isExposed')) === 'true',
          targets: new Set(childrenNamed(child(root, 'targets'), 'target').map(textOf)),
          recordObjects: new Set(descendants(record ?? configs ?? root, 'object').map(textOf)),
        });
      }
      if (file.type === 'Layout')
        this.layoutSections.set(
          file.name,
          new Set(childrenNamed(root, 'layoutSections').map((s) => textOf(child(s, 'label')))),
        );
    }
  }

  has(type: string, name: string): boolean {
    return this.names.get(type)?.has(name) ?? false;
  }

  /** Whether `object` has `field`: custom fields must be declared; standard ones are trusted. */
  hasField(object: string, field: string): boolean {
    const fields = this.objects.get(object);
    if (!fields) return false;
    if (fields.has(field)) return true;
    if (field.endsWith('__c')) return false;
    return STANDARD_OBJECTS.has(object) || CUSTOM_OBJECT_FIELDS.has(field);
  }

  field(object: string, field: string): FieldInfo | undefined {
    return this.objects.get(object)?.get(field);
  }

  /** The child object of a relationship (`Survey_Responses__r` on Account → Survey_Response__c). */
  childOf(parent: string, relationship: string): string | undefined {
    const name = relationship.replace(/__r$/, '');
    for (const [object, fields] of this.objects)
      for (const info of fields.values())
        if (info.referenceTo === parent && info.relationshipName === name) return object;
    return undefined;
  }
}

/** Standard list-view and related-list columns are upper-case tokens (`NAME`, `OWNER.ALIAS`). */
const isStandardColumn = (name: string) => /^[A-Z][A-Z0-9_.]*$/.test(name);

/** Checks the package in `projectDir` (the `main/default` folder) as a deploy would. */
export function checkPackage(projectDir: string): DeployProblem[] {
  const problems: DeployProblem[] = [];
  const files: MetadataFile[] = [];
  for (const path of walk(projectDir)) {
    if (!path.endsWith('-meta.xml')) continue;
    const rel = relative(projectDir, path).split('\\').join('/');
    const kind = classify(rel);
    if (!kind) {
      problems.push({ file: rel, line: 1, message: `no metadata type lives at ${rel}` });
      continue;
    }
    const file: MetadataFile = { path: rel, ...kind };
    try {
      file.root = parseXml(readFileSync(path, 'utf8'));
    } catch (error) {
      if (!(error instanceof XmlProblem)) throw error;
      problems.push({ file: rel, line: error.line, message: error.message });
    }
    files.push(file);
  }
  const index = new PackageIndex(files);
  for (const file of files) {
    if (!file.root) continue;
    const report = (element: XmlElement, message: string) =>
      problems.push({ file: file.path, line: element.line, message });
    if (file.root.name !== file.type) {
      report(
        file.root,
        `a ${basename(file.path)} file holds a <${file.type}>, not <${file.root.name}>`,
      );
      continue;
    }
    checkElement(file.root, file.type, file.type, report);
    RULES[file.type]?.(file, file.root, index, report);
  }
  problems.push(...checkAnalytics(files, index));
  return problems;
}

type Report = (element: XmlElement, message: string) => void;

/** The element's children against its WSDL type: known names, values or elements as typed. */
function checkElement(element: XmlElement, type: string, path: string, report: Report): void {
  const props = propsOf(type);
  for (const item of element.children) {
    const declared = props[item.name];
    if (declared === undefined) {
      report(item, `<${item.name}> is not an element of ${type} (${path})`);
      continue;
    }
    const raw = Array.isArray(declared) ? (declared[0] as string) : (declared as string);
    const itemType = raw.replace(/^\?/, '');
    if (OPAQUE.has(`${type}.${item.name}`) || itemType === 'any') continue;
    if (SCHEMAS[itemType]) {
      checkElement(item, itemType, `${path}.${item.name}`, report);
      continue;
    }
    if (item.children.length > 0) {
      report(item, `<${item.name}> of ${type} takes a ${itemType}, not elements`);
      continue;
    }
    const value = item.text.trim();
    if (itemType === 'boolean' && value !== 'true' && value !== 'false')
      report(item, `<${item.name}> must be true or false, not "${value}"`);
    if (itemType === 'number' && !/^-?\d+(\.\d+)?$/.test(value))
      report(item, `<${item.name}> must be a number, not "${value}"`);
  }
  for (const [name, declared] of Object.entries(props)) {
    if (Array.isArray(declared) || (declared as string).startsWith('?') || name === 'fullName')
      continue;
    if (!element.children.some((c) => c.name === name))
      report(element, `${type} requires <${name}> (${path})`);
  }
}

type Rule = (file: MetadataFile, root: XmlElement, index: PackageIndex, report: Report) => void;

const RULES: Record<string, Rule> = {
  CustomTab(file, root, index, report) {
    const motif = child(root, 'motif');
    if (motif) {
      const match = /^Custom(\d+): (.+)$/.exec(textOf(motif));
      const expected = match ? MOTIFS[Number(match[1])] : undefined;
      if (!match || !expected)
        report(motif, `"${textOf(motif)}" is not a tab style (CustomNN: Name, NN from 1 to 100)`);
      else if (expected.toLowerCase() !== (match[2] as string).trim().toLowerCase()) {
        const right = Object.entries(MOTIFS).find(
          ([, name]) => name.toLowerCase() === (match[2] as string).trim().toLowerCase(),
        );
        report(
          motif,
          `"${textOf(motif)}": Custom${match[1]} is ${expected}${right ? `; ${right[1]} is Custom${right[0]}: ${right[1]}` : ''}`,
        );
      }
    }
    const customObject = child(root, 'customObject');
    if (textOf(customObject) === 'true' && !index.has('CustomObject', file.name))
      report(
        customObject as XmlElement,
        `the tab shows ${file.name}, which the package does not define`,
      );
  },

  Layout(file, root, index, report) {
    const object = file.object as string;
    if (!index.objects.has(object))
      report(root, `the layout is for ${object}, which the package does not define`);
    for (const item of descendants(root, 'layoutItems')) {
      const field = child(item, 'field');
      if (field && !index.hasField(object, textOf(field)))
        report(field, `the layout places ${object}.${textOf(field)}, which does not exist`);
    }
    for (const list of childrenNamed(root, 'relatedLists')) {
      const nameElement = child(list, 'relatedList');
      const name = textOf(nameElement);
      const where = nameElement ?? list;
      let childObject: string | undefined;
      const qualified = /^(\w+)\.(\w+)$/.exec(name);
      if (qualified) {
        childObject = qualified[1] as string;
        const lookup = index.field(childObject, qualified[2] as string);
        if (!index.objects.has(childObject))
          report(where, `related list ${name}: no object ${childObject}`);
        else if (!lookup || !['Lookup', 'MasterDetail'].includes(lookup.type))
          report(where, `related list ${name}: ${name} is not a lookup field`);
        else if (lookup.referenceTo !== object)
          report(
            where,
            `related list ${name}: ${name} looks up ${lookup.referenceTo}, not ${object}`,
          );
      } else if (name.endsWith('__r')) {
        const found = index.childOf(object, name);
        const lookup = found
          ? [...(index.objects.get(found)?.entries() ?? [])].find(
              ([, f]) =>
                f.referenceTo === object && f.relationshipName === name.replace(/__r$/, ''),
            )?.[0]
          : undefined;
        report(
          where,
          `related list ${name} is named by its relationship: a layout names a custom related list ChildObject.LookupField${lookup ? ` (${found}.${lookup})` : ''}; an org answers "Cannot find related list"`,
        );
      } else if (!STANDARD_RELATED_LISTS.has(name)) {
        report(
          where,
          `related list ${name} is neither ChildObject.LookupField nor a standard list`,
        );
      }
      if (!childObject || !index.objects.has(childObject)) continue;
      for (const field of childrenNamed(list, 'fields')) {
        const column = textOf(field);
        if (!isStandardColumn(column) && !index.hasField(childObject, column))
          report(
            field,
            `related list ${name} shows ${childObject}.${column}, which does not exist`,
          );
      }
    }
  },

  ListView(file, root, index, report) {
    const object = file.object as string;
    for (const column of childrenNamed(root, 'columns')) {
      const name = textOf(column);
      if (!isStandardColumn(name) && !index.hasField(object, name))
        report(column, `list view column ${object}.${name} does not exist`);
    }
    for (const filter of childrenNamed(root, 'filters')) {
      const field = child(filter, 'field');
      const name = textOf(field);
      if (field && !isStandardColumn(name) && !index.hasField(object, name))
        report(field, `list view filter on ${object}.${name}, which does not exist`);
    }
  },

  ReportType(_file, root, index, report) {
    const baseElement = child(root, 'baseObject');
    const base = textOf(baseElement);
    if (!index.objects.has(base)) {
      report(baseElement ?? root, `report type on ${base}, which the package does not define`);
      return;
    }
    // Tables are `Base` or `Base.Relationship[.Relationship…]` along the joins.
    const tables = new Map<string, string>([[base, base]]);
    let join = child(root, 'join');
    let parentTable = base;
    while (join) {
      const relationship = child(join, 'relationship');
      const target = index.childOf(tables.get(parentTable) as string, textOf(relationship));
      if (!target) {
        report(
          relationship ?? join,
          `report type joins ${textOf(relationship)}, which is no child relationship of ${tables.get(parentTable)}`,
        );
        return; // its columns cannot be resolved either
      }
      parentTable = `${parentTable}.${textOf(relationship)}`;
      tables.set(parentTable, target);
      join = child(join, 'join');
    }
    for (const column of descendants(root, 'columns')) {
      const table = child(column, 'table');
      const field = child(column, 'field');
      const object = tables.get(textOf(table));
      if (!object) {
        report(
          table ?? column,
          `report type column from ${textOf(table)}, which is not one of its tables`,
        );
        continue;
      }
      const name = textOf(field).split('.')[0] as string;
      if (field && !index.hasField(object, name))
        report(field, `report type column ${object}.${textOf(field)} does not exist`);
    }
  },

  PermissionSet(_file, root, index, report) {
    for (const permission of childrenNamed(root, 'objectPermissions')) {
      const object = child(permission, 'object');
      if (object && !index.objects.has(textOf(object)))
        report(object, `grants access to ${textOf(object)}, which the package does not define`);
    }
    for (const permission of childrenNamed(root, 'fieldPermissions')) {
      const fieldElement = child(permission, 'field');
      const [object, field] = textOf(fieldElement).split('.') as [string, string | undefined];
      if (!fieldElement) continue;
      if (!field || !index.hasField(object, field)) {
        report(fieldElement, `grants ${textOf(fieldElement)}, which does not exist`);
        continue;
      }
      const info = index.field(object, field);
      if (info?.required || info?.type === 'MasterDetail')
        report(
          fieldElement,
          `${textOf(fieldElement)} is required: an org refuses field permissions on it ("You cannot deploy to a required field")`,
        );
      if (info?.formula && textOf(child(permission, 'editable')) === 'true')
        report(fieldElement, `${textOf(fieldElement)} is a formula: it cannot be editable`);
    }
    for (const setting of childrenNamed(root, 'tabSettings')) {
      const tab = child(setting, 'tab');
      const name = textOf(tab);
      if (tab && !name.startsWith('standard-') && !index.has('CustomTab', name))
        report(tab, `tab setting for ${name}, which the package does not define`);
    }
    for (const visibility of childrenNamed(root, 'applicationVisibilities')) {
      const app = child(visibility, 'application');
      if (
        app &&
        !textOf(app).startsWith('standard__') &&
        !index.has('CustomApplication', textOf(app))
      )
        report(app, `app ${textOf(app)} is not in the package`);
    }
    for (const permission of childrenNamed(root, 'customPermissions')) {
      const name = child(permission, 'name');
      if (name && !index.has('CustomPermission', textOf(name)))
        report(name, `custom permission ${textOf(name)} is not in the package`);
    }
    for (const access of childrenNamed(root, 'customMetadataTypeAccesses')) {
      const name = child(access, 'name');
      if (name && !index.has('CustomObject', textOf(name)))
        report(name, `custom metadata type ${textOf(name)} is not in the package`);
    }
  },

  CustomApplication(_file, root, index, report) {
    for (const tab of childrenNamed(root, 'tabs')) {
      const name = textOf(tab);
      if (!name.startsWith('standard-') && !index.has('CustomTab', name))
        report(tab, `the app shows tab ${name}, which the package does not define`);
    }
  },

  QuickAction(file, root, index, report) {
    if (file.object && !index.objects.has(file.object))
      report(root, `the action is on ${file.object}, which the package does not define`);
    const lwc = child(root, 'lightningWebComponent');
    if (!lwc) return;
    const component = index.components.get(textOf(lwc));
    if (!component) report(lwc, `component ${textOf(lwc)} is not in the package`);
    else if (!component.targets.has('lightning__RecordAction'))
      report(lwc, `component ${textOf(lwc)} does not target lightning__RecordAction`);
  },

  FlexiPage(_file, root, index, report) {
    const type = textOf(child(root, 'type'));
    const sobject = child(root, 'sobjectType');
    if (sobject && !index.objects.has(textOf(sobject)))
      report(sobject, `the page is for ${textOf(sobject)}, which the package does not define`);
    const target = PAGE_TARGETS[type];
    for (const name of descendants(root, 'componentName')) {
      const [namespace, bundle] = textOf(name).includes(':')
        ? (textOf(name).split(':') as [string, string])
        : ['c', textOf(name)];
      if (namespace !== 'c') continue; // force:, flexipage:, runtime_… are the platform's own
      const component = index.components.get(bundle);
      if (!component) {
        report(name, `component ${textOf(name)} is not in the package`);
        continue;
      }
      if (!component.exposed) report(name, `component ${bundle} is not exposed (isExposed)`);
      if (target && !component.targets.has(target))
        report(name, `component ${bundle} does not target ${target}, so a ${type} cannot hold it`);
      if (
        type === 'RecordPage' &&
        component.recordObjects.size > 0 &&
        !component.recordObjects.has(textOf(sobject))
      )
        report(
          name,
          `component ${bundle} is restricted to ${[...component.recordObjects].join(', ')}`,
        );
    }
  },

  Translations(_file, root, index, report) {
    const references: [string, string][] = [
      ['customApplications', 'CustomApplication'],
      ['quickActions', 'QuickAction'],
      ['reportTypes', 'ReportType'],
      ['customTabs', 'CustomTab'],
    ];
    for (const [element, type] of references)
      for (const item of childrenNamed(root, element)) {
        const name = child(item, 'name');
        if (name && !index.has(type, textOf(name)))
          report(name, `translates ${type} ${textOf(name)}, which is not in the package`);
      }
  },

  CustomObjectTranslation(file, root, index, report) {
    const object = file.object as string;
    if (!index.objects.has(object))
      report(root, `translates ${object}, which the package does not define`);
    for (const layout of childrenNamed(root, 'layouts')) {
      const name = textOf(child(layout, 'layout'));
      const sections = index.layoutSections.get(`${object}-${name}`);
      if (!sections) {
        report(layout, `translates layout ${object}-${name}, which is not in the package`);
        continue;
      }
      for (const section of childrenNamed(layout, 'sections')) {
        const label = child(section, 'section');
        if (label && !sections.has(textOf(label)))
          report(label, `layout ${name} has no section "${textOf(label)}"`);
      }
    }
  },

  CustomFieldTranslation(file, root, index, report) {
    if (!index.hasField(file.object as string, file.name))
      report(root, `translates ${file.object}.${file.name}, which does not exist`);
  },

  CustomField(file, root, index, report) {
    const reference = child(root, 'referenceTo');
    if (reference && !index.objects.has(textOf(reference)))
      report(
        reference,
        `${file.object}.${file.name} looks up ${textOf(reference)}, which the package does not define`,
      );
  },
};

/** Throws with every problem, one per line, if the package would not deploy. */
export function assertDeployable(projectDir: string): void {
  const problems = checkPackage(projectDir);
  if (problems.length > 0)
    throw new Error(
      `the Salesforce package would not deploy:\n${problems.map((p) => `  ${p.file}:${p.line}: ${p.message}`).join('\n')}`,
    );
}
