import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '../../core/logging/logger.js';

/** Options of a `QueueVisibilityTimeout`. */
export interface QueueVisibilityTimeoutOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** Used while the queue cannot be asked: the channel's configured value. */
  fallbackSeconds: number;
  logger: Logger;
}

/**
 * The queue's visibility timeout, read once (GetQueueAttributes) and cached
 * for the life of the function instance: the heartbeat's period depends on
 * it, and it is whatever the queue says, not what the config hoped for. A
 * failed read falls back to the configured value and is tried again on the
 * next invocation.
 *
 * @example
 * ```ts
 * const visibility = new QueueVisibilityTimeout({ sqs, queueUrl, fallbackSeconds: 180, logger });
 * const seconds = await visibility.seconds();
 * ```
 */
export class QueueVisibilityTimeout {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  readonly #fallbackSeconds: number;
  readonly #logger: Logger;
  #cached: number | undefined;

  constructor(options: QueueVisibilityTimeoutOptions) {
    this.#sqs = options.sqs;
    this.#queueUrl = options.queueUrl;
    this.#fallbackSeconds = options.fallbackSeconds;
    this.#logger = options.logger;
  }

  /** The visibility timeout in seconds. Never throws. */
  async seconds(): Promise<number> {
    if (this.#cached !== undefined) return this.#cached;
    try {
      const { Attributes } = await this.#sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: this.#queueUrl,
          AttributeNames: ['VisibilityTimeout'],
        }),
      );
      const seconds = Number(Attributes?.VisibilityTimeout);
      if (!Number.isInteger(seconds) || seconds < 0) {
        throw new TypeError(
          `unexpected VisibilityTimeout "${String(Attributes?.VisibilityTimeout)}"`,
        );
      }
      this.#cached = seconds;
      return seconds;
    } catch (error) {
      this.#logger.warn(
        { err: error, fallbackSeconds: this.#fallbackSeconds },
        'could not read the queue visibility timeout; using the configured one',
      );
      return this.#fallbackSeconds;
    }
  }
}
