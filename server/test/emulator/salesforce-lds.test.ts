import { readFileSync } from 'node:fs';
import jsforce, { type Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SalesforceEmulator } from '../../src/emulators/salesforce/app.ts';
import { admin } from './helpers.ts';

// What Lightning Data Service asks of the org for Boucle's components: the GraphQL API (the
// components' own queries, read from their source) and the UI API record resource.

// GraphQL and UI API results are deep JSON whose every value the tests compare.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const VERSION = '62.0';
const LWC = new URL('../../../salesforce/force-app/main/default/lwc/', import.meta.url);

/** The GraphQL text of a component, as its `gql` tag holds it. */
function componentQuery(name: string): string {
  const source = readFileSync(new URL(`${name}/${name}.js`, LWC), 'utf8');
  return (/gql`([\s\S]*?)`/.exec(source) as RegExpExecArray)[1] as string;
}

let emulator: SalesforceEmulator;
let url: string;
let close: () => Promise<void>;
let conn: Connection;
const ids: Record<string, string> = {};
const HOUR = 3_600_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

async function graphql(query: string, variables: Record<string, unknown> = {}) {
  return conn.request<{ data: Json; errors: { message: string; extensions?: unknown }[] }>({
    method: 'POST',
    url: `/services/data/v${VERSION}/graphql`,
    body: JSON.stringify({ query, variables }),
    headers: { 'content-type': 'application/json' },
  });
}

beforeAll(async () => {
  emulator = new SalesforceEmulator();
  ({ url, close } = await emulator.listen(0, '127.0.0.1'));
  conn = new jsforce.Connection({
    oauth2: { clientId: 'boucle-sandbox', clientSecret: 'sandbox', loginUrl: url },
    version: VERSION,
  });
  await conn.authorize({ grant_type: 'client_credentials' });
  const users = (await admin(url, 'records', {
    User: [{ Username: 'boss@example.com', LastName: 'Boss', Email: 'boss@example.com' }],
  })) as Record<string, { id: string }[]>;
  ids.boss = users.User![0]!.id;
  const people = (await admin(url, 'records', {
    User: [
      {
        Username: 'rep@example.com',
        LastName: 'Rep',
        Email: 'rep@example.com',
        ManagerId: ids.boss,
      },
    ],
    Account: [{ Name: 'Acme' }, { Name: 'Globex' }],
  })) as Record<string, { id: string }[]>;
  ids.rep = people.User![0]!.id;
  ids.acme = people.Account![0]!.id;
  ids.globex = people.Account![1]!.id;
  const answer = (
    n: number,
    account: string,
    score: number,
    category: string,
    ageDays: number,
  ) => ({
    External_Id__c: `ans-${account}-${n}`,
    Account__c: ids[account],
    Metric__c: 'NPS',
    Score__c: score,
    Category__c: category,
    Answered_At__c: iso(-ageDays * 24 * HOUR),
    Touchpoint__c: 'after-sale',
    Comment__c: `comment ${n}`,
  });
  const created = (await admin(url, 'records', {
    Survey_Response__c: [
      answer(1, 'acme', 10, 'Promoter', 1),
      answer(2, 'acme', 3, 'Detractor', 2),
      answer(3, 'acme', 9, 'Promoter', 3),
      answer(4, 'acme', 8, 'Passive', 400), // older than a year
      answer(5, 'globex', 2, 'Detractor', 5),
    ],
  })) as Record<string, { id: string }[]>;
  const callback = (
    n: number,
    account: string,
    status: string,
    dueInHours: number,
    assignee: string,
  ) => ({
    External_Id__c: `cb-${n}`,
    Survey_Response__c: created.Survey_Response__c![1]!.id,
    Account__c: ids[account],
    Assignee__c: ids[assignee],
    Kind__c: 'Detractor recovery',
    Status__c: status,
    Due_At__c: iso(dueInHours * HOUR),
    SLA_Hours__c: 24,
  });
  const callbacks = (await admin(url, 'records', {
    Callback__c: [
      callback(1, 'acme', 'Open', 5, 'rep'),
      callback(2, 'acme', 'Resolved', 1, 'rep'),
      callback(3, 'globex', 'Escalated', -3, 'boss'),
      callback(4, 'globex', 'Open', 10, 'boss'),
    ],
  })) as Record<string, { id: string }[]>;
  ids.cb1 = callbacks.Callback__c![0]!.id;
});

