import { randomUUID } from 'node:crypto';

/** A HubSpot error body: `{status, message, correlationId, category, errors?, context?}`. */
export class HubSpotError extends Error {
  constructor(
    readonly status: number,
    readonly category: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      status: 'error',
      message: this.message,
      correlationId: randomUUID(),
      category: this.category,
      ...this.extra,
    };
  }
}

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder?: number;
  hidden?: boolean;
}

export interface Property {
  name: string;
  label: string;
  type: 'string' | 'number' | 'enumeration' | 'datetime' | 'date' | 'bool' | 'phone_number';
  fieldType: string;
  groupName: string;
  /** Required by the client's `Property` model: an empty string when none was given. */
  description: string;
  options: PropertyOption[];
  hasUniqueValue: boolean;
  readOnly?: boolean;
  hidden?: boolean;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  calculated: boolean;
  formField: boolean;
}

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

export interface HubRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface ObjectType {
  objectTypeId: string;
  name: string;
  singular: string;
  custom: boolean;
  fullyQualifiedName?: string;
  labels?: { singular: string; plural: string };
  primaryDisplayProperty?: string;
  requiredProperties: string[];
  properties: Map<string, Property>;
  groups: Map<string, PropertyGroup>;
  records: Map<string, HubRecord>;
  createdAt: string;
}

export interface AssociationLabel {
  category: 'HUBSPOT_DEFINED' | 'USER_DEFINED';
  typeId: number;
  label: string | null;
}

/** One association edge, with its types, stored once per direction. */
interface Edge {
  types: AssociationLabel[];
}

export interface Owner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  /** `PERSON` (a user, the default) or `QUEUE`; required by the client's `PublicOwner` model. */
  type?: 'PERSON' | 'QUEUE';
  teams: { id: string; name: string; primary: boolean }[];
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PortalSnapshot {
  objects: Record<
    string,
    {
      schema?: Record<string, unknown>;
      properties: Property[];
      groups: PropertyGroup[];
      records: HubRecord[];
    }
  >;
  associations: [string, Edge][];
  labels: [string, AssociationLabel[]][];
  owners: Owner[];
  nextId: number;
  nextTypeId: number;
  nextCustomType: number;
}

const iso = () => new Date().toISOString();
const READ_ONLY = [
  'hs_object_id',
  'hs_createdate',
  'hs_lastmodifieddate',
  'createdate',
  'lastmodifieddate',
];

