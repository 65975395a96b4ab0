// Stand-in for lightning/uiRecordApi: getRecord reads and updateRecord writes through the User
// Interface API record resource (here the Salesforce emulator's, through the preview's bridge).
// After a write every wire of the page reads again, as the LDS cache would refresh them.
import { RefreshingWire, recordsChanged, salesforce } from 'preview/context';

function fieldName(field) {
  return typeof field === 'string' ? field : `${field.objectApiName}.${field.fieldApiName}`;
}

export class getRecord extends RefreshingWire {
  async load(config) {
    if (!config || !config.recordId) return undefined;
    const params = new URLSearchParams();
    if (config.fields) params.set('fields', [].concat(config.fields).map(fieldName).join(','));
    if (config.optionalFields)
      params.set('optionalFields', [].concat(config.optionalFields).map(fieldName).join(','));
    try {
      const data = await salesforce(`records/${encodeURIComponent(config.recordId)}?${params}`);
      return { data, error: undefined };
    } catch (error) {
      return { data: undefined, error };
    }
  }
}

export async function updateRecord(recordInput) {
  const { Id, ...fields } = recordInput.fields;
  const record = await salesforce(`records/${encodeURIComponent(Id)}`, {
    method: 'PATCH',
    body: JSON.stringify({ fields }),
  });
  recordsChanged();
  return record;
}

/** A field's value in a record getRecord gave, by its @salesforce/schema import or its name. */
export function getFieldValue(record, field) {
  const name = typeof field === 'string' ? field.split('.').slice(1).join('.') : field.fieldApiName;
  const value = record && record.fields && record.fields[name];
  return value === undefined ? undefined : value.value;
}
