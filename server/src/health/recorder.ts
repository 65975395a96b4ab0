import type { Logger } from 'pino';
import type { CrmAdapter } from '../crm/adapter.ts';
import type { CrmError } from '../errors.ts';
import type { OutageListener } from '../queue/outage.ts';
import type { Crm, Store } from '../store/store.ts';
import { budgetSetting, outageSetting, type RecordedBudget } from './summary.ts';

/** The API budget is written at most this often per CRM, unless it moved by a whole percent. */
const BUDGET_EVERY_MS = 60_000;

/**
 * Keeps in the store what only the sync engine sees, for the health summary any process reads:
 * when a CRM's outage began and ended (`OutageStreaks`), and the daily API budget its answers
 * report. Writes are chained per CRM, so that an outage's end never lands before its beginning,
 * and a failed write is logged, never thrown into the sync.
 */
export class HealthRecorder implements OutageListener {
  private readonly chains = new Map<Crm, Promise<void>>();
  private readonly budgets = new Map<Crm, RecordedBudget>();

  constructor(
    private readonly store: Store,
    private readonly clock: () => number,
    private readonly logger: Logger,
  ) {}

  began(crm: Crm, error: CrmError): void {
    const since = this.clock();
    this.write(crm, outageSetting(crm), { since, error: `${error.code}: ${error.message}` });
  }

  ended(crm: Crm): void {
    this.write(crm, outageSetting(crm), null);
  }

  /** After a round: the adapter's API budget, if it moved. */
  observeBudget(adapter: CrmAdapter): void {
    const budget = adapter.apiBudget?.();
    if (!budget) return;
    const now = this.clock();
    const last = this.budgets.get(adapter.crm);
    const percent = (b: { used: number; limit: number }) => Math.floor((100 * b.used) / b.limit);
    if (last && last.used === budget.used && last.limit === budget.limit) return;
    if (last && now - last.at < BUDGET_EVERY_MS && percent(last) === percent(budget)) return;
    const recorded = { used: budget.used, limit: budget.limit, at: now };
    this.budgets.set(adapter.crm, recorded);
    this.write(adapter.crm, budgetSetting(adapter.crm), recorded);
  }

  /** Resolves once every write asked for so far is done (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.all(this.chains.values());
  }

  private write(crm: Crm, name: string, value: unknown): void {
    const previous = this.chains.get(crm) ?? Promise.resolve();
    this.chains.set(
      crm,
      previous.then(() =>
        this.store.setSetting(name, value, this.clock()).catch((error: Error) => {
          this.logger.warn({ crm, err: error.message }, 'could not record the sync health');
        }),
      ),
    );
  }
}
