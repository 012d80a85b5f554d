import { setTimeout as delay } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import type { Logger } from '../../core/logging/logger.js';
import { readBatchResponse } from './batch-item-failures.js';
import { buildSqsEvent } from './build-sqs-event.js';
import type { EventSourceMetrics } from './event-source-metrics.js';
import { createLambdaContext } from './lambda-context.js';
import type { PollerPool } from './poller-pool.js';

/** Pause after a failed ReceiveMessage before the next, so a dead endpoint is not hammered. */
const RECEIVE_ERROR_PAUSE_MS = 1_000;
/** SQS's limit of entries in one batch call. */
const MAX_BATCH_ENTRIES = 10;

/**
 * A handler the runner invokes, typed as Lambda sees it: it may return
 * anything, and the runner judges the answer as the event source mapping
 * would (see `readBatchResponse`).
 */
export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<unknown>;

/** Everything one poller needs. */
export interface QueuePollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  handler: SqsBatchHandler;
  /** MaxNumberOfMessages per receive (the mapping's batch size, ≤ 10). */
  batchSize: number;
  /** Long-poll wait: short, so `stop` is prompt. */
  waitTimeSeconds: number;
  /** The function's timeout: the context counts down from it; past it the batch fails. */
  timeoutMs: number;
  functionName: string;
  memoryMb: number;
  clock: () => number;
  /** Aborted when the runner stops. */
  stopSignal: AbortSignal;
  metrics: EventSourceMetrics;
  /** The event source's pollers, which share one idle long poll. */
  pool: PollerPool;
  /** Start parked: the pool wakes this poller when work needs it. */
  startParked: boolean;
  logger: Logger;
}

const TIMED_OUT = Symbol('timed out');

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += MAX_BATCH_ENTRIES) {
    result.push(items.slice(i, i + MAX_BATCH_ENTRIES));
  }
  return result;
}

/**
 * One concurrent "instance" of an event source mapping: long-polls the queue
 * until the runner stops; for every non-empty receive it invokes the handler
 * with a real `SQSEvent` and deletes the messages the handler did not report
 * as failed. A handler that throws, times out or answers with an invalid
 * response fails the whole batch (nothing is deleted), as on Lambda. An
 * invocation in progress when the runner stops is finished first. Pollers
 * of one source share a `PollerPool`: while the queue is idle only one of
 * them waits on a receive, the others are parked until work needs them.
 *
 * @example
 * ```ts
 * const pool = new PollerPool(stopSignal);
 * const done = runQueuePoller({ sqs, queueUrl, queueArn, region, handler, batchSize: 10, waitTimeSeconds: 1, timeoutMs: 30_000, functionName, memoryMb: 512, clock: Date.now, stopSignal, metrics, pool, startParked: false, logger });
 * controller.abort(); await done;
 * ```
 */
export async function runQueuePoller(options: QueuePollerOptions): Promise<void> {
  const { pool } = options;
  if (options.startParked) await pool.park();
  while (!options.stopSignal.aborted) {
    let messages: Message[];
    pool.beforeReceive();
    try {
      messages = await receive(options);
    } catch (error) {
      options.metrics.sqsErrorCount += 1;
      options.logger.warn({ err: error }, 'ReceiveMessage failed');
      const next = pool.afterReceive(0);
      await delay(RECEIVE_ERROR_PAUSE_MS, undefined, { signal: options.stopSignal }).catch(
        () => undefined,
      );
      if (next === 'park') await pool.park();
      continue;
    }
    options.metrics.receiveCount += 1;
    if (pool.afterReceive(messages.length) === 'park') {
      await pool.park();
      continue;
    }
    if (messages.length === 0) continue;
    options.metrics.receivedMessageCount += messages.length;
    if (options.stopSignal.aborted) {
      await release(messages, options);
      return;
    }
    await invoke(messages, options);
    if (pool.afterInvoke() === 'park') await pool.park();
  }
}

async function receive(options: QueuePollerOptions): Promise<Message[]> {
  const { Messages } = await options.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: options.batchSize,
      WaitTimeSeconds: options.waitTimeSeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages ?? [];
}

