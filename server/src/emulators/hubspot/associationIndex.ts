// The ids a record is associated with in one object type, by `type:id->toType:` (the prefix of
// the portal's association keys `type:id->toType:toId`), so listing a record's associations reads
// its own edges, not every edge of the portal. Ids keep the order the edges were first stored in.
export class AssociationIndex {
  private readonly byPrefix = new Map<string, Set<string>>();

  add(key: string): void {
    const [prefix, toId] = split(key);
    const ids = this.byPrefix.get(prefix) ?? new Set<string>();
    ids.add(toId);
    this.byPrefix.set(prefix, ids);
  }

  delete(key: string): void {
    const [prefix, toId] = split(key);
    this.byPrefix.get(prefix)?.delete(toId);
  }

  /** The target ids under `type:id->toType:`. */
  ids(prefix: string): string[] {
    return [...(this.byPrefix.get(prefix) ?? [])];
  }

  clear(): void {
    this.byPrefix.clear();
  }
}

function split(key: string): [string, string] {
  const cut = key.lastIndexOf(':') + 1;
  return [key.slice(0, cut), key.slice(cut)];
}
