import type { SQSRecord } from 'aws-lambda';
import { decodeEnvelope, type MessageEnvelope } from '../../core/envelope/message-envelope.js';
import type { Logger } from '../../core/logging/logger.js';

/**
 * Decodes a job's envelope from an SQS record, or returns `undefined` for a
 * malformed body after logging it (its id and size only, never its content).
 * A malformed message can never succeed, so callers treat it as poison:
 * they let it be deleted rather than have it block its group until it is
 * dead-lettered.
 *
 * @example
 * ```ts
 * const envelope = decodeJobMessage(record, logger);
 * if (envelope === undefined) return 'delete';
 * ```
 */
export function decodeJobMessage(record: SQSRecord, logger: Logger): MessageEnvelope | undefined {
  try {
    return decodeEnvelope(record.body);
  } catch (error) {
    logger.error(
      {
        messageId: record.messageId,
        messageGroupId: record.attributes.MessageGroupId,
        bodyLength: record.body.length,
        reason: error instanceof Error ? error.name : typeof error,
      },
      'malformed job message dropped (poison message)',
    );
    return undefined;
  }
}
