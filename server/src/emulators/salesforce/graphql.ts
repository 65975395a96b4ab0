/**
 * The Salesforce GraphQL API (`POST /services/data/vXX.X/graphql`), for what Lightning components
 * read through `lightning/graphql`: `uiapi { query { Object(where, orderBy, first) { edges { node
 * { … } } totalCount pageInfo } } aggregate { Object(where, groupBy) { … } } }`.
 *
 * A request is translated into SOQL and run by the org's own query engine, so the records,
 * relationship paths and field checks are the ones REST clients see. Results are shaped like the
 * UI API GraphQL schema: scalar fields as `{ value, displayValue }`, `Id` as a plain string,
 * parents as nested nodes. Errors come back as GraphQL errors (HTTP 200, `errors` array), as
 * Salesforce does. Not emulated: mutations, child relationships (`Object__r { edges … }` under a
 * node), `after` cursors, and the schema introspection.
 */
import { Kind, parse, GraphQLError, type OperationDefinitionNode } from 'graphql';
import { Executor } from './graphqlExecutor.ts';
import { QueryError, literalValue, type Variables } from './graphqlValues.ts';
import { RequestError, type SalesforceOrg } from './org.ts';

type Row = Record<string, unknown>;

export interface GraphqlRequest {
  readonly query?: unknown;
  readonly variables?: unknown;
  readonly operationName?: unknown;
}

export interface GraphqlResponse {
  data: Row | null;
  errors: { message: string; locations?: unknown; path?: unknown; extensions?: unknown }[];
}

export function runGraphql(
  org: SalesforceOrg,
  request: GraphqlRequest,
  version: string,
): GraphqlResponse {
  if (typeof request.query !== 'string' || !request.query.trim())
    return failure(new QueryError('The request body must carry the GraphQL text in "query".'));
  const variables = (
    request.variables && typeof request.variables === 'object' ? request.variables : {}
  ) as Variables;
  let operation: OperationDefinitionNode;
  try {
    const document = parse(request.query);
    const operations = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const named =
      typeof request.operationName === 'string'
        ? operations.find((o) => o.name?.value === request.operationName)
        : operations[0];
    if (!named)
      return failure(
        new QueryError(
          typeof request.operationName === 'string'
            ? `Unknown operation named '${request.operationName}'.`
            : 'The document holds no operation.',
        ),
      );
    operation = named;
  } catch (error) {
    if (error instanceof GraphQLError)
      return failure(new QueryError(`Invalid Syntax : ${error.message}`, [], 'InvalidSyntax'));
    throw error;
  }
  if (operation.operation !== 'query')
    return failure(new QueryError(`The emulator runs queries only, not ${operation.operation}s.`));
  const values: Variables = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    values[name] =
      name in variables
        ? variables[name]
        : definition.defaultValue
          ? literalValue(definition.defaultValue, {})
          : null;
  }
  try {
    return { data: new Executor(org, values, version).run(operation.selectionSet), errors: [] };
  } catch (error) {
    if (error instanceof QueryError) return failure(error);
    if (error instanceof RequestError) {
      const body = error.body as { message?: string }[] | { message?: string };
      const message = Array.isArray(body) ? body[0]?.message : body.message;
      return failure(new QueryError(message ?? 'The query is not valid.'));
    }
    throw error;
  }
}

function failure(error: QueryError): GraphqlResponse {
  return {
    data: null,
    errors: [
      {
        message: error.message,
        ...(error.path.length > 0 && { path: error.path }),
        extensions: { ErrorType: error.errorType },
      },
    ],
  };
}
