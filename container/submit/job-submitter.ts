import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Channel } from '../../core/channels/channel-config.js';
import {
  encodeEnvelope,
  messageGroupId,
  type MessageEnvelope,
} from '../../core/envelope/message-envelope.js';
import { SluiceError, UnavailableError } from '../../core/errors/index.js';
import { createJobIdGenerator, deterministicJobId } from '../../core/jobs/job-ids.js';
import type { JobKey } from '../../core/jobs/job.js';
import { jobRecordFromEnvelope } from '../../core/jobs/job-record-from-envelope.js';
import type { JobsTable } from '../../core/jobs/jobs-table.js';
import { fullJitterDelayMs, type BackoffPolicy } from '../../core/retry/full-jitter-backoff.js';
import {
  validateSubmission,
  type JobSubmission,
  type SubmitJobInput,
} from '../../core/validation/job-submission.js';
import type { SubmitLimits } from '../../core/validation/limits.js';
import { startSendSpan } from '../../core/telemetry/messaging-spans.js';
import { CallEndedError } from '../errors/call-ended-error.js';
import { callDependency } from '../errors/call-dependency.js';
import {
  dependencyErrorCode,
  dependencyFailureKind,
  mayHaveTakenEffect,
} from '../errors/dependency-failure.js';
import { JobMayExistError } from '../errors/job-may-exist-error.js';
import type { SentMessage } from '../producer/auto-batcher.js';
import type { ChannelProducers } from '../producer/channel-producers.js';
import type { SendTurn } from './group-send-order.js';

/** How the front retries writing a job's record: the backoff's delays plus when to stop. */
export interface RecordRetryPolicy extends BackoffPolicy {
  /** Tries of the write, the first included. */
  maxAttempts: number;
  /** No new try starts this long after the first. */
  giveUpAfterMs: number;
}

/**
 * How the front retries writing a job's record once SQS accepted its message
 * (on top of the SDK's own attempts): a few tries with full-jitter backoff,
 * none started 5 s after the first, so a brief DynamoDB hiccup does not turn
 * an enqueued job into a failed submit, and the answer still comes well
 * inside a client's deadline (30 s by default).
 *
 * @example
 * ```ts
 * new JobSubmitter({ ...options, recordRetry: { ...DEFAULT_RECORD_RETRY_POLICY, maxAttempts: 2 } });
 * ```
 */
export const DEFAULT_RECORD_RETRY_POLICY: Readonly<RecordRetryPolicy> = Object.freeze({
  initialBackoffMs: 50,
  maxBackoffMs: 1_000,
  maxAttempts: 5,
  giveUpAfterMs: 5_000,
});

/** What a submit answers: the fields of `sluice.v1.SubmitJobResponse`. */
export interface SubmitAck {
  jobId: string;
  /** True when the job existed before this submit (same idempotency key). */
  duplicate: boolean;
  sequenceNumber: string;
}

/** How one submit goes through the producer. */
export interface SubmitOptions {
  /**
   * Wait for room in the producer instead of failing with
   * `ResourceExhaustedError` (streams, whose reading is flow-controlled).
   */
  waitForRoom?: boolean;
  /** The item's turn in its group's line; the message is handed on only when it comes. */
  turn?: SendTurn;
  /**
   * Aborts when the call ended (deadline passed, client cancelled): nothing
   * is enqueued after that. Once the message is sent, the record is still
   * written, so the queue and the table agree.
   */
  signal?: AbortSignal;
  /**
   * When the call's deadline passes, epoch ms on the submitter's clock
   * (none: `Infinity`). Checked against the clock right before the enqueue,
   * besides `signal`: the signal aborts only once the deadline timer ran,
   * and a busy event loop may run the submit first. Past it, nothing is
   * enqueued and the submit fails with `CallEndedError` (DEADLINE_EXCEEDED).
   */
  deadline?: number;
  /**
   * The job this submit retries (RetryJob). The new job's id then derives
   * from it, as from an idempotency key, so a repeated retry finds the job
   * the first one created (`duplicate`).
   */
  retryOf?: string;
}

/**
 * Starts the key a retry's job id derives from. Idempotency keys cannot hold
 * control characters, so no submit's key can ever equal a retry's.
 */
const RETRY_KEY_PREFIX = '\u0000retry-of:';

/** Options of a `JobSubmitter`. */
export interface JobSubmitterOptions {
  table: JobsTable;
  producers: ChannelProducers;
  channels: readonly Channel[];
  limits: SubmitLimits;
  /** Fresh job ids (ULIDs by default). */
  nextJobId?: () => string;
  /** The clock, epoch ms. */
  now?: () => number;
  /** A random token per submit, telling a resubmission from the submit that created the job. */
  newSubmitToken?: () => string;
  /** Retries of the record write after the message was accepted (default `DEFAULT_RECORD_RETRY_POLICY`). */
  recordRetry?: Readonly<RecordRetryPolicy>;
  /** Uniform in [0, 1) for the retry jitter (default `Math.random`). */
  random?: () => number;
}

