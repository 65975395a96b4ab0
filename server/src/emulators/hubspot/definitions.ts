import type {
  AssociationLabel,
  ObjectType,
  Property,
  PropertyGroup,
  PropertyOption,
} from './model.ts';
import { HubSpotError } from './model.ts';

// What a portal's object types are made of: the standard objects and their properties, the default
// association labels, and the checks HubSpot applies when a property, a group or a custom object is
// created. The portal (portal.ts) holds them; these functions only build and check definitions.

const iso = () => new Date().toISOString();

export function property(
  name: string,
  type: Property['type'],
  extra: Partial<Property> = {},
): Property {
  const fieldType = {
    string: 'text',
    number: 'number',
    enumeration: 'select',
    datetime: 'date',
    date: 'date',
    bool: 'booleancheckbox',
    phone_number: 'phonenumber',
  }[type];
  return {
    name,
    label: name,
    type,
    fieldType,
    groupName: 'default',
    description: '',
    options: [],
    hasUniqueValue: false,
    createdAt: '2020-01-01T00:00:00Z',
    updatedAt: '2020-01-01T00:00:00Z',
    archived: false,
    calculated: false,
    formField: true,
    ...extra,
  };
}
const enumeration = (name: string, values: string[]) =>
  property(name, 'enumeration', {
    options: values.map((value, displayOrder) => ({
      label: value,
      value,
      displayOrder,
      hidden: false,
    })),
  });

/**
 * Default association type ids (HUBSPOT_DEFINED) between the standard objects Boucle uses, both
 * directions. Custom objects get theirs when their schema is created.
 */
const DEFAULT_ASSOCIATIONS: [string, string, number][] = [
  ['contacts', 'companies', 279],
  ['companies', 'contacts', 280],
  ['tasks', 'contacts', 204],
  ['contacts', 'tasks', 203],
  ['tasks', 'companies', 192],
  ['companies', 'tasks', 191],
  ['notes', 'contacts', 202],
  ['contacts', 'notes', 201],
  ['notes', 'companies', 190],
  ['companies', 'notes', 189],
];

/** The standard object types of a new portal, in HubSpot's order, with their properties. */
export function standardTypes(): ObjectType[] {
  const types: ObjectType[] = [];
  const common = () => [
    property('hs_object_id', 'number', { readOnly: true, hasUniqueValue: true }),
    property('hs_createdate', 'datetime', { readOnly: true }),
    property('hs_lastmodifieddate', 'datetime', { readOnly: true }),
    property('hubspot_owner_id', 'enumeration'),
  ];
  const define = (
    objectTypeId: string,
    name: string,
    singular: string,
    properties: Property[],
    requiredProperties: string[] = [],
  ) => {
    types.push({
      objectTypeId,
      name,
      singular,
      custom: false,
      requiredProperties,
      properties: new Map([...common(), ...properties].map((p) => [p.name, p])),
      groups: new Map([
        ['default', { name: 'default', label: 'Default', displayOrder: 0, archived: false }],
      ]),
      records: new Map(),
      createdAt: '2020-01-01T00:00:00Z',
    });
  };
  define('0-1', 'contacts', 'contact', [
    property('email', 'string', { hasUniqueValue: true }),
    property('firstname', 'string'),
    property('lastname', 'string'),
    property('company', 'string'),
    property('phone', 'phone_number'),
    property('jobtitle', 'string'),
    property('createdate', 'datetime', { readOnly: true }),
    property('lastmodifieddate', 'datetime', { readOnly: true }),
  ]);
  define('0-2', 'companies', 'company', [
    property('name', 'string'),
    property('domain', 'string'),
    property('website', 'string'),
    property('industry', 'string'),
    property('createdate', 'datetime', { readOnly: true }),
  ]);
  define(
    '0-27',
    'tasks',
    'task',
    [
      property('hs_timestamp', 'datetime'),
      property('hs_task_subject', 'string'),
      property('hs_task_body', 'string'),
      enumeration('hs_task_status', [
        'NOT_STARTED',
        'IN_PROGRESS',
        'WAITING',
        'COMPLETED',
        'DEFERRED',
      ]),
      enumeration('hs_task_priority', ['NONE', 'LOW', 'MEDIUM', 'HIGH']),
      enumeration('hs_task_type', ['EMAIL', 'CALL', 'TODO', 'LINKED_IN']),
      property('hs_task_reminders', 'string'),
    ],
    ['hs_timestamp'],
  );
  // Service Hub feedback surveys: read-only through the API (written by HubSpot itself).
  define('0-19', 'feedback_submissions', 'feedback_submission', [
    enumeration('hs_survey_type', ['NPS', 'CSAT', 'CES', 'CUSTOM']),
    property('hs_response_value', 'number'),
    property('hs_content', 'string'),
    property('hs_survey_name', 'string'),
    enumeration('hs_sentiment', [
      'PROMOTER',
      'PASSIVE',
      'DETRACTOR',
      'POSITIVE',
      'NEUTRAL',
      'NEGATIVE',
    ]),
  ]);
  define(
    '0-46',
    'notes',
    'note',
    [property('hs_timestamp', 'datetime'), property('hs_note_body', 'string')],
    ['hs_timestamp'],
  );
  return types;
}

