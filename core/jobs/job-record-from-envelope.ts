import type { MessageEnvelope } from '../envelope/message-envelope.js';
import { traceIdOf } from '../telemetry/trace-context.js';
import type { JobRecord } from './job.js';

/**
 * The first record of a job, built from its message envelope: what the front
 * writes after SQS accepted the message, and what a consumer writes when the
 * message arrived before the record (the front died or was slower).
 *
 * @example
 * ```ts
 * await table.create(jobRecordFromEnvelope(envelope, { sequenceNumber, now: Date.now() }));
 * ```
 */
export function jobRecordFromEnvelope(
  envelope: MessageEnvelope,
  options: { sequenceNumber: string; now: number },
): JobRecord {
  const traceId = traceIdOf(envelope.traceparent);
  return {
    tenant: envelope.tenant,
    jobId: envelope.jobId,
    channel: envelope.channel,
    type: envelope.type,
    state: 'QUEUED',
    version: 1,
    attempts: 0,
    groupKey: envelope.groupKey,
    idempotencyKey: envelope.idempotencyKey,
    attributes: envelope.attributes,
    contentType: envelope.contentType,
    sequenceNumber: options.sequenceNumber,
    submitToken: envelope.submitToken,
    ...(traceId === '' ? {} : { traceId }),
    transitions: [{ state: 'QUEUED', version: 1, at: envelope.createdAt }],
    createdAt: envelope.createdAt,
    updatedAt: options.now,
    ...(envelope.retryOf === undefined ? {} : { retryOf: envelope.retryOf }),
  };
}
