import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from '../../core/logging/logger.js';

/** SQS's limit of entries in one ChangeMessageVisibilityBatch call. */
const MAX_BATCH_ENTRIES = 10;
const MS_PER_SECOND = 1_000;
/** Beat at this fraction of the visibility timeout, well before it lapses. */
const BEAT_FRACTION = 0.5;

/** Options of a `VisibilityHeartbeat`. */
export interface VisibilityHeartbeatOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** The queue's visibility timeout: each beat extends a message by this much. */
  visibilityTimeoutSeconds: number;
  /** Receipt handles of the invocation's messages, all held from the start. */
  receiptHandles: readonly string[];
  logger: Logger;
}

/**
 * Keeps an invocation's messages invisible while it works on them, so SQS
 * never redelivers a message whose job is still running (a processor never
 * runs twice at the same time) and later messages of a group do not reappear
 * while they wait their turn. Every half visibility timeout it extends every
 * held message. A message leaves the heartbeat when the consumer gives it a
 * visibility of its own (a retry delay, or 0 to come back right after a failed
 * one); messages that succeeded stay held until the invocation ends and the
 * event source deletes them. All visibility changes go through one queue, so
 * a beat can never overwrite a retry delay set after it.
 *
 * Visibility errors are logged, not thrown: a lapsed or unknown receipt
 * handle (the emulator rejects made-up ones) must not fail a job.
 *
 * @example
 * ```ts
 * const heartbeat = new VisibilityHeartbeat({ sqs, queueUrl, visibilityTimeoutSeconds: 180, receiptHandles, logger });
 * heartbeat.start();
 * heartbeat.release(failed.receiptHandle, 4);
 * await heartbeat.stop();
 * ```
 */
export class VisibilityHeartbeat {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  readonly #visibilityTimeoutSeconds: number;
  readonly #logger: Logger;
  readonly #held: Set<string>;
  #chain: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: VisibilityHeartbeatOptions) {
    this.#sqs = options.sqs;
    this.#queueUrl = options.queueUrl;
    this.#visibilityTimeoutSeconds = options.visibilityTimeoutSeconds;
    this.#logger = options.logger;
    this.#held = new Set(options.receiptHandles);
  }

  /** Starts beating every half visibility timeout. */
  start(): void {
    const intervalMs = this.#visibilityTimeoutSeconds * MS_PER_SECOND * BEAT_FRACTION;
    if (intervalMs <= 0 || this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      // Never rejects: #beat logs its own errors.
      void this.#enqueue(() => this.#beat());
    }, intervalMs);
  }

  /**
   * Stops holding a message and, when `visibilityTimeoutSeconds` is given,
   * sets its visibility to that (0: visible now). Resolves once SQS answered.
   */
  release(receiptHandle: string, visibilityTimeoutSeconds?: number): Promise<void> {
    this.#held.delete(receiptHandle);
    if (visibilityTimeoutSeconds === undefined) return this.#chain;
    return this.#enqueue(() => this.#change(receiptHandle, visibilityTimeoutSeconds));
  }

  /** Stops beating and waits for visibility changes in flight. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#chain;
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    this.#chain = this.#chain.then(task);
    return this.#chain;
  }

  async #beat(): Promise<void> {
    const handles = [...this.#held];
    for (let i = 0; i < handles.length; i += MAX_BATCH_ENTRIES) {
      const chunk = handles.slice(i, i + MAX_BATCH_ENTRIES);
      try {
        const response = await this.#sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.#queueUrl,
            Entries: chunk.map((handle, index) => ({
              Id: String(index),
              ReceiptHandle: handle,
              VisibilityTimeout: this.#visibilityTimeoutSeconds,
            })),
          }),
        );
        for (const failure of response.Failed ?? []) {
          this.#logger.warn(
            { code: failure.Code, reason: failure.Message },
            'visibility heartbeat rejected for a message',
          );
        }
      } catch (error) {
        this.#logger.warn({ err: error }, 'visibility heartbeat failed');
      }
    }
  }

  async #change(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    try {
      await this.#sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.#queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: visibilityTimeoutSeconds,
        }),
      );
    } catch (error) {
      this.#logger.warn({ err: error, visibilityTimeoutSeconds }, 'visibility change failed');
    }
  }
}
