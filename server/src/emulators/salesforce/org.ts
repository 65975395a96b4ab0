import { makeId, normalizeId } from './ids.ts';
import { relationshipOf, type FieldDef, type ObjectDef } from './schema.ts';
import {
  SoqlError,
  conditionFields,
  evaluateCondition,
  parseSoql,
  type Condition,
  type Literal,
} from './soql.ts';

/** One error of a record, as sObject Collections report it. */
export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

/** A per-record result (SaveResult / UpsertResult). */
export type SaveResult =
  | { id: string; success: true; errors: []; created?: boolean }
  | { success: false; errors: RecordError[] };

/** An error that fails the whole request: the REST API's JSON array of errors. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(
      Array.isArray(body) ? String((body[0] as { message?: unknown })?.message) : `HTTP ${status}`,
    );
  }
}

export const apiError = (status: number, errorCode: string, message: string, fields?: string[]) =>
  new RequestError(status, [{ message, errorCode, ...(fields && { fields }) }]);

type Row = Record<string, unknown>;

export interface OrgSnapshot {
  records: Record<string, Row[]>;
  counters: Record<string, number>;
}

const isoNow = () => new Date().toISOString().replace('Z', '+0000');

/** The data of one emulated org, and the operations of its REST API. */
export class SalesforceOrg {
  private records = new Map<string, Map<string, Row>>();
  private typeOfId = new Map<string, string>();
  private counters = new Map<string, number>();

  constructor(
    readonly schema: Map<string, ObjectDef>,
    private readonly customMetadata: Map<string, Record<string, unknown>[]>,
  ) {
    this.reset();
  }

  reset(): void {
    this.records = new Map([...this.schema.keys()].map((name) => [name, new Map()]));
    this.typeOfId.clear();
    this.counters.clear();
    for (const [type, list] of this.customMetadata) {
      for (const record of list) this.insertRow(type, { ...record });
    }
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
  }

  object(type: string): ObjectDef {
    const object = this.schema.get(type);
    if (!object) throw apiError(404, 'NOT_FOUND', `The requested resource does not exist`);
    return object;
  }

