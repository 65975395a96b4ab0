import {
  customType,
  newGroup,
  newProperty,
  standardLabels,
  standardTypes,
  type SchemaInput,
} from './definitions.ts';
import {
  type AssociationLabel,
  type Edge,
  HubSpotError,
  type HubRecord,
  type ObjectType,
  type Owner,
  type PortalSnapshot,
  type Property,
  type PropertyGroup,
  type PropertyOption,
} from './model.ts';
import { AssociationIndex } from './associationIndex.ts';
import { indexRecord, recordsWith, unindexRecord } from './propertyIndex.ts';
import { restoredType, savedType } from './snapshot.ts';
import { checkProperties, uniqueConflict, validationError } from './validation.ts';

export {
  type AssociationLabel,
  HubSpotError,
  type HubRecord,
  type ObjectType,
  type Owner,
  type PortalSnapshot,
  type Property,
  type PropertyGroup,
  type PropertyOption,
} from './model.ts';

const iso = () => new Date().toISOString();

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
  private readonly outgoing = new AssociationIndex();
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
    this.types = new Map(standardTypes().map((type) => [type.name, type]));
    this.associations.clear();
    this.outgoing.clear();
    this.labels = new Map(standardLabels());
    this.owners = [];
    this.nextId = 1;
    this.nextTypeId = 1000;
    this.nextCustomType = 1;
  }

  snapshot(): PortalSnapshot {
    return {
      objects: Object.fromEntries(
        [...this.types.values()].map((type) => [type.name, savedType(type)]),
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
    for (const [name, saved] of Object.entries(snapshot.objects))
      this.types.set(name, restoredType(name, saved, this.types.get(name)));
    this.associations = new Map(snapshot.associations);
    for (const key of this.associations.keys()) this.outgoing.add(key);
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
    const { values, errors } = checkProperties(type, input.properties ?? {});
    if (errors.length > 0) throw validationError(errors);
    const conflict = uniqueConflict(type, values);
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
    indexRecord(type, record);
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
        ? recordsWith(type, idProperty, id)[0]
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
    const { values, errors } = checkProperties(type, properties, record);
    if (errors.length > 0) throw validationError(errors);
    const conflict = uniqueConflict(type, values, record.id);
    if (conflict) throw conflict;
    unindexRecord(type, record);
    Object.assign(record.properties, values);
    indexRecord(type, record);
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
    const existing = recordsWith(type, idProperty, id)[0];
    if (existing) return { record: this.update(typeKey, existing.id, properties), created: false };
    return {
      record: this.create(typeKey, { properties: { ...properties, [idProperty]: id } }),
      created: true,
    };
  }

  archive(typeKey: string, id: string): void {
    const type = this.type(typeKey);
    const record = type.records.get(id);
    if (record && !record.archived) {
      unindexRecord(type, record);
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
      this.outgoing.add(key);
    }
    return chosen;
  }

  unlink(fromKey: string, fromId: string, toKey: string, toId: string): void {
    const from = this.type(fromKey).name;
    const to = this.type(toKey).name;
    for (const key of [`${from}:${fromId}->${to}:${toId}`, `${to}:${toId}->${from}:${fromId}`]) {
      this.associations.delete(key);
      this.outgoing.delete(key);
    }
  }

  associated(
    fromKey: string,
    fromId: string,
    toKey: string,
  ): { toObjectId: string; associationTypes: AssociationLabel[] }[] {
    const prefix = `${this.type(fromKey).name}:${fromId}->${this.type(toKey).name}:`;
    return this.outgoing.ids(prefix).map((toObjectId) => ({
      toObjectId,
      associationTypes: (this.associations.get(prefix + toObjectId) as Edge).types,
    }));
  }

  createProperty(
    typeKey: string,
    input: Partial<Property> & { name?: string; options?: PropertyOption[] },
  ): Property {
    const type = this.type(typeKey);
    const created = newProperty(type, input);
    type.properties.set(created.name, created);
    return created;
  }

  createGroup(
    typeKey: string,
    input: { name?: string; label?: string; displayOrder?: number },
  ): PropertyGroup {
    const type = this.type(typeKey);
    const group = newGroup(type, input);
    type.groups.set(group.name, group);
    return group;
  }

  /** Creates a custom object type (Enterprise portals only). */
  createSchema(input: SchemaInput): ObjectType {
    if (!this.customObjects) {
      throw new HubSpotError(
        403,
        'MISSING_SCOPES',
        'This portal does not have access to custom objects: they need an Enterprise subscription.',
      );
    }
    const type = customType(
      input,
      (name) => this.types.has(name),
      () => `2-${this.nextCustomType++ + 1000}`,
      this.portalId,
    );
    const name = type.name;
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
