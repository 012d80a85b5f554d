import type { SQSRecord } from 'aws-lambda';
import type { Channel } from '../../core/channels/channel-config.js';
import type { MessageEnvelope } from '../../core/envelope/message-envelope.js';
import { inProcessSpan } from '../../core/telemetry/messaging-spans.js';
import { traceIdOf } from '../../core/telemetry/trace-context.js';
import { jobErrorLogFields, type JobKey, type JobRecord } from '../../core/jobs/job.js';
import type { JobsTable } from '../../core/jobs/jobs-table.js';
import { isTerminal } from '../../core/jobs/state-machine.js';
import type { Logger } from '../../core/logging/logger.js';
import type { ProcessorRegistry } from '../processors/processor.js';
import { decodeJobMessage } from '../shared/decode-job-message.js';
import { RPC_CODE } from '../shared/rpc-codes.js';
import { claimJob } from './claim-job.js';
import type { ConsumerTunables } from './consumer-tunables.js';
import { jobAttemptLine, type JobMetricsSink, type JobOutcome } from './job-metrics.js';
import { ProgressReporter } from './progress-reporter.js';
import { retryDelaySeconds } from './retry-delay.js';
import { runProcessor, type ProcessorResult } from './run-processor.js';

/** Tries at recording an outcome when our own unseen progress write moved the version. */
const MAX_OUTCOME_ROUNDS = 3;

/** What the consumer does with a message once its job was handled. */
export type MessageOutcome =
  /** Done (or never runnable): the event source deletes the message. */
  | { kind: 'delete' }
  /**
   * Reported in `batchItemFailures`, so SQS delivers it again. With a
   * visibility timeout, the message becomes visible after that many seconds;
   * without, its visibility is left as it is.
   */
  | { kind: 'retry'; visibilityTimeoutSeconds?: number };

/** What executing one message needs: the consumer's dependencies, resolved. */
export interface JobMessageDeps {
  table: JobsTable;
  channel: Channel;
  processors: ProcessorRegistry;
  clock: () => number;
  random: () => number;
  tunables: ConsumerTunables;
  logger: Logger;
  /** Receives one EMF line per processor attempt. */
  metrics: JobMetricsSink;
}

/** The `outcome` dimension of each kind of processor result. */
const OUTCOME_OF_RESULT: Record<ProcessorResult['kind'], JobOutcome> = {
  succeeded: 'succeeded',
  failed: 'failed',
  transient: 'retried',
};

const DELETE: MessageOutcome = { kind: 'delete' };

