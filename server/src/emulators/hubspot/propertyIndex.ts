import type { HubRecord, ObjectType } from './model.ts';

// The live (not archived) records of an object type by the value of one property, so lookups by
// `idProperty`, upserts and unique-value checks find their record without reading every record
// (a scan per record made a batch of n upserts cost n²). An index is built on the first lookup of
// (records, property) and kept in step by the portal: `indexRecord` after a record is written,
// `unindexRecord` before it changes or is archived. It is keyed by the type's `records` map, so a
// map replaced wholesale (reset, restore) starts without an index and the next lookup rebuilds it.

type Index = Map<string, Map<string | null | undefined, Set<string>>>;

const indexes = new WeakMap<Map<string, HubRecord>, Index>();

/** The live records whose `name` property is exactly `value`, in the type's order. */
export function recordsWith(type: ObjectType, name: string, value: string): HubRecord[] {
  let index = indexes.get(type.records);
  if (!index) indexes.set(type.records, (index = new Map()));
  let values = index.get(name);
  if (!values) {
    values = new Map();
    for (const record of type.records.values())
      if (!record.archived) insert(values, record.properties[name], record.id);
    index.set(name, values);
  }
  const ids = values.get(value);
  if (!ids) return [];
  if (ids.size === 1) return [...ids].map((id) => type.records.get(id) as HubRecord);
  return [...type.records.values()].filter((record) => ids.has(record.id));
}

export function indexRecord(type: ObjectType, record: HubRecord): void {
  if (record.archived) return;
  for (const [name, values] of indexes.get(type.records) ?? [])
    insert(values, record.properties[name], record.id);
}

export function unindexRecord(type: ObjectType, record: HubRecord): void {
  for (const [name, values] of indexes.get(type.records) ?? []) {
    const ids = values.get(record.properties[name]);
    ids?.delete(record.id);
    if (ids?.size === 0) values.delete(record.properties[name]);
  }
}

function insert(
  values: Map<string | null | undefined, Set<string>>,
  value: string | null | undefined,
  id: string,
): void {
  const ids = values.get(value);
  if (ids) ids.add(id);
  else values.set(value, new Set([id]));
}
