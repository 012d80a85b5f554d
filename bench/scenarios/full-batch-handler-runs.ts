import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { pino } from 'pino';
import { visibilityTimeoutSeconds } from '../../core/channels/channel-config.js';
import { encodeEnvelope, type MessageEnvelope } from '../../core/envelope/message-envelope.js';
import { createJobIdGenerator } from '../../core/jobs/job-ids.js';
import { jobRecordFromEnvelope } from '../../core/jobs/job-record-from-envelope.js';
import { createConsumerHandler } from '../../functions/consumer/create-consumer-handler.js';
import { PROCESSORS } from '../../functions/processors/processor-registry.js';
import { buildSqsEvent } from '../../local/runner/build-sqs-event.js';
import { createLambdaContext } from '../../local/runner/lambda-context.js';
import type { HandlerRuns } from '../cost/cost-model.js';
import type { BenchSystem } from '../system/bench-system.js';
import { benchJobRequest } from '../load/bench-job.js';

/** The side queue the full batches go through: no runner polls it. */
const QUEUE_NAME = 'sluice-bench-full-batch.fifo';
/** Messages of one batch: Lambda's and SQS's maximum, what a saturated mapping hands over. */
const BATCH_SIZE = 10;
/** How long a receive may wait for the batch's messages. */
const RECEIVE_WAIT_SECONDS = 1;
const MS_PER_SECOND = 1000;

/** What `measureFullBatchRuns` timed. */
export interface FullBatchRuns extends HandlerRuns {
  /** Messages the timed invocations handled. */
  messages: number;
}

/** Receives exactly `count` messages (one per group, as FIFO queues hand them out). */
async function receiveAll(sqs: SQSClient, queueUrl: string, count: number): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < count) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: count - messages.length,
        WaitTimeSeconds: RECEIVE_WAIT_SECONDS,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) throw new Error('a full batch did not arrive on the side queue');
    messages.push(...Messages);
  }
  return messages;
}

/**
 * Times the real consumer handler on full batches — ten `echo` jobs of ten
 * groups, sent and recorded as the front does — one invocation at a time,
 * while nothing else loads the emulators. At saturation the handler's run is
 * mostly the DynamoDB emulator's queue (its writes wait behind every other
 * job's); this is what the same batch takes when the table answers at its
 * unloaded latency, as DynamoDB on demand does at any rate. The bench prices
 * the saturated run both ways.
 *
 * @example
 * ```ts
 * const runs = await measureFullBatchRuns(bench, 20);
 * const msPerInvocation = runs.billedDurationMs / runs.invocations;
 * ```
 */
export async function measureFullBatchRuns(
  bench: BenchSystem,
  invocations: number,
): Promise<FullBatchRuns> {
  const { runtime } = bench;
  const { sqs } = runtime.clients;
  const queues = runtime.queues.get('default');
  if (queues === undefined) throw new Error('the default channel has no queue');
  const { channel } = queues;
  const { QueueUrl: queueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: QUEUE_NAME,
      Attributes: {
        FifoQueue: 'true',
        VisibilityTimeout: String(visibilityTimeoutSeconds(channel)),
      },
    }),
  );
  if (queueUrl === undefined) throw new Error('the side queue was not created');
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = Attributes?.QueueArn ?? '';
  const handler = createConsumerHandler({
    table: runtime.table,
    sqs,
    channel,
    queueUrl,
    processors: PROCESSORS,
    logger: pino({ level: 'silent' }),
  });
  const nextJobId = createJobIdGenerator();
  const runs: FullBatchRuns = { invocations: 0, billedDurationMs: 0, messages: 0 };
  for (let n = 0; n < invocations; n++) {
    const envelopes = Array.from({ length: BATCH_SIZE }, (_, i): MessageEnvelope => {
      const request = benchJobRequest(n * BATCH_SIZE + i);
      return {
        jobId: nextJobId(),
        tenant: 'default',
        channel: channel.name,
        type: request.type,
        payload: request.payload,
        contentType: request.contentType,
        groupKey: '',
        idempotencyKey: '',
        attributes: {},
        submitToken: `full-batch-${n}-${i}`,
        createdAt: Date.now(),
      };
    });
    const { Successful = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: envelopes.map((envelope) => ({
          Id: envelope.jobId,
          MessageBody: encodeEnvelope(envelope),
          MessageGroupId: envelope.jobId,
          MessageDeduplicationId: envelope.jobId,
        })),
      }),
    );
    const sequenceNumbers = new Map(Successful.map((entry) => [entry.Id, entry.SequenceNumber]));
    await Promise.all(
      envelopes.map((envelope) =>
        runtime.table.create(
          jobRecordFromEnvelope(envelope, {
            sequenceNumber: sequenceNumbers.get(envelope.jobId) ?? '',
            now: Date.now(),
          }),
        ),
      ),
    );
    const messages = await receiveAll(sqs, queueUrl, BATCH_SIZE);
    const event = buildSqsEvent(messages, { queueArn, region: runtime.aws.region });
    const context = createLambdaContext({
      functionName: `sluice-${channel.name}-consumer`,
      region: runtime.aws.region,
      memoryMb: channel.memoryMb,
      timeoutMs: channel.timeoutSeconds * MS_PER_SECOND,
      clock: Date.now,
    });
    const startedAt = performance.now();
    const { batchItemFailures } = await handler(event, context);
    // As the runner bills it: the handler's run, rounded up to the millisecond.
    runs.billedDurationMs += Math.ceil(performance.now() - startedAt);
    runs.invocations += 1;
    runs.messages += messages.length;
    if (batchItemFailures.length > 0) {
      throw new Error(`${batchItemFailures.length} echo jobs of a full batch failed`);
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, i) => ({
          Id: String(i),
          ReceiptHandle: message.ReceiptHandle ?? '',
        })),
      }),
    );
  }
  return runs;
}
