import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lazily, loadChannelEnvironment } from '../shared/channel-environment.js';
import { createDeadLetterHandler, type DeadLetterHandler } from './create-dead-letter-handler.js';

const deadLetter = lazily(
  (): Promise<DeadLetterHandler> =>
    new Promise((resolve) => {
      const { channel, table, logger } = loadChannelEnvironment(process.env, 'dead-letter');
      resolve(createDeadLetterHandler({ table, channel, logger }));
    }),
);

/**
 * The dead-letter Lambda of the channel named by `SLUICE_CHANNEL`, for its
 * FIFO DLQ's event source mapping with `ReportBatchItemFailures`. It needs no
 * queue URL (it only writes records); its dependencies are built on the first
 * invocation and kept for the instance's life.
 *
 * @example
 * ```ts
 * // infra: new NodejsFunction(this, 'DeadLetter', { entry: 'functions/dead-letter/handler.ts', handler: 'handler' });
 * ```
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  (await deadLetter())(event, context);
