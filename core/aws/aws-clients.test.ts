import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  createAwsClients,
  DEFAULT_AWS_REQUEST_TIMEOUTS,
  destroyAwsClients,
  type AwsClients,
  type AwsRequestTimeouts,
} from './aws-clients.js';

/** Short timeouts, so a black hole shows within a second. */
const TIMEOUTS = { sqsRequestTimeoutMs: 300, dynamoRequestTimeoutMs: 200 };
/** The clients' own attempts per call. */
const SDK_ATTEMPTS = 4;

/** A loopback DynamoDB endpoint for one test. */
interface FakeEndpoint {
  server: Server;
  /** Requests received so far. */
  requests: () => number;
  close(): void;
}

/**
 * An endpoint that lets `misbehave` take each request (numbered from 1) and
 * answers "no item" to every request it leaves alone (returns false).
 */
function fakeEndpoint(
  misbehave: (n: number, request: IncomingMessage, response: ServerResponse) => boolean,
): FakeEndpoint {
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    if (misbehave(requests, request, response)) return;
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

/** Never answers the first `stalled` requests. */
function blackHole(stalled: number): FakeEndpoint {
  return fakeEndpoint((n, request) => {
    request.resume();
    return n <= stalled;
  });
}

/** Drops the connection of each of the first `dropped` requests, unanswered. */
function hangingUp(dropped: number): FakeEndpoint {
  return fakeEndpoint((n, request) => {
    if (n > dropped) return false;
    request.socket.destroy();
    return true;
  });
}

async function clientsFor(
  server: Server,
  timeouts: AwsRequestTimeouts = TIMEOUTS,
): Promise<AwsClients> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return createAwsClients(
    { region: 'us-east-1', sqsEndpoint: endpoint, dynamoEndpoint: endpoint },
    timeouts,
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

  it('retries every call of a burst whose connections were all reset at once', async () => {
    // More than the AWS SDK's default retry quota holds (about 35 retries): with it, the rest of
    // the burst would fail on its first attempt.
    const burst = 64;
    const endpoint = hangingUp(burst);
    // The usual timeouts: a burst of 64 on a busy machine can take longer than the short ones.
    const clients = await clientsFor(endpoint.server, DEFAULT_AWS_REQUEST_TIMEOUTS);
    try {
      const outputs = await Promise.all(
        Array.from({ length: burst }, () => clients.dynamodb.send(getItem)),
      );
      expect(outputs.every((output) => output.$metadata.attempts === 2)).toBe(true);
    } finally {
      destroyAwsClients(clients);
      endpoint.close();
    }
  });

  it("retires an idle socket before the server's announced keep-alive timeout", async () => {
    // Node servers announce `Keep-Alive: timeout=N` and close idle sockets after N s; a socket
    // reused at that moment fails with "socket hang up". The agent must drop it 1 s early.
    const endpoint = hangingUp(0);
    endpoint.server.keepAliveTimeout = 2_000;
    const clients = await clientsFor(endpoint.server, DEFAULT_AWS_REQUEST_TIMEOUTS);
    // True when the client's FIN reached the server first; a server that closes an idle socket
    // itself destroys it, and never sees an end.
    const closedByClient = new Promise<boolean>((resolve) => {
      endpoint.server.once('connection', (socket) => {
        let ended = false;
        socket.on('end', () => {
          ended = true;
        });
        socket.on('close', () => resolve(ended));
      });
    });
    try {
      await clients.dynamodb.send(getItem);
      expect(await closedByClient).toBe(true);
    } finally {
      destroyAwsClients(clients);
      endpoint.close();
    }
  });
});
