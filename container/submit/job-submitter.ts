import { randomUUID } from 'node:crypto';
import type { Channel } from '../../core/channels/channel-config.js';
import {
  encodeEnvelope,
  messageGroupId,
  type MessageEnvelope,
} from '../../core/envelope/message-envelope.js';
import { UnavailableError } from '../../core/errors/index.js';
import { createJobIdGenerator, deterministicJobId } from '../../core/jobs/job-ids.js';
import type { JobKey } from '../../core/jobs/job.js';
import { jobRecordFromEnvelope } from '../../core/jobs/job-record-from-envelope.js';
import type { JobsTable } from '../../core/jobs/jobs-table.js';
import {
  validateSubmission,
  type JobSubmission,
  type SubmitJobInput,
} from '../../core/validation/job-submission.js';
import type { SubmitLimits } from '../../core/validation/limits.js';
import { callDependency } from '../errors/call-dependency.js';
import type { SentMessage } from '../producer/auto-batcher.js';
import type { ChannelProducers } from '../producer/channel-producers.js';
import type { SendTurn } from './group-send-order.js';

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
}

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
}

/**
 * The submit path, in the order that keeps the contract (DESIGN.md, "Submit
 * path"): validate; derive the job id; (1) with an idempotency key, answer
 * `duplicate` when the job exists; (2) send the message (its deduplication
 * id is the job id) and wait until SQS accepted it; (3) create the QUEUED
 * record conditionally — when it already exists (a racing submit, or a
 * consumer that got the message first) the stored submit token tells whose
 * job it is; (4) ack. Nothing is acknowledged before the queue accepted the
 * message and the record exists; failures of SQS or DynamoDB surface as
 * `UnavailableError`, and retrying them is safe.
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

  constructor(options: JobSubmitterOptions) {
    this.#table = options.table;
    this.#producers = options.producers;
    this.#channels = options.channels;
    this.#limits = options.limits;
    this.#nextJobId = options.nextJobId ?? createJobIdGenerator();
    this.#now = options.now ?? Date.now;
    this.#newSubmitToken = options.newSubmitToken ?? randomUUID;
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
    const jobId =
      submission.idempotencyKey === ''
        ? this.#nextJobId()
        : deterministicJobId(tenant, submission.channel, submission.idempotencyKey);
    const key: JobKey = { tenant, jobId };
    try {
      options.signal?.throwIfAborted();
      if (submission.idempotencyKey !== '') {
        const existing = await callDependency('read the job', () => this.#table.get(key));
        if (existing !== undefined) {
          return { jobId, duplicate: true, sequenceNumber: existing.sequenceNumber };
        }
      }
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
      };
      const sent = await this.#enqueue(envelope, options);
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
    // No await between the room check and `send`: the room is still there.
    const sending = this.#producers.send(envelope.channel, {
      id: envelope.jobId,
      body: encodeEnvelope(envelope),
      groupId: messageGroupId(envelope),
      deduplicationId: envelope.jobId,
    });
    options.turn?.release();
    return callDependency('enqueue the job', () => sending);
  }

  /** (3): creates the QUEUED record, or reads the one that was there first. */
  async #record(envelope: MessageEnvelope, sent: SentMessage): Promise<SubmitAck> {
    const key: JobKey = { tenant: envelope.tenant, jobId: envelope.jobId };
    const record = jobRecordFromEnvelope(envelope, {
      sequenceNumber: sent.sequenceNumber,
      now: this.#now(),
    });
    const created = await callDependency('record the job', () => this.#table.create(record));
    if (created) {
      return { jobId: key.jobId, duplicate: false, sequenceNumber: sent.sequenceNumber };
    }
    const existing = await callDependency('read the job', () => this.#table.get(key));
    if (existing === undefined) {
      // Records are deleted only by TTL, long after any submit; treat as a glitch to retry.
      throw new UnavailableError('the job record could not be read back; retry the submit');
    }
    return {
      jobId: key.jobId,
      duplicate: existing.submitToken !== envelope.submitToken,
      sequenceNumber: existing.sequenceNumber,
    };
  }
}
