import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { decodeEnvelope, type MessageEnvelope } from '../../core/envelope/message-envelope.js';
import { queueDepth } from './queue-depth.js';

/** SQS's limit of messages per receive and entries per batch call. */
const MAX_BATCH = 10;
/** Receivers working at once: the emulator answers one message per group per receive. */
const DEFAULT_RECEIVERS = 4;

/** A drained message: its envelope and where the queue put it. */
export interface DrainedMessage {
  envelope: MessageEnvelope;
  /** The FIFO sequence number (increasing in queue order within a group). */
  sequenceNumber: string;
}

/** Options of `drainQueue`. */
export interface DrainOptions {
  /** Concurrent receive-and-delete loops (default 4). */
  receivers?: number;
}

async function receiveAndDelete(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: MAX_BATCH,
      MessageSystemAttributeNames: ['SequenceNumber'],
    }),
  );
  if (Messages.length > 0) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
  return Messages;
}

/**
 * Receives and deletes every message of a queue nobody else consumes, and
 * returns them with their sequence numbers: what "every acknowledged job has
 * its message" and "a group's messages are queued in submit order" check. Ends when a receive comes back empty and the queue holds nothing,
 * visible or in flight.
 *
 * @example
 * ```ts
 * const drained = await drainQueue(sqs, queueUrl);
 * const enqueued = new Set(drained.map((message) => message.envelope.jobId));
 * ```
 */
export async function drainQueue(
  sqs: SQSClient,
  queueUrl: string,
  options: DrainOptions = {},
): Promise<DrainedMessage[]> {
  const drained: DrainedMessage[] = [];
  const receiver = async (): Promise<void> => {
    for (;;) {
      const messages = await receiveAndDelete(sqs, queueUrl);
      for (const message of messages) {
        drained.push({
          envelope: decodeEnvelope(message.Body ?? ''),
          sequenceNumber: message.Attributes?.SequenceNumber ?? '',
        });
      }
      if (messages.length === 0 && (await queueDepth(sqs, queueUrl)) === 0) return;
    }
  };
  await Promise.all(
    Array.from({ length: options.receivers ?? DEFAULT_RECEIVERS }, () => receiver()),
  );
  return drained;
}
