import type { ChannelOptions } from '@grpc/grpc-js';
import { status as Status } from '@grpc/grpc-js';
import type {
  CancelJobResponse,
  GetJobResponse,
  ListChannelsResponse,
  ListJobsResponse,
  RetryJobResponse,
  SubmitJobResponse,
} from '../proto/gen/ts/sluice/v1/job_service.js';
import { listJobsRequest, type ChannelInfo, type JobFilter, type JobPage } from './job-listing.js';
import { resolveChannelCredentials } from './connection/channel-credentials.js';
import { JobServiceConnection } from './connection/job-service-connection.js';
import { callUnary, type UnaryCallPolicy } from './connection/unary-call.js';
import { DEFAULT_CHANNEL, prepareJob, type JobInput } from './job-input.js';
import { jobFromProto, type Job } from './job.js';
import { DEFAULT_RETRY_OPTIONS, type RetryOptions } from './retry/backoff.js';
import { SluiceClientError } from './sluice-client-error.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_DEADLINE_MS,
  DEFAULT_ENDPOINT,
  DEFAULT_KEEPALIVE_TIME_MS,
  DEFAULT_KEEPALIVE_TIMEOUT_MS,
  type SluiceClientOptions,
} from './sluice-client-options.js';
import {
  BulkSubmission,
  type BulkSubmitItem,
  type BulkSubmitResult,
  type SubmitManyOptions,
} from './streams/bulk-submission.js';
import { watchJobs } from './streams/job-watch.js';

/**
 * Options of one `submit`.
 *
 * @example
 * ```ts
 * await client.submit(job, { idempotencyKey: 'order-1234', deadlineMs: 5_000 } satisfies SubmitOptions);
 * ```
 */
export interface SubmitOptions {
  /**
   * The idempotency key (overrides `job.idempotencyKey`), or `'auto'` to
   * have the client generate one. A keyed submit is retried on connection
   * failures; a keyless one never is.
   */
  idempotencyKey?: string;
  /** The budget of this call, retries included (default: the client's `defaultDeadlineMs`). */
  deadlineMs?: number;
  signal?: AbortSignal;
}

/**
 * A durable job: what `submit` answers.
 *
 * @example
 * ```ts
 * const { jobId, duplicate }: SubmitResult = await client.submit(job, { idempotencyKey: 'order-1234' });
 * ```
 */
export interface SubmitResult {
  jobId: string;
  /**
   * True when the idempotency key matched a job from an earlier submit.
   * Never true for a key the client generated (a match then is its own retry).
   */
  duplicate: boolean;
  /** The queue's sequence number of the job's message. */
  sequenceNumber: string;
  /** The key the job carries (generated ones included); empty when none. */
  idempotencyKey: string;
}

/**
 * Options of `get` and `cancel`.
 *
 * @example
 * ```ts
 * await client.get(jobId, { signal: AbortSignal.timeout(2_000) } satisfies CallOptions);
 * ```
 */
export interface CallOptions {
  /** The budget of this call, retries included (default: the client's `defaultDeadlineMs`). */
  deadlineMs?: number;
  signal?: AbortSignal;
}

/**
 * Options of `watch` and `waitFor`.
 *
 * @example
 * ```ts
 * for await (const job of client.watch(ids, { signal: controller.signal } satisfies WatchOptions)) render(job);
 * ```
 */