/** Invokes the handler with one batch and settles the batch by its answer. */
async function invoke(messages: readonly Message[], options: QueuePollerOptions): Promise<void> {
  const event = buildSqsEvent(
    messages,
    { queueArn: options.queueArn, region: options.region },
    options.clock(),
  );
  const context = createLambdaContext({
    functionName: options.functionName,
    region: options.region,
    accountId: options.queueArn.split(':')[4],
    memoryMb: options.memoryMb,
    timeoutMs: options.timeoutMs,
    clock: options.clock,
  });
  const logger = options.logger.child({ awsRequestId: context.awsRequestId });
  options.metrics.invocationCount += 1;

  let timer: NodeJS.Timeout | undefined;
  const startedAt = performance.now();
  const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, options.timeoutMs, TIMED_OUT);
  });
  const settled = await Promise.race([
    Promise.resolve()
      .then(() => options.handler(event, context))
      .then(
        (response) => ({ response }),
        (error: unknown) => ({ error }),
      ),
    timedOut,
  ]);
  clearTimeout(timer);
  // Lambda bills the handler's run, rounded up to the millisecond — not the receive or delete.
  options.metrics.billedDurationMs += Math.ceil(
    settled === TIMED_OUT ? options.timeoutMs : performance.now() - startedAt,
  );

  const ids = event.Records.map((record) => record.messageId);
  let failed: ReadonlySet<string>;
  if (settled === TIMED_OUT) {
    options.metrics.timedOutInvocationCount += 1;
    options.metrics.failedInvocationCount += 1;
    logger.error({ timeoutMs: options.timeoutMs }, 'invocation timed out; batch failed');
    failed = new Set(ids);
  } else if ('error' in settled) {
    options.metrics.failedInvocationCount += 1;
    logger.error({ err: settled.error }, 'handler threw; batch failed');
    failed = new Set(ids);
  } else {
    const verdict = readBatchResponse(settled.response, ids);
    if (verdict.kind === 'invalid') {
      options.metrics.failedInvocationCount += 1;
      logger.error({ reason: verdict.reason }, 'invalid batch response; batch failed');
      failed = new Set(ids);
    } else {
      failed = verdict.failedMessageIds;
    }
  }
  options.metrics.failedMessageCount += failed.size;
  await deleteSucceeded(
    event.Records.filter((record) => !failed.has(record.messageId)).map((record) => ({
      id: record.messageId,
      receiptHandle: record.receiptHandle,
    })),
    options,
  );
}

async function deleteSucceeded(
  entries: readonly { id: string; receiptHandle: string }[],
  options: QueuePollerOptions,
): Promise<void> {
  for (const chunk of chunks(entries)) {
    try {
      const response = await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: chunk.map((entry, index) => ({
            Id: String(index),
            ReceiptHandle: entry.receiptHandle,
          })),
        }),
      );
      const failedCount = response.Failed?.length ?? 0;
      options.metrics.deletedMessageCount += chunk.length - failedCount;
      for (const failure of response.Failed ?? []) {
        options.metrics.sqsErrorCount += 1;
        options.logger.warn(
          { code: failure.Code, reason: failure.Message },
          'message not deleted; it will be redelivered',
        );
      }
    } catch (error) {
      options.metrics.sqsErrorCount += 1;
      options.logger.warn(
        { err: error },
        'DeleteMessageBatch failed; messages will be redelivered',
      );
    }
  }
}

/** Hands messages received while stopping straight back to the queue. */
async function release(messages: readonly Message[], options: QueuePollerOptions): Promise<void> {
  // Last first, so a queue that puts a released message at its group's head keeps the order.
  const handles = messages.map((message) => message.ReceiptHandle ?? '').toReversed();
  for (const chunk of chunks(handles)) {
    try {
      await options.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: chunk.map((handle, index) => ({
            Id: String(index),
            ReceiptHandle: handle,
            VisibilityTimeout: 0,
          })),
        }),
      );
      options.metrics.releasedMessageCount += chunk.length;
    } catch (error) {
      options.metrics.sqsErrorCount += 1;
      options.logger.warn({ err: error }, 'could not release messages received while stopping');
    }
  }
}
