// The counting proxy as its own process, so counting costs the measured processes nothing.
// Env: BENCH_SQS_UPSTREAM, BENCH_DYNAMO_UPSTREAM (emulator URLs). Prints {"sluice":"ready","port":N}.
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { createCountingProxy } from './counting-proxy.js';

const env = z
  .object({ BENCH_SQS_UPSTREAM: z.url(), BENCH_DYNAMO_UPSTREAM: z.url() })
  .parse(process.env);
const server = createCountingProxy({
  sqsUpstream: new URL(env.BENCH_SQS_UPSTREAM),
  dynamoUpstream: new URL(env.BENCH_DYNAMO_UPSTREAM),
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ sluice: 'ready', port })}\n`);
});
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
