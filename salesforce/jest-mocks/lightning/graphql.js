// lightning/graphql for Jest: sfdx-lwc-jest's wire adapter, with a gql that keeps the query text
// (the stub's returns undefined), so tests can read the aliases a component asks for and tell a
// held-back query (undefined) from a real one.
export { graphql } from '@salesforce/sfdx-lwc-jest/src/lightning-stubs/graphql/graphql.js';

export const gql = jest.fn((strings, ...values) =>
  strings.reduce((text, part, i) => text + part + (i < values.length ? values[i] : ''), ''),
);
