import type { MessageEnvelope } from '../../core/envelope/message-envelope.js';
import { SluiceError } from '../../core/errors/index.js';
import type { JobError } from '../../core/jobs/job.js';
import type { Logger } from '../../core/logging/logger.js';
import { PermanentError } from '../processors/permanent-error.js';
import type { Processor, ProcessorContext } from '../processors/processor.js';
import { encodeProcessorOutput, type EncodedOutput } from '../processors/processor-output.js';
import { RPC_CODE, rpcCodeOf } from '../shared/rpc-codes.js';
import { DeadlineExceededError } from './deadline-exceeded-error.js';

/**
 * Largest result stored on a record: DynamoDB items are limited to 400 KB,
 * and the record's other fields need room too.
 */
export const MAX_RESULT_BYTES = 350 * 1024;
/** Longest error message stored on a record. */
const MAX_ERROR_MESSAGE_LENGTH = 1_024;

/** How a processor run ended. */
export type ProcessorResult =
  | { kind: 'succeeded'; output: EncodedOutput }
  /** A permanent failure: the job becomes FAILED. */
  | { kind: 'failed'; error: JobError }
  /** A transient failure (including the deadline): the job is retried. */
  | { kind: 'transient'; error: JobError };

/** Inputs of `runProcessor`. */
export interface RunProcessorOptions {
  processor: Processor;
  envelope: MessageEnvelope;
  /** 1-based attempt number (the record's `attempts` once RUNNING). */
  attempt: number;
  /** Epoch ms at which the processor's signal aborts. */
  deadline: number;
  clock: () => number;
  reportProgress: ProcessorContext['reportProgress'];
  logger: Logger;
}

function truncate(message: string): string {
  return message.length <= MAX_ERROR_MESSAGE_LENGTH
    ? message
    : `${message.slice(0, MAX_ERROR_MESSAGE_LENGTH - 1)}…`;
}

function describe(error: unknown): string {
  return truncate(error instanceof Error ? error.message : String(error));
}

function jobErrorOf(error: unknown, fallbackCode: number): JobError {
  if (error instanceof SluiceError) {
    return {
      code: rpcCodeOf(error.status),
      message: describe(error),
      ...(error.field === undefined ? {} : { field: error.field }),
    };
  }
  return { code: fallbackCode, message: describe(error) };
}

function encode(output: Awaited<ReturnType<Processor>>): ProcessorResult {
  let encoded: EncodedOutput;
  try {
    encoded = encodeProcessorOutput(output);
  } catch (error) {
    // The same output would fail the same way again: a processor bug, not bad luck.
    return {
      kind: 'failed',
      error: { code: RPC_CODE.INTERNAL, message: `result not serialisable: ${describe(error)}` },
    };
  }
  if (encoded.bytes.byteLength > MAX_RESULT_BYTES) {
    return {
      kind: 'failed',
      error: {
        code: RPC_CODE.RESOURCE_EXHAUSTED,
        message: `result of ${encoded.bytes.byteLength} bytes exceeds the limit of ${MAX_RESULT_BYTES}`,
      },
    };
  }
  return { kind: 'succeeded', output: encoded };
}

/**
 * Runs one attempt of a processor and classifies how it ended: a result, a
 * `PermanentError` (FAILED), or anything else (transient: the job is
 * retried). At the deadline the processor's signal aborts and the attempt
 * ends as DEADLINE_EXCEEDED, whether or not the processor honours the
 * signal: the consumer must keep enough time to record the outcome. A
 * processor that ignores it keeps running in the background, but nothing it
 * does afterwards is recorded.
 *
 * @example
 * ```ts
 * const result = await runProcessor({ processor, envelope, attempt: 1, deadline, clock: Date.now, reportProgress, logger });
 * if (result.kind === 'succeeded') await table.markSucceeded(key, version, result.output.bytes, result.output.contentType);
 * ```
 */
export async function runProcessor(options: RunProcessorOptions): Promise<ProcessorResult> {
  const { envelope } = options;
  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(new DeadlineExceededError(`${envelope.type}: the attempt ran out of time`)),
    Math.max(0, options.deadline - options.clock()),
  );
  const deadlinePassed = new Promise<'deadline'>((resolve) => {
    controller.signal.addEventListener('abort', () => resolve('deadline'), { once: true });
  });
  const ctx: ProcessorContext = {
    jobId: envelope.jobId,
    tenant: envelope.tenant,
    channel: envelope.channel,
    type: envelope.type,
    attempt: options.attempt,
    contentType: envelope.contentType,
    attributes: envelope.attributes,
    signal: controller.signal,
    deadline: options.deadline,
    reportProgress: options.reportProgress,
    logger: options.logger,
  };
  try {
    // `then` turns a processor that throws synchronously into a rejection.
    const attempt = Promise.resolve()
      .then(() => options.processor(envelope.payload, ctx))
      .then(
        (output) => ({ output }),
        (error: unknown) => ({ error }),
      );
    const settled = await Promise.race([attempt, deadlinePassed]);
    if (settled !== 'deadline' && 'output' in settled) return encode(settled.output);
    const error: unknown = settled === 'deadline' ? controller.signal.reason : settled.error;
    if (error instanceof PermanentError) {
      return { kind: 'failed', error: jobErrorOf(error, RPC_CODE.FAILED_PRECONDITION) };
    }
    if (controller.signal.aborted) {
      return {
        kind: 'transient',
        error: jobErrorOf(controller.signal.reason, RPC_CODE.DEADLINE_EXCEEDED),
      };
    }
    return { kind: 'transient', error: jobErrorOf(error, RPC_CODE.UNAVAILABLE) };
  } finally {
    clearTimeout(timer);
  }
}
