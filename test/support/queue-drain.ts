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

/** Options of `drainQueue`. */
export interface DrainOptions {
  /** Concurrent receive-and-delete loops (default 4). */
  receivers?: number;
}

async function receiveAndDelete(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: MAX_BATCH }),
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
 * returns their envelopes: what "every acknowledged job has its message"
 * checks. Ends when a receive comes back empty and the queue holds nothing,
 * visible or in flight.
 *
 * @example
 * ```ts
 * const envelopes = await drainQueue(sqs, queueUrl);
 * const enqueued = new Set(envelopes.map((e) => e.jobId));
 * ```
 */
export async function drainQueue(
  sqs: SQSClient,
  queueUrl: string,
  options: DrainOptions = {},
): Promise<MessageEnvelope[]> {
  const envelopes: MessageEnvelope[] = [];
  const receiver = async (): Promise<void> => {
    for (;;) {
      const messages = await receiveAndDelete(sqs, queueUrl);
      for (const message of messages) envelopes.push(decodeEnvelope(message.Body ?? ''));
      if (messages.length === 0 && (await queueDepth(sqs, queueUrl)) === 0) return;
    }
  };
  await Promise.all(
    Array.from({ length: options.receivers ?? DEFAULT_RECEIVERS }, () => receiver()),
  );
  return envelopes;
}