  private objectForQuery(type: string): ObjectDef {
    const object = [...this.schema.values()].find(
      (o) => o.name.toLowerCase() === type.toLowerCase(),
    );
    if (!object) {
      throw new SoqlError(
        'INVALID_TYPE',
        `sObject type '${type}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`,
      );
    }
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

  /** Every record, grouped by object, for `/__emulator/state`. */
  state(): Record<string, Row[]> {
    return Object.fromEntries(
      [...this.records.entries()]
        .filter(([, rows]) => rows.size > 0)
        .map(([type, rows]) => [type, [...rows.values()]]),
    );
  }

  /**
   * Checks the fields of a write against the schema. Unknown or read-only fields fail the whole
   * request (as a JSON deserialization error does); bad values fail the record.
   */
  private checkFields(
    object: ObjectDef,
    input: Row,
    mode: 'create' | 'update',
    current?: Row,
  ): { fields: Row; errors: RecordError[] } {
    const fields: Row = {};
    const errors: RecordError[] = [];
    const fail = (statusCode: string, message: string, field: string) =>
      errors.push({ statusCode, message, fields: [field] });
    for (const [name, raw] of Object.entries(input)) {
      if (name === 'attributes' || (name === 'Id' && mode === 'update')) continue;
      const field = [...object.fields.values()].find(
        (f) => f.name.toLowerCase() === name.toLowerCase(),
      );
      if (!field)
        throw apiError(
          400,
          'INVALID_FIELD',
          `No such column '${name}' on sobject of type ${object.name}`,
        );
      if (mode === 'create' ? !field.createable : !field.updateable) {
        throw apiError(
          400,
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          `Unable to ${mode} fields: ${field.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          [field.name],
        );
      }
      const checked = this.checkValue(field, raw);
      if ('error' in checked) fail(checked.error[0], checked.error[1], field.name);
      else fields[field.name] = checked.value;
    }
    const merged = { ...current, ...fields };
    const missing = [...object.fields.values()].filter(
      (f) =>
        f.required &&
        f.createable &&
        (merged[f.name] === undefined || merged[f.name] === null || merged[f.name] === ''),
    );
    if (missing.length > 0) {
      errors.push({
        statusCode: 'REQUIRED_FIELD_MISSING',
        message: `Required fields are missing: [${missing.map((f) => f.name).join(', ')}]`,
        fields: missing.map((f) => f.name),
      });
    }
    for (const rule of object.validationRules) {
      const value = merged[rule.field];
      if (typeof value === 'number' && (value < rule.min || value > rule.max)) {
        errors.push({
          statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
          message: rule.message,
          fields: [rule.field],
        });
      }
    }
    for (const field of object.fields.values()) {
      if (!field.unique || fields[field.name] === undefined || fields[field.name] === null)
        continue;
      const other = this.rows(object.name).find(
        (row) => row[field.name] === fields[field.name] && row.Id !== current?.Id,
      );
      if (other) {
        errors.push({
          statusCode: 'DUPLICATE_VALUE',
          message: `duplicate value found: ${field.name} duplicates value on record with id: ${String(other.Id)}`,
          fields: [],
        });
      }
    }
    return { fields, errors };
  }

  private checkValue(
    field: FieldDef,
    raw: unknown,
  ): { value: unknown } | { error: [string, string] } {
    if (raw === null || raw === '') return { value: null };
    const label = field.label;
    switch (field.type) {
      case 'string':
      case 'textarea':
      case 'phone':
      case 'url':
      case 'email': {
        if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean')
          return {
            error: [
              'INVALID_TYPE_ON_FIELD_IN_RECORD',
              `${label}: value not of required type: ${JSON.stringify(raw)}`,
            ],
          };
        const text = String(raw);
        if (field.length !== undefined && text.length > field.length)
          return {
            error: [
              'STRING_TOO_LONG',
              `${label}: data value too large: ${text.slice(0, 40)} (max length=${field.length})`,
            ],
          };
        if (field.type === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text))
          return { error: ['INVALID_EMAIL_ADDRESS', `${label}: invalid email address: ${text}`] };
        return { value: text };
      }
      case 'picklist': {
        const text = String(raw);
        if (field.restrictedPicklist && !field.picklistValues?.includes(text))
          return {
            error: [
              'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
              `${label}: bad value for restricted picklist field: ${text}`,
            ],
          };
        return { value: text };
      }
      case 'boolean':
        return typeof raw === 'boolean'
          ? { value: raw }
          : {
              error: [
                'INVALID_TYPE_ON_FIELD_IN_RECORD',
                `${label}: value not of required type: ${JSON.stringify(raw)}`,
              ],
            };
      case 'double':
      case 'int': {
        const value =
          typeof raw === 'number'
            ? raw
            : typeof raw === 'string' && raw.trim() !== ''
              ? Number(raw)
              : Number.NaN;
        if (!Number.isFinite(value))
          return {
            error: [
              'INVALID_TYPE_ON_FIELD_IN_RECORD',
              `${label}: value not of required type: ${JSON.stringify(raw)}`,
            ],
          };
        const digits = (field.precision ?? 18) - (field.scale ?? 0);
        if (Math.abs(Math.trunc(value)) >= 10 ** digits)
          return {
            error: [
              'NUMBER_OUTSIDE_VALID_RANGE',
              `${label}: value outside of valid range on numeric field: ${value}`,
            ],
          };
        const factor = 10 ** (field.scale ?? 0);
        return { value: Math.round(value * factor) / factor };
      }
      case 'date':
        return typeof raw === 'string' &&
          /^\d{4}-\d{2}-\d{2}$/.test(raw) &&
          !Number.isNaN(Date.parse(raw))
          ? { value: raw }
          : {
              error: [
                'INVALID_TYPE_ON_FIELD_IN_RECORD',
                `${label}: value not of required type: ${JSON.stringify(raw)}`,
              ],
            };
      case 'datetime': {
        const at = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
        return Number.isNaN(at)
          ? {
              error: [
                'INVALID_TYPE_ON_FIELD_IN_RECORD',
                `${label}: value not of required type: ${JSON.stringify(raw)}`,
              ],
            }
          : { value: new Date(at).toISOString().replace('Z', '+0000') };
      }
      case 'reference': {
        const id = normalizeId(raw);
        if (!id)
          return {
            error: ['MALFORMED_ID', `${label}: id value of incorrect type: ${String(raw)}`],
          };
        const target = this.typeOfId.get(id);
        if (!target)
          return { error: ['INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`] };
        if (!field.referenceTo?.includes(target))
          return {
            error: ['FIELD_INTEGRITY_EXCEPTION', `${label}: id value of incorrect type: ${id}`],
          };
        return { value: id };
      }
      default:
        return { value: raw };
    }
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
    // The API user is who creates and modifies (a real org never leaves these null).
    if (creating && object.fields.has('CreatedById') && !row.CreatedById)
      row.CreatedById = this.integrationUserId();
    if (object.fields.has('LastModifiedById')) row.LastModifiedById = this.integrationUserId();
  }

