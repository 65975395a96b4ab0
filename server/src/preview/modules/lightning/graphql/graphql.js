// Stand-in for lightning/graphql: the `graphql` wire adapter posts the component's query and
// variables to the org's GraphQL API (here the Salesforce emulator, through the preview's bridge)
// and hands `{ data, errors }` to the component, as Lightning Data Service does. It reads again
// when a record changes, as the LDS cache would.
import { RefreshingWire, salesforce } from 'preview/context';

/** The query text (on the platform, a parsed document; components only pass it along). */
export function gql(strings, ...values) {
  return strings.reduce((text, part, i) => text + part + (i < values.length ? values[i] : ''), '');
}

export class graphql extends RefreshingWire {
  async load(config) {
    if (!config || !config.query) return undefined;
    try {
      const result = await salesforce('graphql', {
        method: 'POST',
        body: JSON.stringify({ query: config.query, variables: config.variables || {} }),
      });
      const errors = result.errors && result.errors.length ? result.errors : undefined;
      return { data: errors ? undefined : result.data, errors };
    } catch (error) {
      return {
        data: undefined,
        errors: [{ message: (error.body && error.body.message) || String(error.status || error) }],
      };
    }
  }
}
