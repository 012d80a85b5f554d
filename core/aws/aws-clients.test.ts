import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createAwsClients, destroyAwsClients, type AwsClients } from './aws-clients.js';

/** Short timeouts, so a black hole shows within a second. */
const TIMEOUTS = { sqsRequestTimeoutMs: 300, dynamoRequestTimeoutMs: 200 };
/** The clients' own attempts per call. */
const SDK_ATTEMPTS = 4;

/** A DynamoDB endpoint that never answers the first `stalled` requests, then answers "no item". */
function blackHole(stalled: number): { server: Server; requests: () => number; close(): void } {
  let requests = 0;
  const held: ServerResponse[] = [];
  const server = createServer((request, response) => {
    requests += 1;
    request.resume();
    if (requests <= stalled) {
      held.push(response);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    response.end('{}');
  });
  return {
    server,
    requests: () => requests,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

async function clientsFor(server: Server): Promise<AwsClients> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return createAwsClients(
    { region: 'us-east-1', sqsEndpoint: endpoint, dynamoEndpoint: endpoint },
    TIMEOUTS,
  );
}

const getItem = new GetItemCommand({ TableName: 'jobs', Key: { pk: { S: 'default#1' } } });

describe('createAwsClients', () => {
  it('abandons a call whose answer never comes and retries it', async () => {
    const endpoint = blackHole(1);
    const clients = await clientsFor(endpoint.server);
    try {
      const output = await clients.dynamodb.send(getItem);
      expect(output.Item).toBeUndefined();
      expect(output.$metadata.attempts).toBe(2);
      expect(endpoint.requests()).toBe(2);
    } finally {
      destroyAwsClients(clients);
      endpoint.close();
    }
  });

  it('fails a call with TimeoutError once every attempt timed out, instead of hanging', async () => {
    const endpoint = blackHole(Infinity);
    const clients = await clientsFor(endpoint.server);
    try {
      await expect(clients.dynamodb.send(getItem)).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(endpoint.requests()).toBe(SDK_ATTEMPTS);
    } finally {
      destroyAwsClients(clients);
      endpoint.close();
    }
  });
});