/** The association labels of a new portal (HUBSPOT_DEFINED, each direction its own type id). */
export function standardLabels(): [string, AssociationLabel[]][] {
  return [
    [
      'feedback_submissions->contacts',
      [{ category: 'HUBSPOT_DEFINED', typeId: 1228, label: null }],
    ],
    [
      'contacts->feedback_submissions',
      [{ category: 'HUBSPOT_DEFINED', typeId: 1229, label: null }],
    ],
    ...DEFAULT_ASSOCIATIONS.map(([from, to, typeId]): [string, AssociationLabel[]] => [
      `${from}->${to}`,
      [{ category: 'HUBSPOT_DEFINED', typeId, label: null }],
    ]),
  ];
}

/** A new property of `type`, or the error HubSpot answers for its name, type, group or options. */
export function newProperty(
  type: ObjectType,
  input: Partial<Property> & { name?: string; options?: PropertyOption[] },
): Property {
  const name = String(input.name ?? '');
  if (!/^[a-z][a-z0-9_]{0,99}$/.test(name))
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `Invalid property name "${name}": use lowercase letters, digits and underscores, starting with a letter`,
    );
  if (type.properties.has(name))
    throw new HubSpotError(
      409,
      'OBJECT_ALREADY_EXISTS',
      `Property named '${name}' already exists.`,
    );
  const types = ['string', 'number', 'enumeration', 'datetime', 'date', 'bool', 'phone_number'];
  if (!types.includes(String(input.type)))
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `Invalid property type "${String(input.type)}": one of ${types.join(', ')}`,
    );
  if (!input.groupName || !type.groups.has(input.groupName))
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `Property group "${String(input.groupName)}" does not exist for ${type.name}`,
    );
  if (
    input.type === 'enumeration' &&
    (input.options ?? []).length === 0 &&
    input.fieldType !== 'booleancheckbox'
  ) {
    throw new HubSpotError(400, 'VALIDATION_ERROR', `Enumeration property "${name}" needs options`);
  }
  const created: Property = {
    ...property(name, input.type as Property['type']),
    label: String(input.label ?? name),
    fieldType: String(input.fieldType ?? 'text'),
    groupName: input.groupName,
    description: input.description ?? '',
    options: input.options ?? [],
    hasUniqueValue: Boolean(input.hasUniqueValue),
    createdAt: iso(),
    updatedAt: iso(),
  };
  return created;
}

/** A new property group of `type`, or the error HubSpot answers for its name. */
export function newGroup(
  type: ObjectType,
  input: { name?: string; label?: string; displayOrder?: number },
): PropertyGroup {
  const name = String(input.name ?? '');
  if (!/^[a-z][a-z0-9_]{0,99}$/.test(name))
    throw new HubSpotError(400, 'VALIDATION_ERROR', `Invalid group name "${name}"`);
  if (type.groups.has(name))
    throw new HubSpotError(
      409,
      'OBJECT_ALREADY_EXISTS',
      `Property group named '${name}' already exists.`,
    );
  const group = {
    name,
    label: String(input.label ?? name),
    displayOrder: input.displayOrder ?? -1,
    archived: false,
  };
  return group;
}

export interface SchemaInput {
  name?: string;
  labels?: { singular?: string; plural?: string };
  properties?: Partial<Property>[];
  requiredProperties?: string[];
  primaryDisplayProperty?: string;
  associatedObjects?: string[];
}

/**
 * A custom object type from a schema (without its own properties, added after), or the error
 * HubSpot answers; `objectTypeId` is called only once the schema is valid.
 */
export function customType(
  input: SchemaInput,
  taken: (name: string) => boolean,
  objectTypeId: () => string,
  portalId: number,
): ObjectType {
  const name = String(input.name ?? '');
  if (!/^[a-z][a-z0-9_]*$/.test(name))
    throw new HubSpotError(400, 'VALIDATION_ERROR', `Invalid object name "${name}"`);
  if (taken(name))
    throw new HubSpotError(
      409,
      'OBJECT_ALREADY_EXISTS',
      `Object type with name ${name} already exists.`,
    );
  if (!input.labels?.singular || !input.labels.plural)
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      'labels.singular and labels.plural are required',
    );
  const type: ObjectType = {
    objectTypeId: objectTypeId(),
    name,
    singular: name,
    custom: true,
    fullyQualifiedName: `p${portalId}_${name}`,
    labels: { singular: input.labels.singular, plural: input.labels.plural },
    ...(input.primaryDisplayProperty && { primaryDisplayProperty: input.primaryDisplayProperty }),
    requiredProperties: input.requiredProperties ?? [],
    properties: new Map([
      [
        'hs_object_id',
        property('hs_object_id', 'number', { readOnly: true, hasUniqueValue: true }),
      ],
      ['hs_createdate', property('hs_createdate', 'datetime', { readOnly: true })],
      ['hs_lastmodifieddate', property('hs_lastmodifieddate', 'datetime', { readOnly: true })],
    ]),
    groups: new Map([
      ['default', { name: 'default', label: 'Default', displayOrder: 0, archived: false }],
    ]),
    records: new Map(),
    createdAt: iso(),
  };
  return type;
}
