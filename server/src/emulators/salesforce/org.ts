import { apiError, type SaveResult } from './errors.ts';
import { FieldIndex } from './fieldIndex.ts';
import { makeId, normalizeId } from './ids.ts';
import { runQuery } from './orgQuery.ts';
import type { ObjectDef, PermissionSetDef } from './schema.ts';
import { checkFields, type Access } from './writeChecks.ts';

export { RequestError, apiError, type RecordError, type SaveResult } from './errors.ts';

type Row = Record<string, unknown>;

export interface OrgSnapshot {
  records: Record<string, Row[]>;
  counters: Record<string, number>;
}

const isoNow = () => new Date().toISOString().replace('Z', '+0000');

/** The username of the user the API acts as when the org has no user yet. */
export const INTEGRATION_USERNAME = 'integration@boucle.example';

/** The data of one emulated org, and the operations of its REST API. */
export class SalesforceOrg {
  private records = new Map<string, Map<string, Row>>();
  private typeOfId = new Map<string, string>();
  private counters = new Map<string, number>();
  /** Successful creates and updates per record id since the last reset (`/__emulator/writes`). */
  private writeCounts = new Map<string, number>();
  /** Record ids by field value (external ids, unique fields), kept in step with every write. */
  private readonly index = new FieldIndex();
  /** The user the current API request runs as (undefined: the emulator's admin API, the system). */
  private actingUser: string | undefined;
  /**
   * The permission set the Run As user of client credentials holds (`Boucle_Integration` in the
   * sandbox, as the README's deploy steps assign it); unset, that user is an administrator.
   * Assigned when a client-credentials token is issued.
   */
  integrationPermissionSet: string | undefined;

  constructor(
    readonly schema: Map<string, ObjectDef>,
    private readonly customMetadata: Map<string, Record<string, unknown>[]>,
    private readonly permissionSets: Map<string, PermissionSetDef> = new Map(),
  ) {
    this.reset();
  }

  reset(): void {
    this.records = new Map([...this.schema.keys()].map((name) => [name, new Map()]));
    this.index.clear();
    this.typeOfId.clear();
    this.counters.clear();
    this.writeCounts.clear();
    for (const [type, list] of this.customMetadata) {
      for (const record of list) this.insertRow(type, { ...record });
    }
    this.seedPermissionSets();
  }

  /** The package's permission sets as PermissionSet records, so users can be assigned them. */
  private seedPermissionSets(): void {
    if (!this.schema.has('PermissionSet')) return;
    const known = new Set(this.rows('PermissionSet').map((row) => row.Name));
    for (const set of this.permissionSets.values())
      if (!known.has(set.name))
        this.insertRow('PermissionSet', { Name: set.name, Label: set.label });
  }

  /**
   * Runs an API request as a user: their permission sets then decide which fields they may write
   * (field-level security) and which custom permissions validation rules see. A user with no
   * permission set assigned is treated as a System Administrator whose profile holds every field
   * and every custom permission (in an org, an admin profile can be given them too).
   */
  runAs<T>(userId: string | undefined, work: () => T): T {
    const previous = this.actingUser;
    this.actingUser = userId;
    try {
      return work();
    } finally {
      this.actingUser = previous;
    }
  }

  private access(): Access {
    const userId = this.actingUser;
    if (userId === undefined) return { userId, sets: undefined, hasPermission: () => true };
    const names = new Map(this.rows('PermissionSet').map((row) => [row.Id, String(row.Name)]));
    const sets = this.rows('PermissionSetAssignment')
      .filter((row) => row.AssigneeId === userId)
      .map((row) => this.permissionSets.get(names.get(row.PermissionSetId) ?? ''))
      .filter((set): set is PermissionSetDef => Boolean(set));
    if (sets.length === 0) return { userId, sets: undefined, hasPermission: () => true };
    return {
      userId,
      sets,
      hasPermission: (name) => sets.some((set) => set.customPermissions.has(name)),
    };
  }

  snapshot(): OrgSnapshot {
    return {
      records: Object.fromEntries(
        [...this.records.entries()].map(([type, rows]) => [
          type,
          [...rows.values()].map((row) => ({ ...row })),
        ]),
      ),
      counters: Object.fromEntries(this.counters),
    };
  }

