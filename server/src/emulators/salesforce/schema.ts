import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { assertDeployable } from './deployCheck.ts';
import { parseFormula, type Formula } from './formula.ts';

/** Field types as `describe` reports them. */
export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'url'
  | 'phone'
  | 'picklist'
  | 'boolean'
  | 'double'
  | 'int'
  | 'date'
  | 'datetime'
  | 'reference';

export interface FieldDef {
  readonly name: string;
  readonly label: string;
  readonly type: FieldType;
  readonly length?: number;
  /** Digits in all, and after the decimal point, of a number. */
  readonly precision?: number;
  readonly scale?: number;
  readonly required?: boolean;
  readonly unique?: boolean;
  readonly externalId?: boolean;
  readonly referenceTo?: readonly string[];
  readonly relationshipName?: string;
  readonly picklistValues?: readonly string[];
  readonly restrictedPicklist?: boolean;
  readonly createable: boolean;
  readonly updateable: boolean;
  readonly custom: boolean;
  readonly defaultValue?: unknown;
  /** Set by the platform (Id, CreatedDate, an auto-number Name...). */
  readonly system?: boolean;
}

/** An active validation rule whose formula the emulator understands (formula.ts). */
export interface ValidationRuleDef {
  readonly name: string;
  readonly formula: Formula;
  /** The field the error is shown on, if any. */
  readonly field?: string;
  readonly message: string;
}

/** What a permission set grants, as the emulator enforces it on writes. */
export interface PermissionSetDef {
  readonly name: string;
  readonly label: string;
  readonly objects: Map<string, { create: boolean; read: boolean; edit: boolean; delete: boolean }>;
  /** `Object.Field` → access. */
  readonly fields: Map<string, { readable: boolean; editable: boolean }>;
  readonly customPermissions: Set<string>;
}

export interface ObjectDef {
  readonly name: string;
  readonly label: string;
  readonly keyPrefix: string;
  readonly custom: boolean;
  readonly customMetadata: boolean;
  readonly autoNumberFormat?: string;
  readonly fields: Map<string, FieldDef>;
  readonly validationRules: ValidationRuleDef[];
}

const system = (name: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  label: name,
  type,
  createable: false,
  updateable: false,
  custom: false,
  system: true,
  ...extra,
});
const standard = (name: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  label: name,
  type,
  createable: true,
  updateable: true,
  custom: false,
  ...extra,
});

function auditFields(): FieldDef[] {
  return [
    system('Id', 'id', { length: 18 }),
    system('IsDeleted', 'boolean'),
    system('CreatedDate', 'datetime'),
    system('LastModifiedDate', 'datetime'),
    system('SystemModstamp', 'datetime'),
    system('CreatedById', 'reference', { referenceTo: ['User'], relationshipName: 'CreatedBy' }),
    system('LastModifiedById', 'reference', {
      referenceTo: ['User'],
      relationshipName: 'LastModifiedBy',
    }),
  ];
}

const owner = () =>
  standard('OwnerId', 'reference', { referenceTo: ['User', 'Group'], relationshipName: 'Owner' });

