import { METADATA_API_TYPES } from '../../../crm/salesforce/metadataTypes.ts';
import type { XmlElement } from './xml.ts';

// Each element of a metadata file against its type in the Metadata API's WSDL (as jsforce ships
// it: crm/salesforce/metadataTypes.ts, plus the few later additions below).

type PropType = string | readonly string[];
interface TypeSchema {
  readonly props: Record<string, PropType>;
  readonly extends?: string;
}

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

export type Report = (element: XmlElement, message: string) => void;

/** The element's children against its WSDL type: known names, values or elements as typed. */
export function checkElement(
  element: XmlElement,
  type: string,
  path: string,
  report: Report,
): void {
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
