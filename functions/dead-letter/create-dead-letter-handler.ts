import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Channel } from '../../core/channels/channel-config.js';
import { jobErrorLogFields, type JobError } from '../../core/jobs/job.js';
import type { JobsTable } from '../../core/jobs/jobs-table.js';
import { isTerminal } from '../../core/jobs/state-machine.js';
import type { Logger } from '../../core/logging/logger.js';
import { decodeJobMessage } from '../shared/decode-job-message.js';
import { ensureJobRecord } from '../shared/ensure-job-record.js';
import { RPC_CODE } from '../shared/rpc-codes.js';

/** What a dead-letter handler needs, passed in so tests run it against the emulators. */
export interface DeadLetterHandlerDeps {
  table: JobsTable;
  /** The channel whose dead-letter queue this handler drains. */
  channel: Channel;
  logger: Logger;
  /** Epoch ms; default `Date.now`. */
  clock?: () => number;
}

/** The part of Lambda's context a dead-letter handler reads. */
export type DeadLetterInvocationContext = Pick<Context, 'awsRequestId'>;

/** A dead-letter handler: Lambda's SQS handler with partial batch responses. */
export type DeadLetterHandler = (
  event: SQSEvent,
  context: DeadLetterInvocationContext,
) => Promise<SQSBatchResponse>;

/**
 * The error recorded on a dead-lettered job that has none of its own (its
 * attempts crashed rather than failed, or it never ran).
 */
function exhaustedReceivesError(channel: Channel): JobError {
  return {
    code: RPC_CODE.ABORTED,
    message: `dead-lettered: the message exhausted the channel's maxReceiveCount (${channel.maxReceiveCount}) without an outcome`,
  };
}

/**
 * Builds the handler of one channel's FIFO dead-letter queue. SQS moves a
 * message there after `maxReceiveCount` receives; this handler makes its job
 * DEAD_LETTERED (creating the record first if the front never wrote it),
 * keeping the last error a transient failure recorded, so watchers see an
 * outcome instead of a job QUEUED forever. Jobs that already ended are left
 * alone. Only infrastructure errors are reported as batch item failures.
 *
 * @example
 * ```ts
 * const handler = createDeadLetterHandler({ table, channel, logger });
 * await handler(event, context);
 * ```
 */
export function createDeadLetterHandler(deps: DeadLetterHandlerDeps): DeadLetterHandler {
  const clock = deps.clock ?? Date.now;
  const fallbackError = exhaustedReceivesError(deps.channel);

  const deadLetter = async (record: SQSRecord, logger: Logger): Promise<boolean> => {
    const envelope = decodeJobMessage(record, logger);
    // Poison: there is no job to record; keeping it would only redeliver it forever.
    if (envelope === undefined) return true;
    const jobLogger = logger.child({
      jobId: envelope.jobId,
      tenant: envelope.tenant,
      type: envelope.type,
      messageId: record.messageId,
    });
    try {
      const current = await ensureJobRecord(deps.table, envelope, {
        sequenceNumber: record.attributes.SequenceNumber ?? '',
        now: clock(),
      });
      const key = { tenant: envelope.tenant, jobId: envelope.jobId };
      if (isTerminal(current.state)) {
        // A job cancelled while its message was in flight: keep its payload for RetryJob.
        if (current.state === 'CANCELLED' && current.payload === undefined) {
          await deps.table.keepCancelledPayload(key, envelope.payload);
        }
        jobLogger.info({ state: current.state }, 'dead-lettered message of an ended job dropped');
        return true;
      }
      const updated = await deps.table.markDeadLettered(key, fallbackError, envelope.payload);
      if (updated === undefined) {
        jobLogger.info('job ended before it could be dead-lettered');
      } else {
        jobLogger.warn(
          {
            attempts: updated.attempts,
            error: updated.error === undefined ? undefined : jobErrorLogFields(updated.error),
          },
          'job dead-lettered',
        );
      }
      return true;
    } catch (error) {
      jobLogger.error({ err: error }, 'could not dead-letter the job; message will be redelivered');
      return false;
    }
  };

  return async (event, context) => {
    const logger = deps.logger.child({
      awsRequestId: context.awsRequestId,
      channel: deps.channel.name,
    });
    const handled = await Promise.all(event.Records.map((record) => deadLetter(record, logger)));
    const failures = event.Records.filter((_, index) => handled[index] !== true);
    return { batchItemFailures: failures.map((record) => ({ itemIdentifier: record.messageId })) };
  };
}
