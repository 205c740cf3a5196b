import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, getNamedType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { positions, seededRandom, valuesFor } from '../support/fuzz.js';
import { eventually } from '../support/jobs.js';
import { liveClient, record } from '../support/live.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

const SEED = 20261202;
const schema = buildSchema(
  fs.readFileSync(path.resolve(import.meta.dirname, '../../schema.graphql'), 'utf8'),
);

/**
 * The HTTP fuzz (test/app/fuzz.test.ts) for the subscriptions, over
 * WebSocket: every argument, given malformed values, gets a coded error for
 * its subscription or a close the protocol defines (1009 for a message too
 * large), never an internal error, and the server goes on serving.
 */
describe.each(databaseKinds())('fuzzing the subscriptions on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(kind);
  });
  afterAll(async () => server?.close());

  const subscriptionType = schema.getSubscriptionType()!;
  const list = positions(schema).filter((p) => p.parent === subscriptionType);

  it('enumerates every subscription argument', () => {
    expect(list.map((p) => p.label).sort()).toEqual([
      'Subscription.commentAdded(postId)',
      'Subscription.linkbackAdded(postId)',
    ]);
  });

  it('answers every malformed argument with a coded error or a protocol close, never an internal error', async () => {
    const problems: string[] = [];
    const random = seededRandom(SEED);
    for (const position of list) {
      const type = position.arg.type.toString();
      const query = `subscription Fuzz($v: ${type}) { ${position.field.name}(${position.arg.name}: $v) { id } }`;
      for (const { label, value } of valuesFor(position.arg.type, position.arg.name, random)) {
        const live = liveClient(server.url);
        const heard = record(live, query, { v: value });
        await eventually(
          `${position.label} with ${label}`,
          () =>
            heard.errors.length > 0 ||
            live.closedWith() !== null ||
            server.app.services.liveFeed.subscriptionCount > 0,
        );
        const closed = live.closedWith();
        const codes = heard.errors.map((e) => e.extensions?.code ?? 'NO_CODE');
        if (closed && closed.code !== 1009 && closed.code !== 1000)
          problems.push(`${position.label} with ${label}: closed ${closed.code} ${closed.reason}`);
        if (codes.includes('INTERNAL_SERVER_ERROR') || codes.includes('NO_CODE'))
          if (!closed)
            problems.push(`${position.label} with ${label}: ${JSON.stringify(heard.errors)}`);
        await live.dispose();
        await eventually('the socket closed', () => server.app.liveConnections!() === 0);
      }
      expect(getNamedType(position.arg.type).name).toBe('ID');
    }
    expect(problems).toEqual([]);
    // Still serving.
    const res = await server.gql<{ site: { title: string } }>('{ site { title } }');
    expect(res.status).toBe(200);
  });
});