  restore(snapshot: OrgSnapshot): void {
    this.reset();
    for (const rows of this.records.values()) rows.clear();
    this.typeOfId.clear();
    for (const [type, rows] of Object.entries(snapshot.records)) {
      for (const row of rows) {
        this.records.get(type)?.set(String(row.Id), row);
        this.typeOfId.set(String(row.Id), type);
      }
    }
    this.counters = new Map(Object.entries(snapshot.counters));
    this.index.clear(); // rebuilt from the restored rows on the next lookup
    this.seedPermissionSets(); // a state saved before the emulator knew permission sets
  }

  object(type: string): ObjectDef {
    const object = this.schema.get(type);
    if (!object) throw apiError(404, 'NOT_FOUND', `The requested resource does not exist`);
    return object;
  }

  private nextId(object: ObjectDef): string {
    const n = (this.counters.get(object.keyPrefix) ?? 0) + 1;
    this.counters.set(object.keyPrefix, n);
    return makeId(object.keyPrefix, n);
  }

  private insertRow(type: string, fields: Row, explicitId?: string): Row {
    const object = this.object(type);
    const id = explicitId ?? this.nextId(object);
    const now = isoNow();
    const row: Row = object.customMetadata
      ? { Id: id, ...fields }
      : {
          Id: id,
          IsDeleted: false,
          CreatedDate: now,
          LastModifiedDate: now,
          SystemModstamp: now,
          ...fields,
        };
    this.records.get(type)?.set(id, row);
    this.typeOfId.set(id, type);
    this.index.add(type, row);
    return row;
  }

  /**
   * Replaces the records of a custom metadata type, as an admin does in Setup (Custom Metadata
   * Types → Manage Records): the API cannot write them, tests and people can.
   * @param type e.g. `Touchpoint__mdt`
   * @param records each with its DeveloperName and field values
   */
  replaceCustomMetadata(type: string, records: readonly Row[]): void {
    const object = this.object(type);
    if (!object.customMetadata) throw new Error(`${type} is not a custom metadata type`);
    for (const id of this.records.get(type)?.keys() ?? []) this.typeOfId.delete(id);
    this.records.set(type, new Map());
    this.index.clear(type);
    for (const record of records)
      this.insertRow(type, {
        MasterLabel: record.DeveloperName,
        Label: record.DeveloperName,
        QualifiedApiName: record.DeveloperName,
        NamespacePrefix: null,
        ...record,
      });
  }

  typeOf(id: string): string | undefined {
    return this.typeOfId.get(id);
  }

  get(id: string): Row | undefined {
    const type = this.typeOfId.get(id);
    return type ? this.records.get(type)?.get(id) : undefined;
  }

  rows(type: string): Row[] {
    return [...(this.records.get(type)?.values() ?? [])];
  }

  /** The records of `type` whose `field` holds exactly `value`, in the org's order. */
  withValue(type: string, field: string, value: unknown): Row[] {
    const rows = this.records.get(type);
    if (!rows) return [];
    const ids = this.index.ids(type, field, value, () => rows.values());
    if (ids.size <= 1) return [...ids].map((id) => rows.get(id) as Row);
    return [...rows.values()].filter((row) => ids.has(String(row.Id)));
  }

  /** Changes a stored row in place, keeping the field index in step. */
  private rewrite(type: string, row: Row, change: () => void): void {
    this.index.remove(type, row);
    try {
      change();
    } finally {
      this.index.add(type, row);
    }
  }

  /** Every record, grouped by object, for `/__emulator/state`. */
  state(): Record<string, Row[]> {
    return Object.fromEntries(
      [...this.records.entries()]
        .filter(([, rows]) => rows.size > 0)
        .map(([type, rows]) => [type, [...rows.values()]]),
    );
  }

