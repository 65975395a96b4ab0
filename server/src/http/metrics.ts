import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ALERT_KINDS, ALERTS_SETTING, type AlertState } from '../health/alerts.ts';
import type { Store } from '../store/store.ts';

/** Prometheus metrics (prom-client), one registry per server so tests do not share counters. */
export class Metrics {
  readonly registry = new Registry();
  readonly answersAccepted = new Counter({
    name: 'boucle_answers_accepted_total',
    help: 'Answers stored (duplicates excluded)',
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: 'boucle_answers_duplicate_total',
    help: 'Answers received again and ignored',
    registers: [this.registry],
  });
  private readonly requests = new Histogram({
    name: 'boucle_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor(store: Store) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'boucle_jobs',
      help: 'Open sync jobs by CRM and state (ready, running, dead); done jobs are pruned',
      labelNames: ['crm', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [key, count] of Object.entries(await store.openJobCounts())) {
          const [crm, state] = key.split('.') as [string, string];
          this.set({ crm, state }, count);
        }
      },
    });
    new Gauge({
      name: 'boucle_sync_alert',
      help: 'Sync alerts by CRM and alert (outage, dead_letters, api_budget): 1 while raised, 0 once recovered',
      labelNames: ['crm', 'alert'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const state = await store.getSetting<AlertState>(ALERTS_SETTING);
        for (const crm of ['salesforce', 'hubspot'])
          for (const alert of ALERT_KINDS)
            if (state?.raised[`${crm}.${alert}`]) this.set({ crm, alert }, 1);
            else if (state) this.set({ crm, alert }, 0);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requests.observe({ method, route, status: String(status) }, seconds);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