/** The standard objects Boucle reads or writes, with the fields it uses (and a few more). */
function standardObjects(): ObjectDef[] {
  const make = (name: string, keyPrefix: string, fields: FieldDef[]): ObjectDef => ({
    name,
    label: name,
    keyPrefix,
    custom: false,
    customMetadata: false,
    fields: new Map([...auditFields(), ...fields].map((f) => [f.name, f])),
    validationRules: [],
  });
  return [
    make('Account', '001', [
      standard('Name', 'string', { length: 255, required: true }),
      standard('Website', 'url', { length: 255 }),
      standard('Phone', 'phone', { length: 40 }),
      standard('Industry', 'string', { length: 255 }),
      standard('BillingCountry', 'string', { length: 80 }),
      standard('ParentId', 'reference', { referenceTo: ['Account'], relationshipName: 'Parent' }),
      owner(),
    ]),
    make('Contact', '003', [
      standard('FirstName', 'string', { length: 40 }),
      standard('LastName', 'string', { length: 80, required: true }),
      system('Name', 'string', { length: 121 }),
      standard('Email', 'email', { length: 80 }),
      standard('Phone', 'phone', { length: 40 }),
      standard('Title', 'string', { length: 128 }),
      standard('AccountId', 'reference', { referenceTo: ['Account'], relationshipName: 'Account' }),
      owner(),
    ]),
    make('User', '005', [
      standard('Username', 'string', { length: 80, required: true, unique: true }),
      standard('FirstName', 'string', { length: 40 }),
      standard('LastName', 'string', { length: 80, required: true }),
      system('Name', 'string', { length: 121 }),
      standard('Email', 'email', { length: 128, required: true }),
      standard('IsActive', 'boolean', { defaultValue: true }),
      standard('ManagerId', 'reference', { referenceTo: ['User'], relationshipName: 'Manager' }),
      standard('LanguageLocaleKey', 'string', { length: 40 }),
      standard('TimeZoneSidKey', 'string', { length: 40 }),
    ]),
    make('Group', '00G', [
      standard('Name', 'string', { length: 40, required: true }),
      standard('DeveloperName', 'string', { length: 80 }),
      standard('Type', 'picklist', {
        picklistValues: ['Queue', 'Regular'],
        restrictedPicklist: true,
      }),
    ]),
    // Who holds which permission set: the emulator enforces field-level security and custom
    // permissions for users with at least one assignment (see SalesforceOrg.runAs).
    make('PermissionSet', '0PS', [
      standard('Name', 'string', { length: 80, required: true }),
      standard('Label', 'string', { length: 80 }),
    ]),
    make('PermissionSetAssignment', '0Pa', [
      standard('AssigneeId', 'reference', {
        referenceTo: ['User'],
        relationshipName: 'Assignee',
        required: true,
      }),
      standard('PermissionSetId', 'reference', {
        referenceTo: ['PermissionSet'],
        relationshipName: 'PermissionSet',
        required: true,
      }),
    ]),
    make('Task', '00T', [
      standard('Subject', 'string', { length: 255 }),
      standard('Description', 'textarea', { length: 32000 }),
      standard('WhatId', 'reference', {
        referenceTo: ['Account', 'Survey_Response__c', 'Callback__c', 'Response_Rating__c'],
        relationshipName: 'What',
      }),
      standard('WhoId', 'reference', { referenceTo: ['Contact'], relationshipName: 'Who' }),
      system('AccountId', 'reference', { referenceTo: ['Account'], relationshipName: 'Account' }),
      owner(),
      standard('ActivityDate', 'date'),
      standard('Status', 'picklist', {
        picklistValues: [
          'Not Started',
          'In Progress',
          'Completed',
          'Waiting on someone else',
          'Deferred',
        ],
        restrictedPicklist: true,
        defaultValue: 'Not Started',
      }),
      standard('Priority', 'picklist', {
        picklistValues: ['High', 'Normal', 'Low'],
        restrictedPicklist: true,
        defaultValue: 'Normal',
      }),
      standard('TaskSubtype', 'picklist', {
        picklistValues: ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'],
        restrictedPicklist: true,
        updateable: false,
      }),
      standard('CallDisposition', 'string', { length: 255 }),
      standard('CallType', 'picklist', {
        picklistValues: ['Internal', 'Inbound', 'Outbound'],
        restrictedPicklist: true,
      }),
      system('IsClosed', 'boolean'),
    ]),
  ];
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (tag) => tag === 'value' || tag === 'values',
});
const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function fieldFromXml(xml: Record<string, unknown>): FieldDef {
  const name = String(xml.fullName);
  const base = {
    name,
    label: String(xml.label ?? name),
    createable: true,
    updateable: true,
    custom: true,
  };
  switch (xml.type) {
    case 'Text':
      return {
        ...base,
        type: 'string',
        length: Number(xml.length),
        externalId: xml.externalId === 'true',
        unique: xml.unique === 'true',
        required: xml.required === 'true',
      };
    case 'LongTextArea':
    case 'TextArea':
      return { ...base, type: 'textarea', length: Number(xml.length ?? 255) };
    case 'Email':
      return { ...base, type: 'email', length: 80 };
    case 'Url':
      return { ...base, type: 'url', length: 255 };
    case 'Number':
      return {
        ...base,
        type: 'double',
        precision: Number(xml.precision),
        scale: Number(xml.scale),
      };
    case 'Checkbox':
      return { ...base, type: 'boolean', defaultValue: xml.defaultValue === 'true' };
    case 'DateTime':
      return { ...base, type: 'datetime' };
    case 'Date':
      return { ...base, type: 'date' };
    case 'Lookup':
    case 'MasterDetail':
      return {
        ...base,
        type: 'reference',
        referenceTo: [String(xml.referenceTo)],
        relationshipName: `${String(xml.relationshipName ?? name.replace(/__c$/, ''))}`,
      };
    case 'Picklist': {
      const valueSet = xml.valueSet as {
        restricted?: string;
        valueSetDefinition?: { value?: { fullName: string }[] };
      };
      return {
        ...base,
        type: 'picklist',
        picklistValues: asList(valueSet?.valueSetDefinition?.value).map((v) => String(v.fullName)),
        restrictedPicklist: valueSet?.restricted === 'true',
      };
    }
    default:
      throw new Error(`the emulator does not know the field type ${String(xml.type)} of ${name}`);
  }
}

