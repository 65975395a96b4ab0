import type { MetadataFile } from './files.ts';
import { child, childrenNamed, descendants, textOf } from './xml.ts';

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

export interface FieldInfo {
  readonly type: string;
  readonly referenceTo?: string;
  readonly relationshipName?: string;
  readonly required: boolean;
  readonly formula: boolean;
}
export interface ComponentInfo {
  readonly exposed: boolean;
  readonly targets: Set<string>;
  /** Objects a record-page target is restricted to (empty: any). */
  readonly recordObjects: Set<string>;
}

/** The package's objects, fields, tabs, components and names, for the cross-references. */
export class PackageIndex {
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