  /** The user the API acts as (the "Run As" user of client credentials). */
  integrationUserId(): string {
    const user =
      this.rows('User').find((row) => row.Username === 'integration@boucle.example') ??
      this.rows('User')[0];
    if (user) return String(user.Id);
    return String(
      this.insertRow('User', {
        Username: 'integration@boucle.example',
        LastName: 'Integration',
        Email: 'integration@boucle.example',
        Name: 'Integration',
        IsActive: true,
      }).Id,
    );
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
    const { fields, errors } = this.checkFields(object, input, 'create');
    if (errors.length > 0) return { success: false, errors };
    const row = this.insertRow(type, fields, explicitId);
    this.derive(object, row, true);
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
    const { fields, errors } = this.checkFields(object, input, 'update', row);
    if (errors.length > 0) return { success: false, errors };
    Object.assign(row, fields, { LastModifiedDate: isoNow(), SystemModstamp: isoNow() });
    this.derive(object, row, false);
    return { id: normalized, success: true, errors: [] };
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
    const matches = this.rows(type).filter((row) => row[field.name] === value);
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
    this.records.get(type)?.delete(normalized);
    this.typeOfId.delete(normalized);
    return { id: normalized, success: true, errors: [] };
  }

  /** Reads a field path, following parent relationships (`Account.OwnerId`, `Account__r.Name`). */
  private read(object: ObjectDef, row: Row | undefined, path: string[]): unknown {
    if (!row) return null;
    const [head, ...rest] = path as [string, ...string[]];
    if (rest.length === 0) {
      const field = [...object.fields.values()].find(
        (f) => f.name.toLowerCase() === head.toLowerCase(),
      );
      return field ? (row[field.name] ?? null) : undefined;
    }
    const reference = [...object.fields.values()].find(
      (f) => relationshipOf(f)?.toLowerCase() === head.toLowerCase(),
    );
    if (!reference) return undefined;
    const parentId = row[reference.name];
    const parentType = typeof parentId === 'string' ? this.typeOfId.get(parentId) : undefined;
    const parentObject = parentType
      ? this.schema.get(parentType)
      : this.schema.get(reference.referenceTo?.[0] ?? '');
    return parentObject
      ? this.read(parentObject, typeof parentId === 'string' ? this.get(parentId) : undefined, rest)
      : undefined;
  }

  private checkPath(object: ObjectDef, path: string[], original: string): void {
    const [head, ...rest] = path as [string, ...string[]];
    if (rest.length === 0) {
      if (![...object.fields.values()].some((f) => f.name.toLowerCase() === head.toLowerCase())) {
        throw new SoqlError(
          'INVALID_FIELD',
          `No such column '${original}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`,
        );
      }
      return;
    }
    const reference = [...object.fields.values()].find(
      (f) => relationshipOf(f)?.toLowerCase() === head.toLowerCase(),
    );
    const parent = reference && this.schema.get(reference.referenceTo?.[0] ?? '');
    if (!parent)
      throw new SoqlError(
        'INVALID_FIELD',
        `Didn't understand relationship '${head}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.`,
      );
    this.checkPath(parent, rest, original);
  }

