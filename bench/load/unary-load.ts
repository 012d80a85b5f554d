import { randomUUID } from 'node:crypto';
import type { Client } from '@grpc/grpc-js';
import { SubmitJobRequest } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { deserializeBytes, ECHO_UNARY_PATH, serializeBytes } from '../servers/echo-service.js';
import { benchJobRequest } from './bench-job.js';
import { runClosedLoop, warmThenMeasure } from './closed-loop.js';
import { authMetadata } from './bulk-submit-load.js';
import { createJobServiceClient, createRawClient, submitJob } from './grpc-clients.js';
import type { ThroughputResult, UnaryLoadTask } from './load-task.js';

function echoOnce(client: Client, message: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(ECHO_UNARY_PATH, serializeBytes, deserializeBytes, message, (error) => {
      if (error !== null) reject(error);
      else resolve(1);
    });
  });
}

/**
 * Closed-loop unary load: the raw echo service (sent the bytes of a real
 * SubmitJobRequest, so both carry the same message) or the front's SubmitJob.
 *
 * @example
 * ```ts
 * const result = await runUnaryLoad({ kind: 'unary', target: 'submit', address, concurrency: 64, warmupMs: 1000, durationMs: 4000 }, mark);
 * ```
 */
export async function runUnaryLoad(
  task: UnaryLoadTask,
  mark: (name: string) => void,
): Promise<ThroughputResult> {
  let call: (n: number) => Promise<number>;
  let close: () => void;
  if (task.target === 'echo') {
    const client = createRawClient(task.address);
    const message = Buffer.from(SubmitJobRequest.encode(benchJobRequest(0)).finish());
    call = () => echoOnce(client, message);
    close = () => client.close();
  } else {
    const client = createJobServiceClient(task.address);
    const metadata = authMetadata(task.apiKey);
    call = async (n) => {
      const key = task.keyed === true ? randomUUID() : '';
      await submitJob(client, benchJobRequest(n, { idempotencyKey: key }), metadata);
      return 1;
    };
    close = () => client.close();
  }
  try {
    return await warmThenMeasure(mark, task.warmupMs, task.durationMs, (durationMs) =>
      runClosedLoop({ concurrency: task.concurrency, durationMs, call }),
    );
  } finally {
    close();
  }
}