  /** Platform-computed fields: Name of auto-numbered objects and people, Task.AccountId... */
  private derive(object: ObjectDef, row: Row, creating: boolean): void {
    if (creating && object.autoNumberFormat) {
      const n = (this.counters.get(`${object.name}#name`) ?? 0) + 1;
      this.counters.set(`${object.name}#name`, n);
      row.Name = object.autoNumberFormat.replace(/\{(0+)\}/, (_, zeros: string) =>
        String(n).padStart(zeros.length, '0'),
      );
    }
    if (object.name === 'Contact' || object.name === 'User')
      row.Name = [row.FirstName, row.LastName].filter(Boolean).join(' ');
    if (object.name === 'Task') {
      row.IsClosed = row.Status === 'Completed';
      const what = typeof row.WhatId === 'string' ? this.typeOfId.get(row.WhatId) : undefined;
      const who = typeof row.WhoId === 'string' ? this.get(row.WhoId) : undefined;
      row.AccountId = what === 'Account' ? row.WhatId : (who?.AccountId ?? null);
    }
    for (const field of object.fields.values()) {
      if (creating && row[field.name] === undefined && field.defaultValue !== undefined)
        row[field.name] = field.defaultValue;
    }
    if (creating && object.fields.has('OwnerId') && !row.OwnerId)
      row.OwnerId = this.integrationUserId();
    // The API user creates and the user the request runs as (else the API user) modifies: a real
    // org never leaves these null, and a manager's own edit names the manager.
    if (creating && object.fields.has('CreatedById') && !row.CreatedById)
      row.CreatedById = this.integrationUserId();
    if (object.fields.has('LastModifiedById'))
      row.LastModifiedById = this.actingUser ?? this.integrationUserId();
  }

  /** The user the API acts as (the "Run As" user of client credentials). */
  integrationUserId(): string {
    const user =
      this.rows('User').find((row) => row.Username === INTEGRATION_USERNAME) ??
      this.rows('User')[0] ??
      this.insertRow('User', {
        Username: INTEGRATION_USERNAME,
        LastName: 'Integration',
        Email: INTEGRATION_USERNAME,
        Name: 'Integration',
        IsActive: true,
      });
    return String(user.Id);
  }

  /** Assigns a permission set of the package to a user (idempotent). */
  assign(userId: string, permissionSet: string): void {
    this.seedPermissionSets();
    const set = this.rows('PermissionSet').find((row) => row.Name === permissionSet);
    if (!set) return;
    const assigned = this.rows('PermissionSetAssignment').some(
      (row) => row.AssigneeId === userId && row.PermissionSetId === set.Id,
    );
    if (!assigned)
      this.insertRow('PermissionSetAssignment', { AssigneeId: userId, PermissionSetId: set.Id });
  }

  private writable(type: string): ObjectDef {
    const object = this.object(type);
    if (object.customMetadata) {
      throw apiError(400, 'INVALID_TYPE', `DML operation Insert not allowed on ${type}`);
    }
    return object;
  }

  /**
   * Creates a record. `seedId` (admin API only) gives it a chosen id, e.g. the ids of documentation
   * examples; through the API an Id is refused as in a real org.
   */
  create(type: string, input: Row, seedId?: unknown): SaveResult {
    const object = this.writable(type);
    const refuse = (statusCode: string, message: string): SaveResult => ({
      success: false,
      errors: [{ statusCode, message, fields: ['Id'] }],
    });
    if (input.Id !== undefined)
      return refuse('INVALID_FIELD', 'cannot specify Id in an insert call');
    let explicitId: string | undefined;
    if (seedId !== undefined) {
      explicitId = normalizeId(seedId);
      if (
        !explicitId ||
        !explicitId.startsWith(object.keyPrefix) ||
        this.typeOfId.has(explicitId)
      ) {
        return refuse(
          'MALFORMED_ID',
          `Id ${String(seedId)} is not a free ${object.name} id (prefix ${object.keyPrefix})`,
        );
      }
    }
    const { fields, errors } = checkFields(this, this.access(), object, input, 'create');
    if (errors.length > 0) return { success: false, errors };
    const row = this.insertRow(type, fields, explicitId);
    this.rewrite(type, row, () => this.derive(object, row, true));
    this.counted(String(row.Id));
    return { id: String(row.Id), success: true, errors: [] };
  }

