/**
 * The Metadata API's types (its WSDL), as jsforce ships them: what each metadata type may hold,
 * element by element. Imported here because jsforce is the Salesforce adapter's library; the
 * offline deploy check (emulators/salesforce/deployCheck.ts) reads it, never the client.
 */
import { ApiSchemas } from 'jsforce/lib/api/metadata/schema.js';

export interface MetadataTypeSchema {
  /** Element name → its type: `'string'`, `'?boolean'` (optional), `['ListViewFilter']` (list). */
  readonly props: Record<string, string | readonly string[]>;
  readonly extends?: string;
}

export const METADATA_API_TYPES = ApiSchemas as unknown as Record<string, MetadataTypeSchema>;
