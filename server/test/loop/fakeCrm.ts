import { DEFAULT_THRESHOLD_RULES, DEFAULT_TOUCHPOINTS } from '@boucle/shared';
import type { Answer, ThresholdRule } from '@boucle/shared/schemas';
import type {
  AnswerWrite,
  CallbackWrite,
  CrmAdapter,
  CrmCallbackState,
  RatingWrite,
  RecordResult,
  Resolution,
  RollupWrite,
} from '../../src/crm/adapter.ts';
import type { Crm } from '../../src/store/store.ts';

/** What a fake write answers for one record: its result, or the error the whole call throws. */
export type Script = (key: string) => RecordResult;

/**
 * A CrmAdapter that records what the engine asks and answers as its test scripts it: every record
 * written (`ok` with an id `<crm>-<key>` unless a script says otherwise), every respondent found.
 */
export class FakeCrm implements CrmAdapter {
  readonly batchSize = 100;
  readonly calls: { method: string; keys: string[] }[] = [];
  /** Per-record answers of the next writes (all written when unset). */
  script: Script | undefined;
  /** Thrown by `resolve`, as a CRM that cannot be read. */
  resolveFails: Error | undefined;
  /** Who is in the CRM; an e-mail missing here is not. */
  readonly people = new Map<string, Resolution>();
  /** Callbacks as managers logged them in the CRM, when it keeps them (`readCallbacks`). */
  crmCallbacks: Map<string, CrmCallbackState> | undefined;
  readCallbacks?: (ids: readonly string[]) => Promise<Map<string, CrmCallbackState>>;
  /** Runs during each write call, before it returns (what happens while the CRM works). */
  duringWrite: ((method: string) => Promise<void>) | undefined;

  constructor(readonly crm: Crm = 'salesforce') {}

  /** Managers log callbacks in this CRM, which the sweep reads back. */
  keepsCallbacks(states: Map<string, CrmCallbackState> = new Map()): this {
    this.crmCallbacks = states;
    this.readCallbacks = async (ids) => {
      this.calls.push({ method: 'readCallbacks', keys: [...ids] });
      return new Map([...(this.crmCallbacks ?? [])].filter(([id]) => ids.includes(id)));
    };
    return this;
  }

  written(method: string): string[] {
    return this.calls.filter((c) => c.method === method).flatMap((c) => c.keys);
  }

  private async write(method: string, keys: string[]): Promise<Map<string, RecordResult>> {
    this.calls.push({ method, keys });
    await this.duringWrite?.(method);
    return new Map(
      keys.map((key) => [key, this.script?.(key) ?? { ok: true, crmId: `${this.crm}-${key}` }]),
    );
  }

  async thresholdRules(): Promise<ThresholdRule[]> {
    return [...DEFAULT_THRESHOLD_RULES];
  }
  async touchpoints() {
    return DEFAULT_TOUCHPOINTS;
  }
  async resolve(items: readonly { ref: string; answer: Answer }[]) {
    this.calls.push({ method: 'resolve', keys: items.map((i) => i.ref) });
    if (this.resolveFails) throw this.resolveFails;
    const found = new Map<string, Resolution>();
    for (const { ref, answer } of items) {
      const person = this.people.get(answer.respondent?.email ?? '');
      if (person) found.set(ref, person);
    }
    return found;
  }
  async resolveUsers() {
    return new Map<string, string>();
  }
  async resolveQueue() {
    return undefined;
  }
  writeAnswers(items: readonly AnswerWrite[]) {
    return this.write(
      'writeAnswers',
      items.map((i) => i.ref),
    );
  }
  writeRatings(items: readonly RatingWrite[]) {
    return this.write(
      'writeRatings',
      items.map((i) => i.ref),
    );
  }
  writeCallbacks(items: readonly CallbackWrite[]) {
    return this.write(
      'writeCallbacks',
      // Results by each side's key, as the adapters answer.
      items.map((i) => i.link.key),
    );
  }
  writeRollups(items: readonly RollupWrite[]) {
    return this.write(
      'writeRollups',
      items.map((i) => i.accountId),
    );
  }
  async check() {
    return { ok: true, detail: 'fake' };
  }
}
