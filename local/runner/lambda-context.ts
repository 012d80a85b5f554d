import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** The account id in ARNs when the queue's ARN does not tell (it always does on AWS). */
const FALLBACK_ACCOUNT_ID = '000000000000';

/** What a local invocation context is made of. */
export interface LambdaContextOptions {
  functionName: string;
  region: string;
  /** The account id that owns the function, e.g. the one in the queue's ARN. */
  accountId?: string;
  memoryMb: number;
  /** The function's timeout: `getRemainingTimeInMillis` counts down from it. */
  timeoutMs: number;
  clock: () => number;
}

function unsupported(name: string): () => never {
  return () => {
    throw new Error(`context.${name}() is deprecated and not supported by the local runner`);
  };
}

/**
 * A Lambda `Context` for one local invocation: a fresh request id and a
 * remaining time that counts down from the function's timeout, as Lambda's
 * does, so handlers compute their deadlines exactly as they would on AWS.
 *
 * @example
 * ```ts
 * const context = createLambdaContext({ functionName: 'sluice-default-consumer', region: 'us-east-1', memoryMb: 512, timeoutMs: 30_000, clock: Date.now });
 * context.getRemainingTimeInMillis(); // ≈ 30000
 * ```
 */
export function createLambdaContext(options: LambdaContextOptions): Context {
  const deadline = options.clock() + options.timeoutMs;
  const accountId = options.accountId ?? FALLBACK_ACCOUNT_ID;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${options.region}:${accountId}:function:${options.functionName}`,
    memoryLimitInMB: String(options.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `local/${options.functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - options.clock()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