/**
 * The submit path, in the order that keeps the contract (DESIGN.md, "Submit
 * path"): validate; derive the job id; (1) with an idempotency key, answer
 * `duplicate` when the job exists; (2) send the message (its deduplication
 * id is the job id) and wait until SQS accepted it; (3) create the QUEUED
 * record conditionally — when it already exists (a racing submit, or a
 * consumer that got the message first) the stored submit token tells whose
 * job it is; (4) ack. Nothing is acknowledged before the queue accepted the
 * message and the record exists.
 *
 * What a failure tells the caller is what is true for it. Before anything
 * was enqueued, and for a submit with an idempotency key (a resubmit answers
 * with the same job), it is `UnavailableError`: retrying is safe. Once the
 * message may be in the queue, a submit without a key must not be repeated —
 * the message runs and its consumer writes the record — so the record write
 * is retried here (`recordRetry`) and, if it still fails, the submit fails
 * with `JobMayExistError`, carrying the job id to follow with GetJob (so
 * does any other failure once the message is queued: the job runs). Before
 * that, a request SQS or DynamoDB refused (`DependencyRejectedError`) and a
 * programming error are INTERNAL, with no retry advice.
 *
 * @example
 * ```ts
 * const submitter = new JobSubmitter({ table, producers, channels: CHANNELS, limits: DEFAULT_SUBMIT_LIMITS });
 * const ack = await submitter.submit('default', submitter.validate(request));
 * ```
 */
export class JobSubmitter {
  readonly #table: JobsTable;
  readonly #producers: ChannelProducers;
  readonly #channels: readonly Channel[];
  readonly #limits: SubmitLimits;
  readonly #nextJobId: () => string;
  readonly #now: () => number;
  readonly #newSubmitToken: () => string;
  readonly #recordRetry: Readonly<RecordRetryPolicy>;
  readonly #random: () => number;

  constructor(options: JobSubmitterOptions) {
    this.#table = options.table;
    this.#producers = options.producers;
    this.#channels = options.channels;
    this.#limits = options.limits;
    this.#nextJobId = options.nextJobId ?? createJobIdGenerator();
    this.#now = options.now ?? Date.now;
    this.#newSubmitToken = options.newSubmitToken ?? randomUUID;
    this.#recordRetry = options.recordRetry ?? DEFAULT_RECORD_RETRY_POLICY;
    this.#random = options.random ?? Math.random;
  }

  /**
   * Checks a request against the channels and limits (synchronously, so a
   * stream can take an item's turn in arrival order right after). Throws a
   * `ValidationError` naming the field, prefixed by `fieldPrefix` (`job.`
   * inside SubmitJobs).
   */
  validate(input: SubmitJobInput, fieldPrefix = ''): JobSubmission {
    return validateSubmission(input, this.#channels, this.#limits, fieldPrefix);
  }

  /** Submits a validated job for `tenant`; resolves with the ack once it is durable. */
  async submit(
    tenant: string,
    submission: JobSubmission,
    options: SubmitOptions = {},
  ): Promise<SubmitAck> {
    const derivedFrom =
      options.retryOf === undefined
        ? submission.idempotencyKey
        : `${RETRY_KEY_PREFIX}${options.retryOf}`;
    const jobId =
      derivedFrom === ''
        ? this.#nextJobId()
        : deterministicJobId(tenant, submission.channel, derivedFrom);
    const key: JobKey = { tenant, jobId };
    try {
      options.signal?.throwIfAborted();
      if (derivedFrom !== '') {
        const existing = await callDependency('read the job', () => this.#table.get(key));
        if (existing !== undefined) {
          return { jobId, duplicate: true, sequenceNumber: existing.sequenceNumber };
        }
      }
      const send = startSendSpan(submission.channel, jobId);
      const envelope: MessageEnvelope = {
        jobId,
        tenant,
        channel: submission.channel,
        type: submission.type,
        payload: submission.payload,
        contentType: submission.contentType,
        groupKey: submission.groupKey,
        idempotencyKey: submission.idempotencyKey,
        attributes: submission.attributes,
        submitToken: this.#newSubmitToken(),
        createdAt: this.#now(),
        ...(options.retryOf === undefined ? {} : { retryOf: options.retryOf }),
        traceparent: send.traceparent,
      };
      const sent = await send.around(() => this.#enqueue(envelope, options));
      return await this.#record(envelope, sent);
    } finally {
      options.turn?.release();
    }
  }

  /** (2): hands the message to the channel's producer in the item's turn; resolves when SQS accepted it. */
  async #enqueue(envelope: MessageEnvelope, options: SubmitOptions): Promise<SentMessage> {
    await options.turn?.ready;
    if (options.waitForRoom === true) await this.#producers.waitForRoom(envelope.channel);
    // The last moment to stop: after this the job exists.
    options.signal?.throwIfAborted();
    if (options.deadline !== undefined && this.#now() >= options.deadline) {
      throw new CallEndedError(
        `the call's deadline passed before job ${envelope.jobId} was enqueued; nothing was enqueued`,
      );
    }
    // No await between the room check and `send`: the room is still there.
    const sending = this.#producers.send(envelope.channel, {
      id: envelope.jobId,
      body: encodeEnvelope(envelope),
      groupId: messageGroupId(envelope),
      deduplicationId: envelope.jobId,
    });
    options.turn?.release();
    try {
      return await callDependency('enqueue the job', () => sending);
    } catch (error) {
      throw this.#enqueueFailure(envelope, error);
    }
  }

