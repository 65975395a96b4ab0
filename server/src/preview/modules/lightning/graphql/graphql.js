// Stand-in for lightning/graphql: the `graphql` wire adapter posts the component's query and
// variables to the org's GraphQL API (here the Salesforce emulator, through the preview's bridge)
// and hands `{ data, errors }` to the component, as Lightning Data Service does. It refetches when
// a record changes, as the LDS cache would.
import { onRecordChange, salesforce } from 'preview/context';

/** The query text (on the platform, a parsed document; components only pass it along). */
export function gql(strings, ...values) {
  return strings.reduce((text, part, i) => text + part + (i < values.length ? values[i] : ''), '');
}

export class graphql {
  constructor(dataCallback) {
    this.dataCallback = dataCallback;
    this.config = undefined;
    this.generation = 0;
  }

  update(config) {
    this.config = config;
    this.fetch();
  }

  connect() {
    this.unsubscribe = onRecordChange(() => this.fetch());
  }

  disconnect() {
    if (this.unsubscribe) this.unsubscribe();
  }

  async fetch() {
    const config = this.config;
    if (!config || !config.query) return;
    const generation = ++this.generation;
    try {
      const result = await salesforce('graphql', {
        method: 'POST',
        body: JSON.stringify({ query: config.query, variables: config.variables || {} }),
      });
      if (generation !== this.generation) return;
      const errors = result.errors && result.errors.length ? result.errors : undefined;
      this.dataCallback({ data: errors ? undefined : result.data, errors });
    } catch (error) {
      if (generation !== this.generation) return;
      this.dataCallback({
        data: undefined,
        errors: [{ message: (error.body && error.body.message) || String(error.status || error) }],
      });
    }
  }
}

export function refreshGraphQL() {
  return Promise.resolve();
}