function property(name: string, type: Property['type'], extra: Partial<Property> = {}): Property {
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

export interface PortalOptions {
  readonly portalId?: number;
  /** Enterprise portals may create custom objects; others answer 403. */
  readonly customObjects?: boolean;
}

/** The CRM data of one emulated HubSpot portal. */
export class HubSpotPortal {
  readonly portalId: number;
  readonly customObjects: boolean;
  private types = new Map<string, ObjectType>();
  private associations = new Map<string, Edge>();
  private labels = new Map<string, AssociationLabel[]>();
  owners: Owner[] = [];
  private nextId = 1;
  private nextTypeId = 1000;
  private nextCustomType = 1;

  constructor(options: PortalOptions = {}) {
    this.portalId = options.portalId ?? 12345678;
    this.customObjects = options.customObjects ?? true;
    this.reset();
  }

  reset(): void {
    this.types.clear();
    this.associations.clear();
    this.labels.clear();
    this.owners = [];
    this.nextId = 1;
    this.nextTypeId = 1000;
    this.nextCustomType = 1;
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
      this.types.set(name, {
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
    this.labels.set('feedback_submissions->contacts', [
      { category: 'HUBSPOT_DEFINED', typeId: 1228, label: null },
    ]);
    this.labels.set('contacts->feedback_submissions', [
      { category: 'HUBSPOT_DEFINED', typeId: 1229, label: null },
    ]);
    define(
      '0-46',
      'notes',
      'note',
      [property('hs_timestamp', 'datetime'), property('hs_note_body', 'string')],
      ['hs_timestamp'],
    );
    for (const [from, to, typeId] of DEFAULT_ASSOCIATIONS)
      this.labels.set(`${from}->${to}`, [{ category: 'HUBSPOT_DEFINED', typeId, label: null }]);
  }

  snapshot(): PortalSnapshot {
    return {
      objects: Object.fromEntries(
        [...this.types.values()].map((type) => [
          type.name,
          {
            ...(type.custom && {
              schema: {
                objectTypeId: type.objectTypeId,
                singular: type.singular,
                fullyQualifiedName: type.fullyQualifiedName,
                labels: type.labels,
                primaryDisplayProperty: type.primaryDisplayProperty,
                requiredProperties: type.requiredProperties,
                createdAt: type.createdAt,
              },
            }),
            properties: [...type.properties.values()],
            groups: [...type.groups.values()],
            records: [...type.records.values()],
          },
        ]),
      ),
      associations: [...this.associations.entries()],
      labels: [...this.labels.entries()],
      owners: this.owners,
      nextId: this.nextId,
      nextTypeId: this.nextTypeId,
      nextCustomType: this.nextCustomType,
    };
  }

  restore(snapshot: PortalSnapshot): void {
    this.reset();
    for (const [name, saved] of Object.entries(snapshot.objects)) {
      let type = this.types.get(name);
      if (!type) {
        const schema = saved.schema as Pick<
          ObjectType,
          | 'objectTypeId'
          | 'singular'
          | 'fullyQualifiedName'
          | 'labels'
          | 'primaryDisplayProperty'
          | 'requiredProperties'
          | 'createdAt'
        >;
        type = {
          ...schema,
          name,
          custom: true,
          properties: new Map(),
          groups: new Map(),
          records: new Map(),
        };
        this.types.set(name, type);
      }
      type.properties = new Map(saved.properties.map((p) => [p.name, p]));
      type.groups = new Map(saved.groups.map((g) => [g.name, g]));
      type.records = new Map(saved.records.map((r) => [r.id, r]));
    }
    this.associations = new Map(snapshot.associations);
    this.labels = new Map(snapshot.labels);
    this.owners = snapshot.owners;
    this.nextId = snapshot.nextId;
    this.nextTypeId = snapshot.nextTypeId;
    this.nextCustomType = snapshot.nextCustomType;
  }

  /** An object type by name, objectTypeId, singular name or fully qualified name. */
  type(key: string): ObjectType {
    const lower = key.toLowerCase();
    for (const type of this.types.values()) {
      if (
        [
          type.name,
          type.objectTypeId,
          type.singular,
          type.fullyQualifiedName?.toLowerCase(),
        ].includes(lower)
      )
        return type;
    }
    throw new HubSpotError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${key}`);
  }

  allTypes(): ObjectType[] {
    return [...this.types.values()];
  }

  /** Every record, grouped by object type, for `/__emulator/state`. */
  state(): Record<string, unknown> {
    const objects = Object.fromEntries(
      this.allTypes()
        .filter((t) => t.records.size > 0)
        .map((t) => [t.name, [...t.records.values()]]),
    );
    const associations = [...this.associations.entries()].map(([key, edge]) => {
      const [from, to] = key.split('->') as [string, string];
      return { from, to, types: edge.types };
    });
    return { objects, associations, owners: this.owners };
  }

  /** Checks and normalizes property values to strings; collects per-property errors. */
  private checkProperties(
    type: ObjectType,
    input: Record<string, unknown>,
    current?: HubRecord,
  ): {
    values: Record<string, string | null>;
    errors: { message: string; code: string; name: string }[];
  } {
    const values: Record<string, string | null> = {};
    const errors: { message: string; code: string; name: string }[] = [];
    for (const [name, raw] of Object.entries(input ?? {})) {
      const definition = type.properties.get(name);
      if (!definition) {
        errors.push({
          message: `Property "${name}" does not exist`,
          code: 'PROPERTY_DOESNT_EXIST',
          name,
        });
        continue;
      }
      if (definition.readOnly || READ_ONLY.includes(name)) {
        errors.push({
          message: `${name} is a read only property; its value cannot be set.`,
          code: 'READ_ONLY_VALUE',
          name,
        });
        continue;
      }
      if (raw === null || raw === '') {
        values[name] = raw === null ? null : '';
        continue;
      }
      const text = String(raw);
      switch (definition.type) {
        case 'number':
          if (!Number.isFinite(Number(text)))
            errors.push({
              message: `${text} was not a valid number.`,
              code: 'INVALID_FLOAT',
              name,
            });
          else values[name] = String(Number(text));
          break;
        case 'bool':
          if (text !== 'true' && text !== 'false')
            errors.push({
              message: `${text} was not a valid boolean (true or false).`,
              code: 'INVALID_BOOLEAN',
              name,
            });
          else values[name] = text;
          break;
        case 'enumeration':
          if (definition.options.length > 0 && !definition.options.some((o) => o.value === text)) {
            errors.push({
              message: `${text} was not one of the allowed options: ${definition.options.map((o) => o.value).join(', ')}`,
              code: 'INVALID_OPTION',
              name,
            });
          } else values[name] = text;
          break;
        case 'datetime':
        case 'date': {
          const at = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
          if (Number.isNaN(at))
            errors.push({
              message: `${text} was not a valid date-time: use ISO 8601 or epoch milliseconds.`,
              code: 'INVALID_DATE',
              name,
            });
          // HubSpot: date properties "must be set to midnight UTC … If you try to set a value
          // that is not midnight UTC, you will receive an error."
          else if (definition.type === 'date' && at % 86_400_000 !== 0)
            errors.push({
              message: `${text} is not midnight UTC: a date property takes YYYY-MM-DD or the epoch milliseconds of 00:00:00 UTC.`,
              code: 'INVALID_DATE',
              name,
            });
          else
            values[name] =
              definition.type === 'date'
                ? new Date(at).toISOString().slice(0, 10)
                : new Date(at).toISOString();
          break;
        }
        default:
          if (text.length > 65_536)
            errors.push({
              message: `${name} is longer than 65,536 characters.`,
              code: 'INVALID_LONG_STRING',
              name,
            });
          else values[name] = text;
      }
    }
    if (!current) {
      for (const required of type.requiredProperties) {
        const invalid = errors.some((e) => e.name === required);
        if (!invalid && (values[required] === undefined || values[required] === null))
          errors.push({
            message: `${required} is required.`,
            code: 'REQUIRED_FIELD',
            name: required,
          });
      }
    }
    return { values, errors };
  }

  /** The validation error of a write, as HubSpot words it. */
  static validationError(
    errors: { message: string; code: string; name: string }[],
    context: Record<string, string[]> = {},
  ): HubSpotError {
    const detail = errors.map((e) => ({
      isValid: false,
      message: e.message,
      error: e.code,
      name: e.name,
    }));
    return new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `Property values were not valid: ${JSON.stringify(detail)}`,
      {
        errors: errors.map((e) => ({
          message: e.message,
          code: e.code,
          context: { propertyName: [e.name] },
        })),
        context,
      },
    );
  }

  private uniqueConflict(
    type: ObjectType,
    values: Record<string, string | null>,
    selfId?: string,
  ): HubSpotError | undefined {
    for (const [name, value] of Object.entries(values)) {
      if (!type.properties.get(name)?.hasUniqueValue || value === null || value === '') continue;
      const other = [...type.records.values()].find(
        (r) => !r.archived && r.id !== selfId && r.properties[name] === value,
      );
      if (other)
        return new HubSpotError(
          409,
          'CONFLICT',
          `A ${type.singular} with ${name} '${value}' already exists. Existing ID: ${other.id}`,
        );
    }
    return undefined;
  }

  /** Creates a record, or throws the error HubSpot would answer. */
  create(
    typeKey: string,
    input: {
      properties?: Record<string, unknown>;
      associations?: {
        to?: { id?: string };
        types?: { associationCategory?: string; associationTypeId?: number }[];
      }[];
    },
    seedId?: string,
  ): HubRecord {
    const type = this.type(typeKey);
    const { values, errors } = this.checkProperties(type, input.properties ?? {});
    if (errors.length > 0) throw HubSpotPortal.validationError(errors);
    const conflict = this.uniqueConflict(type, values);
    if (conflict) throw conflict;
    const planned = (input.associations ?? []).map((association) =>
      this.planAssociation(type, association),
    );
    if (
      seedId !== undefined &&
      (!/^\d+$/.test(seedId) || this.allTypes().some((t) => t.records.has(seedId)))
    ) {
      throw new HubSpotError(400, 'VALIDATION_ERROR', `id ${seedId} is not a free numeric id`);
    }
    const id = seedId ?? String(this.nextId++);
    if (seedId !== undefined) this.nextId = Math.max(this.nextId, Number(seedId) + 1);
    const now = iso();
    const record: HubRecord = {
      id,
      properties: { ...values, hs_object_id: id, hs_createdate: now, hs_lastmodifieddate: now },
      createdAt: now,
      updatedAt: now,
      archived: false,
    };
    if (type.name === 'contacts') record.properties.createdate = now;
    type.records.set(id, record);
    for (const plan of planned) this.link(type.name, id, plan.toType, plan.toId, plan.label);
    return record;
  }

  private planAssociation(
    from: ObjectType,
    association: {
      to?: { id?: string };
      types?: { associationCategory?: string; associationTypeId?: number }[];
    },
  ) {
    const spec = association.types?.[0];
    const toId = String(association.to?.id ?? '');
    for (const [key, labels] of this.labels) {
      const [fromName, toName] = key.split('->') as [string, string];
      if (fromName !== from.name) continue;
      const label = labels.find(
        (l) => l.typeId === spec?.associationTypeId && l.category === spec?.associationCategory,
      );
      if (!label) continue;
      const target = this.types.get(toName);
      if (!target?.records.get(toId) || target.records.get(toId)?.archived) {
        throw new HubSpotError(
          400,
          'VALIDATION_ERROR',
          `One or more associations are invalid: ${toName} ${toId} does not exist`,
        );
      }
      return { toType: toName, toId, label };
    }
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `One or more associations are invalid: association type ${spec?.associationCategory}/${spec?.associationTypeId} is not defined from ${from.name}`,
    );
  }

  /**
   * HubSpot looks records up by `idProperty` only for a property with unique values (a company's
   * `domain` is not one): anything else is refused before any record is read.
   */
  checkIdProperty(typeKey: string, idProperty: string | undefined): void {
    if (idProperty === undefined || idProperty === 'hs_object_id') return;
    const type = this.type(typeKey);
    if (!type.properties.get(idProperty)?.hasUniqueValue)
      throw new HubSpotError(
        400,
        'VALIDATION_ERROR',
        `${idProperty} is not a unique property of ${type.name}: idProperty must name a property with hasUniqueValue`,
      );
  }

  get(typeKey: string, id: string, idProperty?: string): HubRecord {
    this.checkIdProperty(typeKey, idProperty);
    const type = this.type(typeKey);
    const record =
      idProperty && idProperty !== 'hs_object_id'
        ? [...type.records.values()].find((r) => r.properties[idProperty] === id && !r.archived)
        : type.records.get(id);
    if (!record || record.archived)
      throw new HubSpotError(
        404,
        'OBJECT_NOT_FOUND',
        'Object not found.  objectId are usually numeric.',
      );
    return record;
  }

  update(
    typeKey: string,
    id: string,
    properties: Record<string, unknown>,
    idProperty?: string,
  ): HubRecord {
    const type = this.type(typeKey);
    const record = this.get(typeKey, id, idProperty);
    const { values, errors } = this.checkProperties(type, properties, record);
    if (errors.length > 0) throw HubSpotPortal.validationError(errors);
    const conflict = this.uniqueConflict(type, values, record.id);
    if (conflict) throw conflict;
    Object.assign(record.properties, values);
    record.updatedAt = iso();
    record.properties.hs_lastmodifieddate = record.updatedAt;
    return record;
  }

  /** Upsert by a unique property: `new` tells whether the record was created. */
  upsert(
    typeKey: string,
    idProperty: string,
    id: string,
    properties: Record<string, unknown>,
  ): { record: HubRecord; created: boolean } {
    const type = this.type(typeKey);
    const definition = type.properties.get(idProperty);
    if (!definition?.hasUniqueValue) {
      throw new HubSpotError(
        400,
        'VALIDATION_ERROR',
        `${idProperty} is not a unique property of ${type.name}: idProperty must name a property with hasUniqueValue`,
      );
    }
    const existing = [...type.records.values()].find(
      (r) => !r.archived && r.properties[idProperty] === id,
    );
    if (existing) return { record: this.update(typeKey, existing.id, properties), created: false };
    return {
      record: this.create(typeKey, { properties: { ...properties, [idProperty]: id } }),
      created: true,
    };
  }

  archive(typeKey: string, id: string): void {
    const record = this.type(typeKey).records.get(id);
    if (record && !record.archived) {
      record.archived = true;
      record.updatedAt = iso();
    }
  }

  list(typeKey: string): HubRecord[] {
    return [...this.type(typeKey).records.values()].filter((r) => !r.archived);
  }

  /** The output form of a record, with the requested properties (and the always-present ids). */
  view(typeKey: string, record: HubRecord, requested?: string[]): Record<string, unknown> {
    const type = this.type(typeKey);
    const defaults: Record<string, string[]> = {
      contacts: ['email', 'firstname', 'lastname', 'createdate', 'lastmodifieddate'],
      companies: ['name', 'domain', 'createdate'],
    };
    const names = new Set([
      ...(requested && requested.length > 0
        ? requested
        : (defaults[type.name] ?? Object.keys(record.properties))),
      'hs_object_id',
      'hs_createdate',
      'hs_lastmodifieddate',
    ]);
    const properties: Record<string, string | null> = {};
    for (const name of names)
      if (type.properties.has(name)) properties[name] = record.properties[name] ?? null;
    return {
      id: record.id,
      properties,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      archived: record.archived,
    };
  }

  labelsBetween(fromKey: string, toKey: string): AssociationLabel[] {
    return this.labels.get(`${this.type(fromKey).name}->${this.type(toKey).name}`) ?? [];
  }

  createLabel(fromKey: string, toKey: string, label: string): AssociationLabel {
    const from = this.type(fromKey).name;
    const to = this.type(toKey).name;
    const existing = this.labelsBetween(from, to).find((l) => l.label === label);
    if (existing) return existing;
    const forward: AssociationLabel = {
      category: 'USER_DEFINED',
      typeId: this.nextTypeId++,
      label,
    };
    const backward: AssociationLabel = {
      category: 'USER_DEFINED',
      typeId: this.nextTypeId++,
      label,
    };
    this.labels.set(`${from}->${to}`, [...this.labelsBetween(from, to), forward]);
    this.labels.set(`${to}->${from}`, [...this.labelsBetween(to, from), backward]);
    return forward;
  }

  /** Links two records (both directions), with the given label or the default one. */
  link(
    fromKey: string,
    fromId: string,
    toKey: string,
    toId: string,
    label?: AssociationLabel,
  ): AssociationLabel {
    const from = this.type(fromKey);
    const to = this.type(toKey);
    this.get(from.name, fromId);
    this.get(to.name, toId);
    const forwardLabels = this.labelsBetween(from.name, to.name);
    const chosen = label ?? forwardLabels[0];
    if (!chosen || !forwardLabels.some((l) => l.typeId === chosen.typeId)) {
      throw new HubSpotError(
        400,
        'VALIDATION_ERROR',
        `association type ${String(label?.typeId)} is not defined from ${from.name} to ${to.name}`,
      );
    }
    const index = forwardLabels.findIndex((l) => l.typeId === chosen.typeId);
    const backLabels = this.labelsBetween(to.name, from.name);
    const back = backLabels[Math.min(index, backLabels.length - 1)];
    for (const [key, type] of [
      [`${from.name}:${fromId}->${to.name}:${toId}`, chosen],
      [`${to.name}:${toId}->${from.name}:${fromId}`, back],
    ] as const) {
      if (!type) continue;
      const edge = this.associations.get(key) ?? { types: [] };
      if (!edge.types.some((t) => t.typeId === type.typeId)) edge.types.push(type);
      this.associations.set(key, edge);
    }
    return chosen;
  }

  unlink(fromKey: string, fromId: string, toKey: string, toId: string): void {
    const from = this.type(fromKey).name;
    const to = this.type(toKey).name;
    this.associations.delete(`${from}:${fromId}->${to}:${toId}`);
    this.associations.delete(`${to}:${toId}->${from}:${fromId}`);
  }

  associated(
    fromKey: string,
    fromId: string,
    toKey: string,
  ): { toObjectId: string; associationTypes: AssociationLabel[] }[] {
    const prefix = `${this.type(fromKey).name}:${fromId}->${this.type(toKey).name}:`;
    return [...this.associations.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, edge]) => ({
        toObjectId: key.slice(prefix.length),
        associationTypes: edge.types,
      }));
  }

  createProperty(
    typeKey: string,
    input: Partial<Property> & { name?: string; options?: PropertyOption[] },
  ): Property {
    const type = this.type(typeKey);
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
      throw new HubSpotError(
        400,
        'VALIDATION_ERROR',
        `Enumeration property "${name}" needs options`,
      );
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
    type.properties.set(name, created);
    return created;
  }

  createGroup(
    typeKey: string,
    input: { name?: string; label?: string; displayOrder?: number },
  ): PropertyGroup {
    const type = this.type(typeKey);
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
    type.groups.set(name, group);
    return group;
  }

  /** Creates a custom object type (Enterprise portals only). */
  createSchema(input: {
    name?: string;
    labels?: { singular?: string; plural?: string };
    properties?: Partial<Property>[];
    requiredProperties?: string[];
    primaryDisplayProperty?: string;
    associatedObjects?: string[];
  }): ObjectType {
    if (!this.customObjects) {
      throw new HubSpotError(
        403,
        'MISSING_SCOPES',
        'This portal does not have access to custom objects: they need an Enterprise subscription.',
      );
    }
    const name = String(input.name ?? '');
    if (!/^[a-z][a-z0-9_]*$/.test(name))
      throw new HubSpotError(400, 'VALIDATION_ERROR', `Invalid object name "${name}"`);
    if (this.types.has(name))
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
      objectTypeId: `2-${this.nextCustomType++ + 1000}`,
      name,
      singular: name,
      custom: true,
      fullyQualifiedName: `p${this.portalId}_${name}`,
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
    this.types.set(name, type);
    for (const p of input.properties ?? [])
      this.createProperty(name, { groupName: 'default', ...p });
    for (const other of input.associatedObjects ?? []) {
      const target = this.type(
        other.toLowerCase() === 'contact'
          ? 'contacts'
          : other.toLowerCase() === 'company'
            ? 'companies'
            : other,
      );
      const forward = { category: 'USER_DEFINED' as const, typeId: this.nextTypeId++, label: null };
      const backward = {
        category: 'USER_DEFINED' as const,
        typeId: this.nextTypeId++,
        label: null,
      };
      this.labels.set(`${name}->${target.name}`, [forward]);
      this.labels.set(`${target.name}->${name}`, [backward]);
    }
    return type;
  }

  schemaView(type: ObjectType): Record<string, unknown> {
    return {
      id: type.objectTypeId.split('-')[1],
      objectTypeId: type.objectTypeId,
      fullyQualifiedName: type.fullyQualifiedName,
      name: type.name,
      labels: type.labels,
      primaryDisplayProperty: type.primaryDisplayProperty,
      requiredProperties: type.requiredProperties,
      properties: [...type.properties.values()],
      associations: this.allTypes().flatMap((other) =>
        this.labelsBetween(type.name, other.name).map((l) => ({
          fromObjectTypeId: type.objectTypeId,
          toObjectTypeId: other.objectTypeId,
          id: String(l.typeId),
          name: l.label ?? `${type.name}_to_${other.name}`,
        })),
      ),
      createdAt: type.createdAt,
      updatedAt: type.createdAt,
      archived: false,
    };
  }
}
