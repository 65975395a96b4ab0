type Row = Record<string, unknown>;

/**
 * The ids of an org's records by the value of one field, so upserts by external id and unique
 * checks find their match without reading every row (a scan per record made a batch of n
 * upserts cost n²). An index is built on the first lookup of (object, field) and then kept in
 * step by the org: `add` after a row is written, `remove` before it changes or goes, `clear`
 * when records are replaced wholesale (reset, restore, custom metadata).
 */
export class FieldIndex {
  private readonly byType = new Map<string, Map<string, Map<unknown, Set<string>>>>();

  /** The ids whose `field` holds `value` (`===`), building the index from `rows` if needed. */
  ids(type: string, field: string, value: unknown, rows: () => Iterable<Row>): ReadonlySet<string> {
    let fields = this.byType.get(type);
    if (!fields) this.byType.set(type, (fields = new Map()));
    let values = fields.get(field);
    if (!values) {
      values = new Map();
      for (const row of rows()) insert(values, row[field], String(row.Id));
      fields.set(field, values);
    }
    return values.get(value) ?? NONE;
  }

  add(type: string, row: Row): void {
    for (const [field, values] of this.byType.get(type) ?? [])
      insert(values, row[field], String(row.Id));
  }

  remove(type: string, row: Row): void {
    for (const [field, values] of this.byType.get(type) ?? []) {
      const ids = values.get(row[field]);
      ids?.delete(String(row.Id));
      if (ids?.size === 0) values.delete(row[field]);
    }
  }

  clear(type?: string): void {
    if (type === undefined) this.byType.clear();
    else this.byType.delete(type);
  }
}

const NONE: ReadonlySet<string> = new Set();

function insert(values: Map<unknown, Set<string>>, value: unknown, id: string): void {
  const ids = values.get(value);
  if (ids) ids.add(id);
  else values.set(value, new Set([id]));
}
