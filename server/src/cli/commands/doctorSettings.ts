import type { CrmAdapter } from '../../crm/adapter.ts';
import { primarySettingsCrm } from '../../settings/describe.ts';

const NAMES = { salesforce: 'Salesforce', hubspot: 'HubSpot' } as const;

/** What `doctor` prints with. */
export interface DoctorOutput {
  ok(text: string): void;
  fail(text: string, fix: string): void;
}

/**
 * The "Settings in force" part of `doctor`: each setting of each connected CRM, where it comes
 * from, and every record or field refused (the last valid setting stays in force meanwhile). The
 * thresholds' and journey's own problems are reported with their CRM above, not twice.
 */
export async function settingsInForceLines(
  adapters: readonly Pick<CrmAdapter, 'crm' | 'settingsInForce'>[],
  out: DoctorOutput,
): Promise<void> {
  const primary = primarySettingsCrm(adapters.map((a) => a.crm));
  if (adapters.length > 1)
    out.ok(
      `each CRM's callbacks follow its own settings; survey pressure and the journey of the API come from ${primary ? NAMES[primary] : 'none'}`,
    );
  for (const adapter of adapters) {
    if (!adapter.settingsInForce) continue;
    let rows;
    try {
      rows = await adapter.settingsInForce();
    } catch (error) {
      out.fail(
        `${NAMES[adapter.crm]} settings cannot be read: ${(error as Error).message}`,
        'check the connection above',
      );
      continue;
    }
    for (const row of rows) {
      out.ok(`${NAMES[adapter.crm]} ${row.setting}: ${row.value} (from ${row.source})`);
      if (row.setting === 'alert thresholds' || row.setting === 'journey') continue;
      for (const problem of row.problems)
        out.fail(
          problem,
          adapter.crm === 'salesforce'
            ? 'fix the record in Setup → Custom Metadata Types; the last valid setting stays in force meanwhile'
            : 'fix it on the HubSpot settings page',
        );
    }
  }
}
