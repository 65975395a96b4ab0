import { randomUUID } from 'node:crypto';

// The shapes of an emulated HubSpot portal: its error body, object types, properties, records,
// association labels and owners, and the snapshot the state file keeps.

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
export interface Edge {
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
