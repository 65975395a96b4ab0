import type { ObjectType, PortalSnapshot } from './model.ts';

// The state file's form of an object type: its definitions and records as lists, and for a custom
// object the schema it was created from (a standard type is rebuilt by the portal's reset).

type SavedType = PortalSnapshot['objects'][string];
type Schema = Pick<
  ObjectType,
  | 'objectTypeId'
  | 'singular'
  | 'fullyQualifiedName'
  | 'labels'
  | 'primaryDisplayProperty'
  | 'requiredProperties'
  | 'createdAt'
>;

export function savedType(type: ObjectType): SavedType {
  return {
    ...(type.custom && {
      schema: {
        objectTypeId: type.objectTypeId,
        singular: type.singular,
        fullyQualifiedName: type.fullyQualifiedName,
        labels: type.labels,
        primaryDisplayProperty: type.primaryDisplayProperty,
        requiredProperties: type.requiredProperties,
        createdAt: type.createdAt,
      } satisfies Schema,
    }),
    properties: [...type.properties.values()],
    groups: [...type.groups.values()],
    records: [...type.records.values()],
  };
}

/** The saved type back, into the `standard` type of that name when the portal has one. */
export function restoredType(
  name: string,
  saved: SavedType,
  standard: ObjectType | undefined,
): ObjectType {
  const type: ObjectType = standard ?? {
    ...(saved.schema as Schema),
    name,
    custom: true,
    properties: new Map(),
    groups: new Map(),
    records: new Map(),
  };
  type.properties = new Map(saved.properties.map((p) => [p.name, p]));
  type.groups = new Map(saved.groups.map((g) => [g.name, g]));
  type.records = new Map(saved.records.map((r) => [r.id, r]));
  return type;
}
