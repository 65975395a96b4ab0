import type { MetadataFile } from './files.ts';
import type { PackageIndex } from './packageIndex.ts';
import type { Report } from './wsdl.ts';
import { child, childrenNamed, descendants, textOf, type XmlElement } from './xml.ts';

// The value rules the Metadata API documentation gives (tab motifs, related list names) and the
// cross-references a deploy checks, one rule per metadata type.

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

/** Standard list-view and related-list columns are upper-case tokens (`NAME`, `OWNER.ALIAS`). */
const isStandardColumn = (name: string) => /^[A-Z][A-Z0-9_.]*$/.test(name);

export type Rule = (
  file: MetadataFile,
  root: XmlElement,
  index: PackageIndex,
  report: Report,
) => void;

export const RULES: Record<string, Rule> = {
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
    // A Lightning page tab: its page must be in the package, and it needs its own label.
    const page = child(root, 'flexiPage');
    if (page && !index.has('FlexiPage', textOf(page)))
      report(page, `the tab shows the Lightning page ${textOf(page)}, which is not in the package`);
    if (page && !textOf(child(root, 'label')))
      report(page, `the tab of the Lightning page ${textOf(page)} has no <label>`);
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