function receiveCount(record: SQSRecord): number {
  const count = Number(record.attributes.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

/**
 * The retry of a message: after the backoff for `attempt`, or at once when
 * SQS will dead-letter it at its next receive anyway (holding the group
 * longer would gain nothing).
 */
function retryAfter(record: SQSRecord, attempt: number, deps: JobMessageDeps): MessageOutcome {
  if (receiveCount(record) >= deps.channel.maxReceiveCount) {
    return { kind: 'retry', visibilityTimeoutSeconds: 0 };
  }
  return {
    kind: 'retry',
    visibilityTimeoutSeconds: retryDelaySeconds(attempt, {
      baseDelayMs: deps.tunables.retryBaseDelayMs,
      maxDelaySeconds: deps.channel.maxRetryDelaySeconds,
      random: deps.random,
    }),
  };
}

/**
 * Handles one job message the way DESIGN.md's consumer does: decode (poison →
 * delete), claim the job (create its record if the front has not yet, skip a
 * terminal job, QUEUED/RUNNING → RUNNING), run its processor against a
 * deadline from the invocation's remaining time, and record SUCCEEDED,
 * FAILED or — for a transient failure — QUEUED with the error and a backoff.
 * Never throws: an infrastructure error becomes a retry, and the RUNNING
 * record it may leave is taken over by the redelivered message.
 *
 * @example
 * ```ts
 * const outcome = await executeJobMessage(record, () => context.getRemainingTimeInMillis(), deps);
 * if (outcome.kind === 'retry') failures.push(record.messageId);
 * ```
 */
export async function executeJobMessage(
  record: SQSRecord,
  remainingTimeMs: () => number,
  deps: JobMessageDeps,
): Promise<MessageOutcome> {
  const envelope = decodeJobMessage(record, deps.logger);
  // Poison: a body that cannot be decoded now never will be; reporting it as
  // failed would only hold its group until SQS dead-letters it.
  if (envelope === undefined) return DELETE;
  const fields = { channel: deps.channel.name, jobId: envelope.jobId, type: envelope.type };
  return inProcessSpan({ ...fields, traceparent: envelope.traceparent }, () =>
    executeJob(record, envelope, remainingTimeMs, deps),
  );
}

/** Claims, runs and records one decoded job (inside its processing span). */
async function executeJob(
  record: SQSRecord,
  envelope: MessageEnvelope,
  remainingTimeMs: () => number,
  deps: JobMessageDeps,
): Promise<MessageOutcome> {
  const logger = deps.logger.child({
    jobId: envelope.jobId,
    tenant: envelope.tenant,
    type: envelope.type,
    messageId: record.messageId,
  });
  const budgetMs = remainingTimeMs() - deps.tunables.deadlineSafetyMarginMs;
  if (budgetMs < deps.tunables.minimumAttemptMs) {
    logger.warn({ budgetMs }, 'too little time left to start the job; message returned');
    return { kind: 'retry', visibilityTimeoutSeconds: 0 };
  }

  let claim;
  try {
    claim = await claimJob({
      table: deps.table,
      envelope,
      sequenceNumber: record.attributes.SequenceNumber ?? '',
      clock: deps.clock,
      logger,
    });
  } catch (error) {
    logger.error({ err: error }, 'could not claim the job; message will be redelivered');
    return retryAfter(record, receiveCount(record), deps);
  }
  if (claim.kind === 'terminal') {
    logger.info({ state: claim.record.state }, 'job already ended; redelivered message dropped');
    return keepCancelledPayload(deps.table, claim.record, envelope, record, deps, logger);
  }
  if (claim.kind === 'contended') {
    logger.warn('job kept changing under the claim; message will be redelivered');
    return retryAfter(record, receiveCount(record), deps);
  }

  const running = claim.record;
  const key = { tenant: envelope.tenant, jobId: envelope.jobId };
  const progress = new ProgressReporter({
    table: deps.table,
    key,
    version: running.version,
    intervalMs: deps.tunables.progressIntervalMs,
    clock: deps.clock,
    logger,
  });
  const startedAt = deps.clock();
  const processor = deps.processors.get(envelope.type);
  logger.info({ attempt: running.attempts }, 'job started');
  const result: ProcessorResult =
    processor === undefined
      ? {
          kind: 'failed',
          error: {
            code: RPC_CODE.UNIMPLEMENTED,
            message: `no processor for job type "${envelope.type}"`,
          },
        }
      : await runProcessor({
          processor,
          envelope,
          attempt: running.attempts,
          deadline: startedAt + budgetMs,
          clock: deps.clock,
          reportProgress: (fraction, message) => progress.report(fraction, message),
          logger,
        });
  const version = await progress.close();
  const durationMs = deps.clock() - startedAt;
  deps.metrics(
    jobAttemptLine({
      channel: deps.channel.name,
      outcome: OUTCOME_OF_RESULT[result.kind],
      jobId: envelope.jobId,
      traceId: traceIdOf(envelope.traceparent),
      acceptedAt: envelope.createdAt,
      startedAt,
      runTimeMs: durationMs,
      attempt: running.attempts,
    }),
  );
  return recordOutcome({
    record,
    key,
    running,
    version,
    result,
    durationMs,
    deps,
    logger,
    payload: envelope.payload,
  });
}

interface OutcomeInputs {
  /** Kept on the record if the job fails (for RetryJob). */
  payload: Uint8Array;
  record: SQSRecord;
  key: JobKey;
  running: JobRecord;
  version: number;
  result: ProcessorResult;
  durationMs: number;
  deps: JobMessageDeps;
  logger: Logger;
}

/**
 * The message of a CANCELLED job leaves the queue here, and with it the
 * only copy of the payload: it is kept on the record for RetryJob (the
 * front cancels without it). A failure to keep it returns the message, so
 * the payload is not lost.
 */
async function keepCancelledPayload(
  table: JobsTable,
  job: JobRecord,
  envelope: MessageEnvelope,
  record: SQSRecord,
  deps: JobMessageDeps,
  logger: Logger,
): Promise<MessageOutcome> {
  if (job.state !== 'CANCELLED' || job.payload !== undefined) return DELETE;
  try {
    await table.keepCancelledPayload(job, envelope.payload);
    return DELETE;
  } catch (error) {
    logger.error(
      { err: error },
      "could not keep the cancelled job's payload; message will be redelivered",
    );
    return retryAfter(record, receiveCount(record), deps);
  }
}

function writeOutcome(
  table: JobsTable,
  key: JobKey,
  version: number,
  result: ProcessorResult,
  payload: Uint8Array,
): Promise<JobRecord | undefined> {
  switch (result.kind) {
    case 'succeeded':
      return table.markSucceeded(key, version, result.output.bytes, result.output.contentType);
    case 'failed':
      return table.markFailed(key, version, result.error, payload);
    case 'transient':
      return table.requeue(key, version, result.error);
  }
}

/**
 * Writes the attempt's outcome conditionally. A lost condition is read
 * again: if the job is still this attempt's (RUNNING with the same attempt
 * count — a progress write landed unseen), the write is repeated with the
 * current version; otherwise the job moved on without this attempt and
 * nothing is recorded.
 */
async function recordOutcome(inputs: OutcomeInputs): Promise<MessageOutcome> {
  const { record, key, running, result, deps, logger } = inputs;
  let version = inputs.version;
  for (let round = 0; round < MAX_OUTCOME_ROUNDS; round++) {
    let current: JobRecord | undefined;
    try {
      const written = await writeOutcome(deps.table, key, version, result, inputs.payload);
      if (written !== undefined) return logOutcome(inputs);
      current = await deps.table.get(key);
    } catch (error) {
      // The record still says RUNNING; the redelivered message takes it over.
      logger.error({ err: error }, 'could not record the outcome; message will be redelivered');
      return retryAfter(record, running.attempts, deps);
    }
    if (
      current === undefined ||
      current.state !== 'RUNNING' ||
      current.attempts !== running.attempts
    ) {
      logger.warn(
        { state: current?.state, attempts: current?.attempts },
        'outcome not recorded: the job moved on without this attempt',
      );
      return current !== undefined && isTerminal(current.state) ? DELETE : { kind: 'retry' };
    }
    version = current.version;
  }
  logger.warn('outcome not recorded: too many concurrent writes');
  return { kind: 'retry' };
}

function logOutcome(inputs: OutcomeInputs): MessageOutcome {
  const { result, durationMs, logger, running } = inputs;
  const fields = { attempt: running.attempts, durationMs };
  switch (result.kind) {
    case 'succeeded':
      logger.info({ ...fields, resultBytes: result.output.bytes.byteLength }, 'job succeeded');
      return DELETE;
    case 'failed':
      logger.warn({ ...fields, error: jobErrorLogFields(result.error) }, 'job failed permanently');
      return DELETE;
    case 'transient': {
      const retry = retryAfter(inputs.record, running.attempts, inputs.deps);
      logger.warn(
        { ...fields, error: jobErrorLogFields(result.error), retry },
        'job failed transiently; will retry',
      );
      return retry;
    }
  }
}