function readXml(path: string, root: string): Record<string, unknown> {
  return (
    (parser.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, unknown>>)[root] ??
    {}
  );
}

/** The field name of a custom lookup's relationship: `Account__c` → `Account__r`. */
export function relationshipOf(field: FieldDef): string | undefined {
  if (field.type !== 'reference') return undefined;
  return field.custom ? field.name.replace(/__c$/, '__r') : field.relationshipName;
}

/**
 * The org's schema: the standard objects above plus every object and field declared in the SFDX
 * project (`salesforce/force-app/main/default/objects`), so that writing a field the package does not
 * declare fails as it would in a real org. A package an org would refuse to deploy is refused here
 * too (see deployCheck.ts), with the file and line of each problem.
 * @param projectDir the `main/default` folder of the SFDX project
 */
export function loadSchema(projectDir: string): Map<string, ObjectDef> {
  assertDeployable(projectDir);
  const objects = new Map(standardObjects().map((o) => [o.name, o]));
  const objectsDir = join(projectDir, 'objects');
  let customIndex = 0;
  for (const name of readdirSync(objectsDir).sort()) {
    const dir = join(objectsDir, name);
    const metaPath = join(dir, `${name}.object-meta.xml`);
    let object = objects.get(name);
    if (!object) {
      if (!existsSync(metaPath)) throw new Error(`${metaPath} is missing`);
      const xml = readXml(metaPath, 'CustomObject');
      const customMetadata = name.endsWith('__mdt');
      const nameField = xml.nameField as { type?: string; displayFormat?: string } | undefined;
      const fields: FieldDef[] = customMetadata
        ? [
            system('Id', 'id', { length: 18 }),
            system('DeveloperName', 'string', { length: 40 }),
            system('MasterLabel', 'string', { length: 40 }),
            system('Label', 'string', { length: 40 }),
            system('QualifiedApiName', 'string', { length: 70 }),
            system('NamespacePrefix', 'string', { length: 15 }),
          ]
        : [
            ...auditFields(),
            nameField?.type === 'AutoNumber'
              ? system('Name', 'string', { length: 80 })
              : standard('Name', 'string', { length: 80, required: true }),
            owner(),
          ];
      object = {
        name,
        label: String(xml.label ?? name),
        keyPrefix: customMetadata
          ? 'm00'
          : `a0${'123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[customIndex++] ?? 'Z'}`,
        custom: true,
        customMetadata,
        ...(nameField?.type === 'AutoNumber' && {
          autoNumberFormat: String(nameField.displayFormat),
        }),
        fields: new Map(fields.map((f) => [f.name, f])),
        validationRules: [],
      };
      objects.set(name, object);
    }
    const fieldsDir = join(dir, 'fields');
    if (existsSync(fieldsDir)) {
      for (const file of readdirSync(fieldsDir).sort()) {
        const field = fieldFromXml(readXml(join(fieldsDir, file), 'CustomField'));
        object.fields.set(
          field.name,
          object.customMetadata ? { ...field, createable: false, updateable: false } : field,
        );
      }
    }
    const rulesDir = join(dir, 'validationRules');
    if (existsSync(rulesDir)) {
      for (const file of readdirSync(rulesDir).sort()) {
        const xml = readXml(join(rulesDir, file), 'ValidationRule');
        const formula = parseFormula(String(xml.errorConditionFormula));
        // A formula outside formula.ts's subset is not enforced; docs/emulators.md lists this limit.
        if (formula && xml.active === 'true') {
          object.validationRules.push({
            name: String(xml.fullName),
            formula,
            ...(xml.errorDisplayField !== undefined && { field: String(xml.errorDisplayField) }),
            message: String(xml.errorMessage),
          });
        }
      }
    }
  }
  return objects;
}