afterAll(async () => close());

describe('GraphQL API', () => {
  it("answers the account card's query: the account's answers of the year, its open callbacks, the org's norm the server wrote", async () => {
    await admin(url, 'records', {
      NPS_Norm__c: [
        {
          Name: 'Org-wide NPS',
          External_Id__c: 'org',
          Scope__c: 'Org',
          Key__c: 'org',
          NPS__c: 12.5,
          Margin__c: 30.1,
          Responses__c: 8,
          Window_Days__c: 90,
        },
      ],
    });
    const { data, errors } = await graphql(componentQuery('npsAccountCard'), {
      accountId: ids.acme,
      since: iso(-366 * 24 * HOUR),
    });
    expect(errors).toEqual([]);
    const answers = data.uiapi.query.answers.edges.map((e: Json) => e.node);
    expect(answers.map((a: Json) => a.score.value)).toEqual([10, 3, 9]); // newest first
    expect(answers[0]).toMatchObject({
      Id: expect.stringMatching(/^a/),
      metric: { value: 'NPS' },
      comment: { value: 'comment 1' },
      touchpoint: { value: 'after-sale' },
    });
    expect(data.uiapi.query.answers.pageInfo).toEqual({ hasNextPage: false });
    expect(data.uiapi.query.account.edges).toHaveLength(1);
    const callbacks = data.uiapi.query.callbacks.edges.map((e: Json) => e.node);
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]).toMatchObject({
      status: { value: 'Open', displayValue: 'Open' },
      slaHours: { value: 24 },
    });
    expect(data.uiapi.query.norm.edges.map((e: Json) => e.node)).toEqual([
      expect.objectContaining({
        nps: { value: 12.5 },
        margin: { value: 30.1 },
        responses: { value: 8 },
      }),
    ]);
  });

  it("answers the account card's journey query from the Touchpoint__mdt records", async () => {
    const source = readFileSync(new URL('npsAccountCard/npsAccountCard.js', LWC), 'utf8');
    const journeyQuery = [...source.matchAll(/gql`([\s\S]*?)`/g)][1]?.[1] as string;
    const { data, errors } = await graphql(journeyQuery);
    expect(errors).toEqual([]);
    const nodes = (
      data as {
        uiapi: {
          query: { touchpoints: { edges: { node: Record<string, { value: unknown }> }[] } };
        };
      }
    ).uiapi.query.touchpoints.edges.map(({ node }) => [node.key?.value, node.order?.value]);
    expect(nodes.sort()).toEqual([
      ['after-sale', 3],
      ['contracting', 2],
      ['pre-sale', 1],
    ]);
  });

  it("answers the manager queue's query: callbacks assigned to the user or to people who report to them", async () => {
    const { data, errors } = await graphql(componentQuery('npsCallbackQueue'), {
      userId: ids.boss,
    });
    expect(errors).toEqual([]);
    const rows = data.uiapi.query.callbacks.edges.map((e: Json) => e.node);
    // cb-2 is resolved; the others are the boss's own or their report's, soonest due first.
    expect(rows.map((r: Json) => r.status.value)).toEqual(['Escalated', 'Open', 'Open']);
    expect(rows.map((r: Json) => r.account.name.value)).toEqual(['Globex', 'Acme', 'Globex']);
    expect(rows[1].assignee.name.value).toBe('Rep');
    const { data: repView } = await graphql(componentQuery('npsCallbackQueue'), {
      userId: ids.rep,
    });
    expect(repView.uiapi.query.callbacks.edges).toHaveLength(1);
  });

  it('pages with first, counts with totalCount, and aliases fields', async () => {
    const { data } = await graphql(`
      query {
        uiapi {
          query {
            Survey_Response__c(first: 2, orderBy: { Score__c: { order: ASC } }) {
              totalCount
              pageInfo {
                hasNextPage
              }
              edges {
                node {
                  score: Score__c {
                    value
                  }
                }
              }
            }
          }
        }
      }
    `);
    const page = data.uiapi.query.Survey_Response__c;
    expect(page.totalCount).toBe(5);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.edges.map((e: Json) => e.node.score.value)).toEqual([2, 3]);
  });

  it('answers mistakes with GraphQL errors naming the field, not a server error', async () => {
    const unknownField = await graphql(
      'query { uiapi { query { Account { edges { node { Nope__c { value } } } } } } }',
    );
    expect(unknownField.data).toBeNull();
    expect(unknownField.errors[0]!.message).toMatch(/Nope__c/);
    const badSyntax = await graphql('query { uiapi { ');
    expect(badSyntax.errors[0]!.message).toMatch(/Invalid Syntax/);
    const badDate = await graphql(
      'query($d: DateTime) { uiapi { query { Survey_Response__c(where: { Answered_At__c: { gte: { value: $d } } }) { edges { node { Id } } } } } }',
      { d: 'yesterday-ish' },
    );
    expect(badDate.errors[0]!.message).toMatch(/Answered_At__c.*not a datetime/);
    const injection = await graphql(
      'query($n: String) { uiapi { query { Account(where: { Name: { eq: $n } }) { edges { node { Id } } } } } }',
      { n: "x' OR Name != 'y" },
    );
    expect(injection.errors).toEqual([]);
    expect(injection.data.uiapi.query.Account.edges).toEqual([]);
    const mutation = await graphql('mutation { uiapi { x } }');
    expect(mutation.errors[0]!.message).toMatch(/queries only/);
  });
});