  update(type: string | undefined, id: unknown, input: Row): SaveResult {
    const normalized = normalizeId(id);
    const row = normalized ? this.get(normalized) : undefined;
    if (!normalized || !row)
      return {
        success: false,
        errors: [
          {
            statusCode: normalized ? 'ENTITY_IS_DELETED' : 'MALFORMED_ID',
            message: normalized ? 'entity is deleted' : `malformed id ${String(id)}`,
            fields: [],
          },
        ],
      };
    const actualType = this.typeOfId.get(normalized) as string;
    if (type && type !== actualType)
      return {
        success: false,
        errors: [{ statusCode: 'MALFORMED_ID', message: `malformed id ${normalized}`, fields: [] }],
      };
    const object = this.writable(actualType);
    const { fields, errors } = checkFields(this, this.access(), object, input, 'update', row);
    if (errors.length > 0) return { success: false, errors };
    this.rewrite(actualType, row, () => {
      Object.assign(row, fields, { LastModifiedDate: isoNow(), SystemModstamp: isoNow() });
      this.derive(object, row, false);
    });
    this.counted(normalized);
    return { id: normalized, success: true, errors: [] };
  }

  private counted(id: string): void {
    this.writeCounts.set(id, (this.writeCounts.get(id) ?? 0) + 1);
  }

  /**
   * How many times each record was written (created or updated, by any API) since the last
   * reset, by object and id: what a test counts to prove a record was written once.
   */
  writes(): Record<string, Record<string, number>> {
    const byType: Record<string, Record<string, number>> = {};
    for (const [id, n] of this.writeCounts) {
      const type = this.typeOfId.get(id);
      if (type) (byType[type] ??= {})[id] = n;
    }
    return byType;
  }

  /**
   * Upsert by external id: created (201), updated (200), or several matches (300, nothing written).
   */
  upsert(
    type: string,
    externalField: string,
    value: unknown,
    input: Row,
    version = '62.0',
  ): { status: 200 | 201 | 300; result: SaveResult | string[] } {
    const object = this.writable(type);
    const field = [...object.fields.values()].find(
      (f) => f.name.toLowerCase() === externalField.toLowerCase(),
    );
    if (!field || !(field.externalId || field.name === 'Id')) {
      throw apiError(
        404,
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${externalField}`,
      );
    }
    if (value === undefined || value === null || value === '') {
      return {
        status: 200,
        result: {
          success: false,
          errors: [
            {
              statusCode: 'REQUIRED_FIELD_MISSING',
              message: `Required fields are missing: [${field.name}]`,
              fields: [field.name],
            },
          ],
        },
      };
    }
    const matches = this.withValue(type, field.name, value);
    if (matches.length > 1)
      return {
        status: 300,
        result: matches.map(
          (row) => `/services/data/v${version}/sobjects/${type}/${String(row.Id)}`,
        ),
      };
    const fields = { ...input, [field.name]: value };
    delete fields.attributes;
    const match = matches[0];
    if (match) {
      delete fields[field.name];
      const result = this.update(type, match.Id, fields);
      return { status: 200, result: result.success ? { ...result, created: false } : result };
    }
    const result = this.create(type, fields);
    return { status: 201, result: result.success ? { ...result, created: true } : result };
  }

  delete(id: unknown): SaveResult {
    const normalized = normalizeId(id);
    const type = normalized ? this.typeOfId.get(normalized) : undefined;
    if (!normalized || !type)
      return {
        success: false,
        errors: [
          {
            statusCode: normalized ? 'ENTITY_IS_DELETED' : 'MALFORMED_ID',
            message: normalized ? 'entity is deleted' : `malformed id ${String(id)}`,
            fields: [],
          },
        ],
      };
    this.writable(type);
    // Object permissions: the running user's permission sets must allow deleting this object
    // (a user without any is an administrator, as for writes).
    const sets = this.access().sets;
    if (sets && !sets.some((set) => set.objects.get(type)?.delete))
      return {
        success: false,
        errors: [
          {
            statusCode: 'INSUFFICIENT_ACCESS_OR_READONLY',
            message: 'insufficient access rights on object id',
            fields: [],
          },
        ],
      };
    const row = this.records.get(type)?.get(normalized);
    if (row) this.index.remove(type, row);
    this.records.get(type)?.delete(normalized);
    this.typeOfId.delete(normalized);
    return { id: normalized, success: true, errors: [] };
  }

  /**
   * Runs a SOQL query. `queryAll` also sees deleted records; the emulator deletes for good, so
   * both return the same rows.
   */
  query(soql: string, version: string, now = Date.now()): { totalSize: number; records: Row[] } {
    return runQuery(this, soql, version, now);
  }
}
