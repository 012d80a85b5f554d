import { context } from '@opentelemetry/api';
import { status, type ServerDuplexStream } from '@grpc/grpc-js';
import { ValidationError } from '../../core/errors/index.js';
import type { Logger } from '../../core/logging/logger.js';
import type {
  SubmitJobsRequest,
  SubmitJobsResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import type { SubmitRateLimiter } from '../limits/submit-rate-limiter.js';
import type { FrontMetrics } from '../metrics/front-metrics.js';
import type { ChannelProducers } from '../producer/channel-producers.js';
import { GroupSendOrder } from '../submit/group-send-order.js';
import type { JobSubmitter, SubmitAck } from '../submit/job-submitter.js';
import { callDeadline, callSignal } from './call-signal.js';
import { itemErrorFromError } from './error-status.js';
import { checkRequestDecoded } from './strict-request-decoding.js';

/** Items of one stream being processed at once, by default. */
export const DEFAULT_STREAM_MAX_IN_FLIGHT = 256;
/** The prefix of item field names: they sit inside `SubmitJobsRequest.job`. */
const ITEM_FIELD_PREFIX = 'job.';

/** What a SubmitJobs stream needs. */
export interface SubmitJobsStreamOptions {
  call: ServerDuplexStream<SubmitJobsRequest, SubmitJobsResponse>;
  tenant: string;
  submitter: JobSubmitter;
  producers: ChannelProducers;
  /** Aborted when the server shuts down: stop reading, answer what was read, end UNAVAILABLE. */
  shutdown: AbortSignal;
  maxInFlight?: number;
  /** Per-tenant submit rate: items wait for their token (reading slows down), never fail. */
  limiter?: SubmitRateLimiter;
  /** Counts and times each item's submit. */
  metrics: FrontMetrics;
  logger: Logger;
}

/**
 * One SubmitJobs call. Every request is answered exactly once (its `ref`
 * echoed; a bad item gets an `error` and the stream goes on), answers go out
 * as items finish (not in order), and the call is read only as fast as items
 * can be enqueued: reading pauses while `maxInFlight` items are in progress,
 * while the producers have no room, while items wait for their tenant's
 * rate-limit token, or while the client is not reading the answers. Jobs of one group reach the queue in stream order. When the client
 * half-closes, the items in progress finish and the stream ends OK; on
 * shutdown, reading stops, the items in progress finish and the stream ends
 * UNAVAILABLE (the client resubmits what was not answered).
 *
 * @example
 * ```ts
 * submitJobs: (call) => new SubmitJobsStream({ call, tenant, submitter, producers, shutdown, logger }).start(),
 * ```
 */
export class SubmitJobsStream {
  readonly #call: ServerDuplexStream<SubmitJobsRequest, SubmitJobsResponse>;
  readonly #tenant: string;
  readonly #submitter: JobSubmitter;
  readonly #producers: ChannelProducers;
  readonly #shutdown: AbortSignal;
  readonly #maxInFlight: number;
  readonly #limiter: SubmitRateLimiter | undefined;
  readonly #metrics: FrontMetrics;
  /** Aborts when the call is cancelled (or its deadline passes): items not yet sent are not. */
  readonly #callEnded: AbortSignal;
  readonly #logger: Logger;
  readonly #order = new GroupSendOrder();
  #inFlight = 0;
  /** The client half-closed: nothing more will arrive. */
  #inputEnded = false;
  /** Shutting down or cancelled: read nothing more. */
  #stopped = false;
  #writeBlocked = false;
  #waitingForRoom = false;
  #finished = false;

  constructor(options: SubmitJobsStreamOptions) {
    this.#call = options.call;
    this.#tenant = options.tenant;
    this.#submitter = options.submitter;
    this.#producers = options.producers;
    this.#shutdown = options.shutdown;
    this.#maxInFlight = options.maxInFlight ?? DEFAULT_STREAM_MAX_IN_FLIGHT;
    this.#limiter = options.limiter;
    this.#metrics = options.metrics;
    this.#callEnded = callSignal(options.call);
    this.#logger = options.logger;
  }

  /** Starts reading the call. */
  start(): void {
    // Cancelled while the caller was being authenticated: nothing to answer.
    if (this.#call.cancelled) return;
    if (this.#shutdown.aborted) {
      this.#stop();
      return;
    }
    const onShutdown = (): void => this.#stop();
    this.#shutdown.addEventListener('abort', onShutdown, { once: true });
    this.#call.on('cancelled', () => {
      this.#finished = true;
      this.#stopped = true;
    });
    this.#call.on('close', () => this.#shutdown.removeEventListener('abort', onShutdown));
    this.#call.on('end', () => {
      this.#inputEnded = true;
      this.#finishIfDone();
    });
    // Items are submitted in the context `start` ran in (the stream's server span).
    this.#call.on(
      'data',
      context.bind(context.active(), (request: SubmitJobsRequest) => this.#accept(request)),
    );
  }

  #accept(request: SubmitJobsRequest): void {
    this.#inFlight += 1;
    if (this.#inFlight >= this.#maxInFlight) this.#call.pause();
    this.#process(request)
      .then((response) => this.#answer(response))
      .finally(() => {
        this.#inFlight -= 1;
        this.#resumeIfReady();
        this.#finishIfDone();
      })
      .catch((error: unknown) => this.#logger.error({ err: error }, 'SubmitJobs item failed'));
  }

  /** Submits one item and answers it with its ack or its error. */
  async #process(request: SubmitJobsRequest): Promise<SubmitJobsResponse> {
    const ref = request.ref;
    try {
      const ack = await this.#metrics.observeSubmit(request.job?.channel ?? '', () =>
        this.#submitItem(request),
      );
      return { ref, accepted: ack };
    } catch (error) {
      return { ref, error: itemErrorFromError(error, this.#logger) };
    }
  }

  /** Validates synchronously (so the item takes its group turn in arrival order), then submits. */
  async #submitItem(request: SubmitJobsRequest): Promise<SubmitAck> {
    checkRequestDecoded(request);
    if (request.job === undefined) {
      throw new ValidationError('job: is required', { field: 'job' });
    }
    const submission = this.#submitter.validate(request.job, ITEM_FIELD_PREFIX);
    const turn =
      submission.groupKey === ''
        ? undefined
        : this.#order.turn(`${submission.channel}\u0000${submission.groupKey}`);
    if (this.#limiter !== undefined) {
      // The item holds its group turn while it waits; a stopped wait hands it on.
      await this.#limiter.acquire(this.#tenant, this.#callEnded).catch((error: unknown) => {
        turn?.release();
        this.#callEnded.throwIfAborted();
        throw error;
      });
    }
    return this.#submitter.submit(this.#tenant, submission, {
      waitForRoom: true,
      turn,
      signal: this.#callEnded,
      deadline: callDeadline(this.#call),
    });
  }

  #answer(response: SubmitJobsResponse): void {
    if (this.#finished) return;
    if (!this.#call.write(response) && !this.#writeBlocked) {
      // The client reads slower than we answer: read no more until it caught up.
      this.#writeBlocked = true;
      this.#call.pause();
      this.#call.once('drain', () => {
        this.#writeBlocked = false;
        this.#resumeIfReady();
      });
    }
  }

  #resumeIfReady(): void {
    if (this.#stopped || this.#inputEnded || this.#writeBlocked) return;
    if (this.#inFlight >= this.#maxInFlight) return;
    if (!this.#producers.hasCapacity) {
      if (this.#waitingForRoom) return;
      this.#waitingForRoom = true;
      void this.#producers.whenWritable().then(() => {
        this.#waitingForRoom = false;
        this.#resumeIfReady();
      });
      return;
    }
    this.#call.resume();
  }

  #stop(): void {
    this.#stopped = true;
    this.#call.pause();
    this.#finishIfDone();
  }

  #finishIfDone(): void {
    if (this.#finished || this.#inFlight > 0) return;
    if (this.#inputEnded) {
      this.#finished = true;
      this.#call.end();
    } else if (this.#stopped) {
      this.#finished = true;
      this.#call.emit('error', {
        code: status.UNAVAILABLE,
        details: 'the server is shutting down; resubmit the unanswered items elsewhere',
      });
    }
  }
}