describe('UI API records', () => {
  const path = (id: string, query = '') =>
    `/services/data/v${VERSION}/ui-api/records/${id}${query}`;

  it('reads the fields asked for as { value, displayValue }, as getRecord receives them', async () => {
    const record = await conn.request<Json>(
      path(
        ids.cb1!,
        '?fields=Callback__c.Status__c,Callback__c.Reached_At__c&optionalFields=Callback__c.Nope__c',
      ),
    );
    expect(record).toMatchObject({
      apiName: 'Callback__c',
      id: ids.cb1,
      fields: {
        Status__c: { value: 'Open', displayValue: 'Open' },
        Reached_At__c: { value: null },
      },
    });
    expect(record.fields).not.toHaveProperty('Nope__c');
  });

  it('updates with PATCH {fields} and returns the record, which the next read shows', async () => {
    const updated = await conn.request<Json>({
      method: 'PATCH',
      url: path(ids.cb1!),
      body: JSON.stringify({ fields: { Status__c: 'Attempted', Notes__c: 'Voicemail' } }),
      headers: { 'content-type': 'application/json' },
    });
    expect(updated.fields.Status__c.value).toBe('Attempted');
    const state = (await admin(url, 'state')) as Json;
    const row = state.objects.Callback__c.find((c: Json) => c.Id === ids.cb1);
    expect(row).toMatchObject({ Status__c: 'Attempted', Notes__c: 'Voicemail' });
  });

  it('refuses a bad value with an Error with Output naming the field', async () => {
    const response = await fetch(`${url}${path(ids.cb1!)}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fields: { Status__c: 'Maybe' } }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Json;
    expect(body.enhancedErrorType).toBe('RecordError');
    expect(body.output.fieldErrors.Status__c[0]).toMatchObject({
      errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      field: 'Status__c',
    });
    const unknown = await fetch(`${url}${path('a0X000000000000AAA')}`, {
      headers: { authorization: `Bearer ${conn.accessToken}` },
    });
    expect(unknown.status).toBe(404);
  });
});