export interface WatchOptions {
  /** Stops the watch: the iteration rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * The typed client of a Sluice front: submit jobs (one, or many over a
 * stream), read and cancel them, and follow them to their result. It owns one
 * gRPC channel; create one per process and `close()` it when done.
 *
 * Failures are `SluiceClientError`s. Connection failures are retried with
 * exponential backoff and jitter wherever repeating is safe: reads, cancels,
 * keyed submits, and the streams (which resume where they broke).
 *
 * @example
 * ```ts
 * import { SluiceClient, json } from './client/index.js';
 *
 * const client = new SluiceClient({ endpoint: '127.0.0.1:50051' });
 * const { jobId } = await client.submit({ type: 'echo', payload: json({ hello: 'world' }) }, { idempotencyKey: 'auto' });
 * const job = await client.waitFor(jobId);
 * console.log(job.state, job.result?.json());
 * client.close();
 * ```
 */
export class SluiceClient {
  /** `host:port` this client calls. */
  readonly endpoint: string;
  readonly #connection: JobServiceConnection;
  readonly #deadlineMs: number;
  readonly #connectTimeoutMs: number;
  readonly #retry: RetryOptions;
  readonly #defaultChannel: string;
  readonly #generateKeys: boolean;

  constructor(options: SluiceClientOptions = {}) {
    this.endpoint = options.endpoint ?? DEFAULT_ENDPOINT;
    this.#deadlineMs = options.defaultDeadlineMs ?? DEFAULT_DEADLINE_MS;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.#retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    this.#defaultChannel = options.defaultChannel ?? DEFAULT_CHANNEL;
    this.#generateKeys = options.generateIdempotencyKeys ?? false;
    const channelOptions: ChannelOptions = {
      'grpc.keepalive_time_ms': DEFAULT_KEEPALIVE_TIME_MS,
      'grpc.keepalive_timeout_ms': DEFAULT_KEEPALIVE_TIMEOUT_MS,
      // Reconnect on the client's own backoff scale: a restarted front is
      // found within a fraction of a second, not grpc-js's default 1–120 s.
      'grpc.initial_reconnect_backoff_ms': this.#retry.initialBackoffMs,
      'grpc.max_reconnect_backoff_ms': this.#retry.maxBackoffMs,
      ...options.channelOptions,
    };
    this.#connection = new JobServiceConnection({
      endpoint: this.endpoint,
      credentials: resolveChannelCredentials(options),
      channelOptions,
      apiKey: options.apiKey,
    });
  }

  /**
   * Submits one job and resolves once it is durable. With an idempotency key
   * (`'auto'` generates one) the same key always yields the same job, so
   * connection failures are retried; without one they are reported, because
   * the job may or may not have been accepted. When the front knows the job
   * was enqueued but could not confirm it (`UNKNOWN`), the error's `jobId`
   * names it: follow it with `get` or `watch`, never resubmit it unkeyed.
   *
   * @example
   * ```ts
   * const { jobId, duplicate } = await client.submit(
   *   { type: 'sha256', payload: 'hello', groupKey: 'customer-42' },
   *   { idempotencyKey: 'order-1234' },
   * );
   * ```
   */
  async submit(job: JobInput, options: SubmitOptions = {}): Promise<SubmitResult> {
    const prepared = prepareJob(job, {
      defaultChannel: this.#defaultChannel,
      idempotencyKey: options.idempotencyKey,
      generate: this.#generateKeys,
    });
    const { response } = await callUnary<SubmitJobResponse>(
      this.#connection,
      this.#policy(options, prepared.idempotencyKey !== ''),
      (metadata, callOptions, callback) =>
        this.#connection.grpc.submitJob(prepared.request, metadata, callOptions, callback),
    );
    return {
      jobId: response.jobId,
      duplicate: prepared.generatedKey ? false : response.duplicate,
      sequenceNumber: response.sequenceNumber,
      idempotencyKey: prepared.idempotencyKey,
    };
  }

  /**
   * Submits many jobs over one `SubmitJobs` stream and yields one result per
   * item, as answers arrive. At most `maxInFlight` items are unanswered at a
   * time and the stream's flow control is honoured, so memory stays bounded
   * whatever the source. A dropped stream is resumed: exactly the unanswered
   * items are sent again (each has an idempotency key, generated if needed),
   * so every ref is answered once and keeps its job id.
   *
   * @example
   * ```ts
   * const jobs = [1, 2, 3].map((n) => ({ ref: `item-${n}`, job: { type: 'echo', payload: json({ n }) } }));
   * for await (const result of client.submitMany(jobs)) {
   *   if (result.error) console.error(result.ref, result.error.message);
   *   else console.log(result.ref, result.jobId);
   * }
   * ```
   */
  submitMany(
    items: AsyncIterable<BulkSubmitItem> | Iterable<BulkSubmitItem>,
    options: SubmitManyOptions = {},
  ): AsyncIterable<BulkSubmitResult> {
    const submission = new BulkSubmission(
      {
        connection: this.#connection,
        defaultChannel: this.#defaultChannel,
        retry: this.#retry,
        connectTimeoutMs: this.#connectTimeoutMs,
      },
      items,
      options,
    );
    return submission.results();
  }

  /**
   * The current snapshot of a job; `NOT_FOUND` for an unknown id.
   *
   * @example
   * ```ts
   * const job = await client.get(jobId);
   * console.log(job.state, job.attempts);
   * ```
   */
  async get(jobId: string, options: CallOptions = {}): Promise<Job> {
    const { response } = await callUnary<GetJobResponse>(
      this.#connection,
      this.#policy(options, true),
      (metadata, callOptions, callback) =>
        this.#connection.grpc.getJob({ jobId }, metadata, callOptions, callback),
    );
    return jobFromProto(response.job);
  }

  /**
   * Cancels a QUEUED job and returns it CANCELLED; a job already running or
   * finished is `FAILED_PRECONDITION`. Retried on connection failures: when a
   * retry finds the job already CANCELLED (the first attempt landed), that
   * counts as success.
   *
   * @example
   * ```ts
   * const job = await client.cancel(jobId); // job.state === 'CANCELLED'
   * ```
   */
  async cancel(jobId: string, options: CallOptions = {}): Promise<Job> {
    try {
      const { response } = await callUnary<CancelJobResponse>(
        this.#connection,
        this.#policy(options, true),
        (metadata, callOptions, callback) =>
          this.#connection.grpc.cancelJob({ jobId }, metadata, callOptions, callback),
      );
      return jobFromProto(response.job);
    } catch (error) {
      if (!(error instanceof SluiceClientError) || error.codeName !== 'FAILED_PRECONDITION') {
        throw error;
      }
      const job = await this.get(jobId, options);
      if (job.state === 'CANCELLED') return job;
      throw error;
    }
  }

  /**
   * One page of the caller's jobs matching `filter`, newest created first;
   * pass the previous page's `nextPageToken` (with the same filter) for the
   * next one. A read: retried on connection failures.
   *
   * @example
   * ```ts
   * const { jobs, nextPageToken } = await client.listPage({ states: ['FAILED'] });
   * ```
   */
  async listPage(
    filter: JobFilter = {},
    pageToken = '',
    options: CallOptions = {},
  ): Promise<JobPage> {
    const { response } = await callUnary<ListJobsResponse>(
      this.#connection,
      this.#policy(options, true),
      (metadata, callOptions, callback) =>
        this.#connection.grpc.listJobs(
          listJobsRequest(filter, pageToken),
          metadata,
          callOptions,
          callback,
        ),
    );
    return { jobs: response.jobs.map(jobFromProto), nextPageToken: response.nextPageToken };
  }

  /**
   * Every job matching `filter`, newest created first, page by page (a page
   * is fetched only when the previous one has been consumed).
   *
   * @example
   * ```ts
   * for await (const job of client.list({ channel: 'default', states: ['DEAD_LETTERED'] })) console.log(job.jobId);
   * ```
   */
  async *list(filter: JobFilter = {}, options: CallOptions = {}): AsyncGenerator<Job> {
    let pageToken = '';
    do {
      const page = await this.listPage(filter, pageToken, options);
      yield* page.jobs;
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
  }

  /**
   * Runs a FAILED, DEAD_LETTERED or CANCELLED job again as a new job (same
   * channel, type, payload, group and attributes) and returns the new job;
   * `duplicate` when an earlier call had created it already, so retrying
   * this call is safe and creates nothing.
   *
   * @example
   * ```ts
   * const { job, duplicate } = await client.retry(jobId);
   * ```
   */
  async retry(jobId: string, options: CallOptions = {}): Promise<{ job: Job; duplicate: boolean }> {
    const { response } = await callUnary<RetryJobResponse>(
      this.#connection,
      this.#policy(options, true),
      (metadata, callOptions, callback) =>
        this.#connection.grpc.retryJob({ jobId }, metadata, callOptions, callback),
    );
    return { job: jobFromProto(response.job), duplicate: response.duplicate };
  }

  /**
   * Every channel and its job types; with `queueStats`, each channel's queue
   * figures (an operator key is needed: PERMISSION_DENIED otherwise).
   *
   * @example
   * ```ts
   * const channels = await client.channels({ queueStats: true });
   * ```
   */
  async channels(
    request: { queueStats?: boolean } = {},
    options: CallOptions = {},
  ): Promise<ChannelInfo[]> {
    const { response } = await callUnary<ListChannelsResponse>(
      this.#connection,
      this.#policy(options, true),
      (metadata, callOptions, callback) =>
        this.#connection.grpc.listChannels(
          { includeQueueStats: request.queueStats === true },
          metadata,
          callOptions,
          callback,
        ),
    );
    return response.channels.map((channel) => ({
      name: channel.name,
      jobTypes: [...channel.jobTypes],
      queueStats: channel.queueStats === undefined ? undefined : { ...channel.queueStats },
    }));
  }

  /**
   * Follows jobs until every one is terminal: first each job's current
   * snapshot, then one per change (state or progress). A dropped stream is
   * resumed with backoff; each snapshot is yielded once, in version order
   * per job. `NOT_FOUND` (an unknown id) and other request errors end the
   * iteration.
   *
   * @example
   * ```ts
   * for await (const job of client.watch([first, second])) {
   *   console.log(job.jobId, job.state, job.progress?.message ?? '');
   * }
   * ```
   */
  watch(jobIds: string | readonly string[], options: WatchOptions = {}): AsyncIterable<Job> {
    const ids = [...new Set(typeof jobIds === 'string' ? [jobIds] : jobIds)];
    return watchJobs({
      connection: this.#connection,
      jobIds: ids,
      retry: this.#retry,
      connectTimeoutMs: this.#connectTimeoutMs,
      signal: options.signal,
    });
  }

  /**
   * Waits for a job's terminal snapshot (SUCCEEDED, FAILED, DEAD_LETTERED or
   * CANCELLED) and returns it; it does not throw for an unsuccessful job.
   *
   * @example
   * ```ts
   * const job = await client.waitFor(jobId, { signal: AbortSignal.timeout(60_000) });
   * if (job.state === 'SUCCEEDED') console.log(job.result?.text());
   * ```
   */
  async waitFor(jobId: string, options: WatchOptions = {}): Promise<Job> {
    let last: Job | undefined;
    for await (const job of this.watch(jobId, options)) last = job;
    if (last === undefined) {
      throw new SluiceClientError({
        code: Status.INTERNAL,
        details: `the watch of ${jobId} ended without a snapshot`,
      });
    }
    return last;
  }

  /**
   * Closes the channel; calls and streams in progress are cancelled.
   *
   * @example
   * ```ts
   * try { await client.submit(job); } finally { client.close(); }
   * ```
   */
  close(): void {
    this.#connection.close();
  }

  #policy(options: CallOptions, retryable: boolean): UnaryCallPolicy {
    return {
      deadlineMs: options.deadlineMs ?? this.#deadlineMs,
      connectTimeoutMs: this.#connectTimeoutMs,
      retry: this.#retry,
      retryable,
      signal: options.signal,
    };
  }
}