  /** SOQL takes 15- or 18-character ids: literals compared with id fields are made 18. */
  private normalizeIdLiterals(object: ObjectDef, condition: Condition): void {
    if (condition.kind === 'not') return this.normalizeIdLiterals(object, condition.inner);
    if ('left' in condition) {
      this.normalizeIdLiterals(object, condition.left);
      this.normalizeIdLiterals(object, condition.right);
      return;
    }
    if (condition.kind === 'like' || condition.field.length !== 1) return;
    const field = [...object.fields.values()].find(
      (f) => f.name.toLowerCase() === condition.field[0]?.toLowerCase(),
    );
    if (field?.type !== 'id' && field?.type !== 'reference') return;
    const fix = (literal: Literal): Literal =>
      literal.kind === 'string'
        ? { kind: 'string', value: normalizeId(literal.value) ?? literal.value }
        : literal;
    if (condition.kind === 'compare') condition.value = fix(condition.value);
    else condition.values = condition.values.map(fix);
  }

  private output(object: ObjectDef, row: Row, paths: string[][], version: string): Row {
    const out: Row = {
      attributes: {
        type: object.name,
        url: `/services/data/v${version}/sobjects/${object.name}/${String(row.Id)}`,
      },
    };
    for (const path of paths) {
      const [head, ...rest] = path as [string, ...string[]];
      if (rest.length === 0) {
        const field = [...object.fields.values()].find(
          (f) => f.name.toLowerCase() === head.toLowerCase(),
        ) as FieldDef;
        out[field.name] = row[field.name] ?? null;
        continue;
      }
      const reference = [...object.fields.values()].find(
        (f) => relationshipOf(f)?.toLowerCase() === head.toLowerCase(),
      ) as FieldDef;
      const key = relationshipOf(reference) as string;
      const parentId = row[reference.name];
      const parent = typeof parentId === 'string' ? this.get(parentId) : undefined;
      if (!parent) {
        out[key] = null;
        continue;
      }
      const parentObject = this.schema.get(
        this.typeOfId.get(parentId as string) as string,
      ) as ObjectDef;
      const nested = (out[key] as Row | undefined) ?? {};
      out[key] = { ...nested, ...this.output(parentObject, parent, [rest], version) };
    }
    return out;
  }

  /**
   * Runs a SOQL query. `queryAll` also sees deleted records; the emulator deletes for good, so
   * both return the same rows.
   */
  query(soql: string, version: string, now = Date.now()): { totalSize: number; records: Row[] } {
    let parsed;
    try {
      parsed = parseSoql(soql, now);
    } catch (error) {
      if (error instanceof SoqlError) throw apiError(400, error.errorCode, error.message);
      throw error;
    }
    try {
      const object = this.objectForQuery(parsed.object);
      for (const path of [
        ...parsed.fields,
        ...conditionFields(parsed.where),
        ...parsed.orderBy.map((o) => o.field),
      ])
        this.checkPath(object, path, path.join('.'));
      const reader = (row: Row, path: string[]) => this.read(object, row, path);
      if (parsed.where) this.normalizeIdLiterals(object, parsed.where);
      let rows = this.rows(object.name).filter(
        (row) => !parsed.where || evaluateCondition(parsed.where, row, reader),
      );
      if (parsed.orderBy.length > 0) {
        rows = [...rows].sort((a, b) => {
          for (const order of parsed.orderBy) {
            const x = reader(a, order.field);
            const y = reader(b, order.field);
            if (x === y) continue;
            if (x === null || x === undefined) return order.nullsLast ? 1 : -1;
            if (y === null || y === undefined) return order.nullsLast ? -1 : 1;
            const cmp =
              typeof x === 'string' && typeof y === 'string'
                ? x.localeCompare(y)
                : (x as number) < (y as number)
                  ? -1
                  : 1;
            return order.descending ? -cmp : cmp;
          }
          return 0;
        });
      }
      rows = rows.slice(
        parsed.offset ?? 0,
        parsed.limit === undefined ? undefined : (parsed.offset ?? 0) + parsed.limit,
      );
      if (parsed.count) return { totalSize: rows.length, records: [] };
      return {
        totalSize: rows.length,
        records: rows.map((row) => this.output(object, row, parsed.fields, version)),
      };
    } catch (error) {
      if (error instanceof SoqlError) throw apiError(400, error.errorCode, error.message);
      throw error;
    }
  }
}