/** The package's permission sets (`permissionsets/*.permissionset-meta.xml`), by name. */
export function loadPermissionSets(projectDir: string): Map<string, PermissionSetDef> {
  const dir = join(projectDir, 'permissionsets');
  const sets = new Map<string, PermissionSetDef>();
  if (!existsSync(dir)) return sets;
  for (const file of readdirSync(dir).sort()) {
    const name = file.replace(/\.permissionset-meta\.xml$/, '');
    const xml = readXml(join(dir, file), 'PermissionSet');
    const yes = (value: unknown) => String(value) === 'true';
    type Entry = Record<string, unknown>;
    sets.set(name, {
      name,
      label: String(xml.label ?? name),
      objects: new Map(
        asList(xml.objectPermissions as Entry | Entry[]).map((o) => [
          String(o.object),
          {
            create: yes(o.allowCreate),
            read: yes(o.allowRead),
            edit: yes(o.allowEdit),
            delete: yes(o.allowDelete),
          },
        ]),
      ),
      fields: new Map(
        asList(xml.fieldPermissions as Entry | Entry[]).map((f) => [
          String(f.field),
          { readable: yes(f.readable), editable: yes(f.editable) },
        ]),
      ),
      customPermissions: new Set(
        asList(xml.customPermissions as Entry | Entry[])
          .filter((c) => yes(c.enabled))
          .map((c) => String(c.name)),
      ),
    });
  }
  return sets;
}

/** Custom metadata records (`customMetadata/Type.Record.md-meta.xml`), by type. */
export function loadCustomMetadata(projectDir: string): Map<string, Record<string, unknown>[]> {
  const dir = join(projectDir, 'customMetadata');
  const byType = new Map<string, Record<string, unknown>[]>();
  if (!existsSync(dir)) return byType;
  for (const file of readdirSync(dir).sort()) {
    const [type, developerName] = file.replace(/\.md-meta\.xml$/, '').split('.') as [
      string,
      string,
    ];
    const xml = readXml(join(dir, file), 'CustomMetadata');
    const record: Record<string, unknown> = {
      DeveloperName: developerName,
      MasterLabel: String(xml.label),
      Label: String(xml.label),
      QualifiedApiName: developerName,
      NamespacePrefix: null,
    };
    for (const entry of asList(xml.values as { field: string; value: unknown }[])) {
      const raw = Array.isArray(entry.value) ? (entry.value[0] as unknown) : entry.value;
      const text =
        typeof raw === 'object' && raw !== null
          ? String((raw as { '#text'?: unknown })['#text'] ?? '')
          : String(raw ?? '');
      record[entry.field] = /^-?\d+(\.\d+)?$/.test(text)
        ? Number(text)
        : text === 'true'
          ? true
          : text === 'false'
            ? false
            : text;
    }
    const list = byType.get(`${type}__mdt`) ?? [];
    list.push(record);
    byType.set(`${type}__mdt`, list);
  }
  return byType;
}
