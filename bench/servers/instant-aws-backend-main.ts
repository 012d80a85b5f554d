// The bench's instant AWS backend as its own process on 127.0.0.1, port 0 (benchmarks only:
// it answers the front's SQS and DynamoDB calls at once and stores nothing).
// Prints {"sluice":"ready","port":N}; SIGTERM stops it.
import { startInstantAwsBackend } from './instant-aws-backend.js';

const backend = await startInstantAwsBackend();
process.stdout.write(`${JSON.stringify({ sluice: 'ready', port: backend.port })}\n`);
const stop = (): void => {
  void backend.close().then(() => process.exit(0));
  // Keep-alive sockets of a client that is still connected would hold close() open.
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