  /**
   * What a failed send tells the caller. The producer gave up after a
   * failure that may have reached SQS (a timeout, a dropped connection, a
   * 5xx: the message may be in the queue): with a key a resubmit is safe
   * (same job id, same deduplication id); without one it is reported as a
   * job that may exist. A refusal SQS answered, a full producer or a
   * shutdown enqueued nothing: retrying is safe. A request SQS rejected
   * (INTERNAL) or a bug passes through without advice.
   */
  #enqueueFailure(envelope: MessageEnvelope, error: unknown): unknown {
    if (!(error instanceof UnavailableError)) return error;
    // Without a cause, the producer refused the job before sending it (shutting down).
    const ambiguous = error.cause !== undefined && mayHaveTakenEffect(error.cause);
    if (!ambiguous) {
      return new UnavailableError(
        `${error.message}; job ${envelope.jobId} was not enqueued, retrying is safe`,
        { cause: error.cause },
      );
    }
    if (envelope.idempotencyKey !== '') {
      return new UnavailableError(
        `${error.message}; the queue may have job ${envelope.jobId}: ` +
          'retrying with the same idempotency key is safe (it answers with this job)',
        { cause: error.cause },
      );
    }
    return new JobMayExistError(
      envelope.jobId,
      `the queue did not confirm job ${envelope.jobId}, but may have accepted it ` +
        '(then it will run, and GetJob finds it once a consumer took it)',
      { cause: error },
    );
  }

  /**
   * (3): creates the QUEUED record, or reads the one that was there first.
   * The message is in the queue by now, so this runs even when the call
   * ended meanwhile (the table then agrees with the queue at once), retried
   * on dependency failures within `recordRetry`.
   */
  async #record(envelope: MessageEnvelope, sent: SentMessage): Promise<SubmitAck> {
    const key: JobKey = { tenant: envelope.tenant, jobId: envelope.jobId };
    const record = jobRecordFromEnvelope(envelope, {
      sequenceNumber: sent.sequenceNumber,
      now: this.#now(),
    });
    const started = this.#now();
    try {
      const created = await this.#persistently(started, () => this.#table.create(record));
      if (created) {
        return { jobId: key.jobId, duplicate: false, sequenceNumber: sent.sequenceNumber };
      }
      const existing = await this.#persistently(started, () => this.#table.get(key));
      // Records are deleted only by TTL, long after any submit: a glitch of the table.
      if (existing === undefined) throw this.#unrecorded(envelope, undefined);
      return {
        jobId: key.jobId,
        duplicate: existing.submitToken !== envelope.submitToken,
        sequenceNumber: existing.sequenceNumber,
      };
    } catch (error) {
      if (error instanceof SluiceError) throw error;
      throw this.#unrecorded(envelope, error);
    }
  }

  /** Runs `call`, again after a dependency failure while the policy allows (since `started`). */
  async #persistently<T>(started: number, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        const policy = this.#recordRetry;
        const waitMs = fullJitterDelayMs(attempt, policy, this.#random);
        const outOfTime = this.#now() + waitMs - started >= policy.giveUpAfterMs;
        if (!isTransient(error) || attempt >= policy.maxAttempts || outOfTime) {
          throw error;
        }
        await delay(waitMs);
      }
    }
  }

  /**
   * The failure of a submit whose message is queued but whose record could
   * not be written. Only transient trouble with an idempotency key is
   * UNAVAILABLE (a resubmit answers with this job); anything else — no key,
   * a write the table refused, a bug — is `JobMayExistError`, because the
   * job exists and will run whatever went wrong here.
   */
  #unrecorded(envelope: MessageEnvelope, cause: unknown): SluiceError {
    if (envelope.idempotencyKey !== '' && isTransient(cause)) {
      return new UnavailableError(
        `job ${envelope.jobId} was enqueued but its record could not be written; ` +
          'retrying with the same idempotency key is safe (it answers with this job)',
        { cause },
      );
    }
    const kind = dependencyFailureKind(cause);
    const why =
      kind === 'rejected'
        ? ` (the table refused the write: ${dependencyErrorCode(cause)})`
        : kind === undefined
          ? ' (an internal error)'
          : '';
    return new JobMayExistError(
      envelope.jobId,
      `job ${envelope.jobId} was enqueued and will run, but its record could not be written yet${why}`,
      { cause },
    );
  }
}

/** Whether `error` is trouble with a dependency that a later try may not meet. */
function isTransient(error: unknown): boolean {
  return dependencyFailureKind(error) === 'transient';
}
