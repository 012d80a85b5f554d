// The AWS proxy with the bench's call counting, as its own process, so counting costs the
// measured processes nothing. Env: BENCH_SQS_UPSTREAM, BENCH_DYNAMO_UPSTREAM (emulator URLs).
// Prints {"sluice":"ready","port":N}; the counts are at REPORT_PATH (`observed`).
import { z } from 'zod';
import { startAwsProxy } from '../../local/aws-proxy/aws-proxy.js';
import { CallCountingObserver } from './call-counting-observer.js';

const env = z
  .object({ BENCH_SQS_UPSTREAM: z.url(), BENCH_DYNAMO_UPSTREAM: z.url() })
  .parse(process.env);
const proxy = await startAwsProxy({
  sqs: env.BENCH_SQS_UPSTREAM,
  dynamodb: env.BENCH_DYNAMO_UPSTREAM,
  observer: new CallCountingObserver(),
});
const port = Number(new URL(proxy.endpoint).port);
process.stdout.write(`${JSON.stringify({ sluice: 'ready', port })}\n`);
const stop = (): void => {
  proxy.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
