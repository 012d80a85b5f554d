import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { visibilityTimeoutSeconds, type Channel } from '../../core/channels/channel-config.js';
import type { JobsTable } from '../../core/jobs/jobs-table.js';
import type { Logger } from '../../core/logging/logger.js';
import type { ProcessorRegistry } from '../processors/processor.js';
import { DEFAULT_CONSUMER_TUNABLES, type ConsumerTunables } from './consumer-tunables.js';
import {
  executeJobMessage,
  type JobMessageDeps,
  type MessageOutcome,
} from './execute-job-message.js';
import { groupRecordsByMessageGroup } from './group-records.js';
import type { JobMetricsSink } from './job-metrics.js';
import { QueueVisibilityTimeout } from './queue-visibility-timeout.js';
import { VisibilityHeartbeat } from './visibility-heartbeat.js';

/** What a consumer handler needs, passed in so tests run it against the emulators. */
export interface ConsumerHandlerDeps {
  table: JobsTable;
  sqs: SQSClient;
  /** The channel whose queue this consumer serves. */
  channel: Channel;
  /** That channel's queue (visibility changes go there). */
  queueUrl: string;
  processors: ProcessorRegistry;
  logger: Logger;
  /** Epoch ms; default `Date.now`. */
  clock?: () => number;
  /** Uniform in [0, 1) for retry jitter; default `Math.random`. */
  random?: () => number;
  tunables?: Partial<ConsumerTunables>;
  /** Where the EMF line of each processor attempt goes (default: nowhere). */
  metrics?: JobMetricsSink;
}

const DROP_METRICS: JobMetricsSink = () => undefined;

/** The part of Lambda's context a consumer reads. */
export type ConsumerInvocationContext = Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>;

/** A consumer: Lambda's SQS handler with partial batch responses. */
export type ConsumerHandler = (
  event: SQSEvent,
  context: ConsumerInvocationContext,
) => Promise<SQSBatchResponse>;

/**
 * Builds the consumer of one channel's FIFO queue. Per invocation it runs the
 * batch's message groups concurrently and each group's messages strictly in
 * order, and answers with a partial batch response that keeps FIFO order:
 * once a message of a group fails, every later message of that group in the
 * batch is returned too, unrun, and made visible at once so it follows the
 * failed one (which keeps the group locked while its retry delay runs).
 * Other groups go on. The messages stay invisible while the invocation works
 * (heartbeat), so no job runs twice at the same time.
 *
 * @example
 * ```ts
 * const handler = createConsumerHandler({ table, sqs, channel, queueUrl, processors: PROCESSORS, logger });
 * const { batchItemFailures } = await handler(event, context);
 * ```
 */
export function createConsumerHandler(deps: ConsumerHandlerDeps): ConsumerHandler {
  const jobDeps: JobMessageDeps = {
    table: deps.table,
    channel: deps.channel,
    processors: deps.processors,
    clock: deps.clock ?? Date.now,
    random: deps.random ?? Math.random,
    tunables: { ...DEFAULT_CONSUMER_TUNABLES, ...deps.tunables },
    logger: deps.logger,
    metrics: deps.metrics ?? DROP_METRICS,
  };
  const queueVisibility = new QueueVisibilityTimeout({
    sqs: deps.sqs,
    queueUrl: deps.queueUrl,
    fallbackSeconds: visibilityTimeoutSeconds(deps.channel),
    logger: deps.logger,
  });

  return async (event, context) => {
    const logger = deps.logger.child({
      awsRequestId: context.awsRequestId,
      channel: deps.channel.name,
    });
    const heartbeat = new VisibilityHeartbeat({
      sqs: deps.sqs,
      queueUrl: deps.queueUrl,
      visibilityTimeoutSeconds: await queueVisibility.seconds(),
      receiptHandles: event.Records.map((record) => record.receiptHandle),
      logger,
    });
    const failedMessageIds: string[] = [];
    const remainingTimeMs = (): number => context.getRemainingTimeInMillis();
    const groupDeps = { ...jobDeps, logger };

    heartbeat.start();
    try {
      await Promise.all(
        [...groupRecordsByMessageGroup(event.Records).values()].map((records) =>
          runGroup(records, { remainingTimeMs, deps: groupDeps, heartbeat, failedMessageIds }),
        ),
      );
    } finally {
      await heartbeat.stop();
    }
    logger.info(
      { messageCount: event.Records.length, failedMessageCount: failedMessageIds.length },
      'batch handled',
    );
    return { batchItemFailures: failedMessageIds.map((id) => ({ itemIdentifier: id })) };
  };
}

interface GroupRun {
  remainingTimeMs: () => number;
  deps: JobMessageDeps;
  heartbeat: VisibilityHeartbeat;
  failedMessageIds: string[];
}

/** Runs one group's messages in order; stops at the first that is not done. */
async function runGroup(records: readonly SQSRecord[], run: GroupRun): Promise<void> {
  for (const [index, record] of records.entries()) {
    let outcome: MessageOutcome;
    try {
      outcome = await executeJobMessage(record, run.remainingTimeMs, run.deps);
    } catch (error) {
      run.deps.logger.error(
        { err: error, messageId: record.messageId },
        'unexpected error handling a message',
      );
      outcome = { kind: 'retry' };
    }
    if (outcome.kind === 'delete') continue;

    const later = records.slice(index + 1);
    run.failedMessageIds.push(record.messageId, ...later.map((r) => r.messageId));
    await run.heartbeat.release(record.receiptHandle, outcome.visibilityTimeoutSeconds);
    // Last first: an SQS that puts a released message back at the head of its
    // group (the emulator does) then keeps the group's order.
    for (const waiting of later.toReversed()) {
      await run.heartbeat.release(waiting.receiptHandle, 0);
    }
    return;
  }
}
