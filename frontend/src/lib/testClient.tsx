// A urql client for component tests: each operation is answered by a handler given its name
// and variables (data, or a GraphQL error with extensions), and every operation is recorded.
import { Client, makeErrorResult, makeResult, type Exchange, type Operation } from '@urql/core';
import { GraphQLError } from 'graphql';
import { filter, map, pipe } from 'wonka';

export interface Answer {
  data?: any;
  error?: { message: string; extensions: Record<string, unknown> };
  /** No answer at all (no connection, or the answer was lost on the way): a network error. */
  network?: boolean;
}
export type Handler = (name: string, variables: Record<string, any>) => Answer;

export function testClient(handler: Handler) {
  const seen: Array<{ name: string; variables: Record<string, any> }> = [];
  const answer: Exchange = () => (ops$) =>
    pipe(
      ops$,
      filter((op: Operation) => op.kind !== 'teardown'),
      map((op: Operation) => {
        const def = op.query.definitions.find((d: any) => d.kind === 'OperationDefinition') as any;
        const name: string = def?.name?.value ?? '';
        seen.push({ name, variables: op.variables as Record<string, any> });
        const a = handler(name, op.variables as Record<string, any>);
        if (a.network) return makeErrorResult(op, new TypeError('Failed to fetch'));
        return makeResult(op, {
          data: a.data ?? null,
          errors: a.error ? [new GraphQLError(a.error.message, { extensions: a.error.extensions })] : undefined,
        });
      }),
    );
  const client = new Client({ url: 'http://test/graphql', exchanges: [answer] });
  return { client, seen };
}
