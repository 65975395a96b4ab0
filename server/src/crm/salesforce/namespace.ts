/**
 * Boucle's Salesforce names under a managed package's namespace prefix. Installed from AppExchange,
 * the package's objects and fields are `ns__Survey_Response__c`, `ns__Score__c`,
 * `ns__Account__r`…, while the server and its mappers speak the unprefixed names of the CRM data
 * model: names are prefixed on the way out (SOQL, record keys, sObject paths) and the prefix is
 * stripped from what comes back. Standard names (`Account`, `OwnerId`, `Owner.ManagerId`) and names
 * that already carry a namespace are left alone. Without a namespace, nothing changes.
 */

/** A custom name of the package: `Score__c`, `Account__r`, `Alert_Threshold__mdt`. */
const CUSTOM_NAME = /\b[A-Za-z][A-Za-z0-9_]*__(?:c|r|mdt)\b/g;
/** A name that already carries a namespace: `ns__Score__c`. */
const NAMESPACED = /^[A-Za-z][A-Za-z0-9_]*?__[A-Za-z][A-Za-z0-9_]*__(?:c|r|mdt)$/;

/** A custom name with the namespace prefix (`Score__c` → `ns__Score__c`). */
export function namespacedName(name: string, namespace?: string): string {
  if (!namespace || NAMESPACED.test(name) || !/__(?:c|r|mdt)$/.test(name)) return name;
  return `${namespace}__${name}`;
}

/** SOQL with every custom name prefixed, string literals untouched. */
export function namespaceSoql(soql: string, namespace?: string): string {
  if (!namespace) return soql;
  return soql
    .split(/('(?:[^'\\]|\\.)*')/)
    .map((part, i) =>
      i % 2 === 1 ? part : part.replace(CUSTOM_NAME, (name) => namespacedName(name, namespace)),
    )
    .join('');
}

/** A REST path (`/composite/sobjects/Survey_Response__c/External_Id__c`) with names prefixed. */
export function namespacePath(path: string, namespace?: string): string {
  if (!namespace) return path;
  return path
    .split('/')
    .map((segment) => namespacedName(segment, namespace))
    .join('/');
}

/** A record to write, its field names and `attributes.type` prefixed. */
export function namespaceRecord<T extends Record<string, unknown>>(
  record: T,
  namespace?: string,
): T {
  if (!namespace) return record;
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [
      namespacedName(key, namespace),
      key === 'attributes' && value && typeof value === 'object'
        ? {
            ...value,
            type: namespacedName(String((value as { type?: unknown }).type), namespace),
          }
        : value,
    ]),
  ) as T;
}

/** What Salesforce answered, with the prefix stripped from every key (parents included). */
export function stripNamespace<T>(value: T, namespace?: string): T {
  if (!namespace) return value;
  const prefix = `${namespace}__`;
  const strip = (name: string) =>
    name.startsWith(prefix) && /__(?:c|r|mdt)$/.test(name) ? name.slice(prefix.length) : name;
  const walk = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(walk);
    if (!item || typeof item !== 'object') return item;
    return Object.fromEntries(
      Object.entries(item as Record<string, unknown>).map(([key, inner]) => [
        strip(key),
        key === 'attributes' && inner && typeof inner === 'object'
          ? { ...inner, type: strip(String((inner as { type?: unknown }).type)) }
          : walk(inner),
      ]),
    );
  };
  return walk(value) as T;
}
