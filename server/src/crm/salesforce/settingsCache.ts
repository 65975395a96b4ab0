import { DEFAULT_DISSONANCE_SETTINGS } from '@boucle/shared';
import {
  surveyPressureSchema,
  type BusinessHoursSettings,
  type DissonanceSettings,
  type SurveyPressureSettings,
} from '@boucle/shared/schemas';
import type { SalesforceClient } from './client.ts';
import {
  businessHoursFromMetadata,
  dissonanceFromMetadata,
  escalationFromMetadata,
  SETTINGS_SOQL,
  surveyPressureFromMetadata,
  type EscalationTarget,
  type MetadataRead,
} from './settingsMetadata.ts';

/** The settings a Salesforce org keeps in custom metadata (besides thresholds and journey). */
export interface SalesforceSettingValues {
  /** null: around the clock. */
  readonly businessHours: BusinessHoursSettings | null;
  readonly pressure: SurveyPressureSettings;
  readonly dissonance: DissonanceSettings;
  readonly escalation: readonly EscalationTarget[];
}

export type SalesforceSettingName = keyof SalesforceSettingValues;

/** Where a setting in force comes from, and why the org's records were refused if they were. */
export interface SettingSource {
  /** `metadata`: read from the org's records; `default`: shipped, no valid record read yet. */
  readonly from: 'metadata' | 'default';
  /** The records it was read from (`Business_Hours__mdt Default`). */
  readonly records: readonly string[];
  /** Why the records were refused; the last valid setting stays in force meanwhile. */
  readonly problems: readonly string[];
}

const SHIPPED: SalesforceSettingValues = {
  businessHours: null,
  pressure: surveyPressureSchema.parse({}),
  dissonance: DEFAULT_DISSONANCE_SETTINGS,
  escalation: [],
};

/**
 * The org's settings as the server uses them: read every `ttlMs` (each type on its own, so that a
 * type the org lacks spares the others), each setting validated with the shared schemas; a
 * refused one, or one that cannot be read, leaves the last valid value in force (the shipped one
 * until a valid one was read) and says why in `sources()`.
 */
export class SalesforceSettings {
  private values: SalesforceSettingValues = SHIPPED;
  private readonly source = new Map<SalesforceSettingName, SettingSource>(
    (Object.keys(SHIPPED) as SalesforceSettingName[]).map((name) => [
      name,
      { from: 'default', records: [], problems: [] },
    ]),
  );
  private readAt: number | undefined;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly client: Pick<SalesforceClient, 'queries'>,
    private readonly clock: () => number,
    private readonly ttlMs: number,
  ) {}

  /** The settings in force, read again once `ttlMs` has passed. */
  async current(): Promise<SalesforceSettingValues> {
    const now = this.clock();
    if (this.readAt === undefined || now - this.readAt >= this.ttlMs) {
      this.reading ??= this.read(now).finally(() => (this.reading = undefined));
      await this.reading;
    }
    return this.values;
  }

  /** Where each setting in force comes from (after `current()`). */
  sources(): ReadonlyMap<SalesforceSettingName, SettingSource> {
    return this.source;
  }

  /** Every problem found in the records, for `check()` and `doctor`. */
  problems(): string[] {
    return [...this.source.values()].flatMap((s) => s.problems);
  }

  private async read(now: number): Promise<void> {
    const query = async (soql: string) => {
      try {
        return await this.client.queries<Record<string, unknown>>([soql]);
      } catch (error) {
        const type = /FROM (\w+)/.exec(soql)?.[1] ?? soql;
        return `cannot read ${type} (${(error as Error).message}): deploy the package`;
      }
    };
    const [hours, holidays, caps, quiet, bands, targets] = await Promise.all(
      [
        SETTINGS_SOQL.businessHours,
        SETTINGS_SOQL.holidays,
        SETTINGS_SOQL.pressure,
        SETTINGS_SOQL.quietPeriods,
        SETTINGS_SOQL.dissonance,
        SETTINGS_SOQL.escalation,
      ].map(query),
    );
    const unread = (...results: unknown[]) =>
      results.filter((r): r is string => typeof r === 'string');
    const records = (r: unknown) => r as Record<string, unknown>[];
    const next = { ...this.values } as { -readonly [K in SalesforceSettingName]: unknown };
    const adopt = <K extends SalesforceSettingName>(
      name: K,
      failed: string[],
      read: () => MetadataRead<SalesforceSettingValues[K]>,
    ) => {
      const previous = this.source.get(name) as SettingSource;
      const result = failed.length > 0 ? ({ ok: false, problems: failed } as const) : read();
      if (result.ok) {
        next[name] = result.value;
        this.source.set(name, { from: 'metadata', records: result.records, problems: [] });
      } else this.source.set(name, { ...previous, problems: result.problems });
    };
    adopt('businessHours', unread(hours, holidays), () =>
      businessHoursFromMetadata(records(hours), records(holidays)),
    );
    adopt('pressure', unread(caps, quiet), () =>
      surveyPressureFromMetadata(records(caps), records(quiet)),
    );
    adopt('dissonance', unread(bands), () => dissonanceFromMetadata(records(bands)));
    adopt('escalation', unread(targets), () => escalationFromMetadata(records(targets)));
    this.values = next as SalesforceSettingValues;
    this.readAt = now;
  }
}
