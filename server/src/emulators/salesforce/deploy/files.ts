import { classifyAnalytics } from './analytics.ts';
import type { XmlElement } from './xml.ts';

export interface MetadataFile {
  readonly path: string;
  readonly type: string;
  /** The component's name, from its file name (`Callback__c.Log_Callback`, `Boucle_User`). */
  readonly name: string;
  /** The object a file belongs to (fields, list views, rules, layouts, object translations). */
  readonly object?: string;
  root?: XmlElement;
}

/** Where each kind of source file lives, and its metadata type. */
export function classify(rel: string): Omit<MetadataFile, 'path'> | undefined {
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
