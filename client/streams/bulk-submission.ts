import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { status as Status, type ClientDuplexStream, type StatusObject } from '@grpc/grpc-js';
import type {
  SubmitJobsRequest,
  SubmitJobsResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import type { JobServiceConnection } from '../connection/job-service-connection.js';
import { prepareJob, type JobInput } from '../job-input.js';
import { Backoff, type RetryOptions } from '../retry/backoff.js';
import { isRetryableFailure } from '../retry/retryable-failure.js';
import { SluiceClientError } from '../sluice-client-error.js';
import { WakeSignal } from './wake-signal.js';

/**
 * Un-acknowledged items (sent or not yet consumed) a bulk submit holds by default.
 *
 * @example
 * ```ts
 * client.submitMany(items, { maxInFlight: DEFAULT_MAX_IN_FLIGHT / 10 }); // a smaller window
 * ```
 */
export const DEFAULT_MAX_IN_FLIGHT = 1_000;

/**
 * One item of a bulk submit.
 *
 * @example
 * ```ts
 * const item: BulkSubmitItem = { ref: 'row-17', job: { type: 'echo', payload: json({ row: 17 }) } };
 * ```
 */
export interface BulkSubmitItem {
  /** Identifies the item in its result; generated (a UUID) when absent. Unique among items in flight. */
  ref?: string;
  job: JobInput;
}

/**
 * An accepted item: the job is durable.
 *
 * @example
 * ```ts
 * if (result.error === undefined) saveJobId(result.ref, (result satisfies BulkSubmitAccepted).jobId);
 * ```
 */
export interface BulkSubmitAccepted {
  ref: string;
  jobId: string;
  /**
   * True when the item's idempotency key matched a job from an earlier
   * submit. Never true for a key the client generated: a match then is the
   * client's own resubmission after a dropped stream.
   */
  duplicate: boolean;
  sequenceNumber: string;
  /** The key the job was submitted with (generated ones included); empty when none. */
  idempotencyKey: string;
  error?: undefined;
}

/**
 * A rejected item: nothing was enqueued for it (or, for `UNAVAILABLE`, its outcome is unknown).
 *
 * @example
 * ```ts
 * if (result.error) console.error(result.ref, (result satisfies BulkSubmitRejected).error.message);
 * ```
 */
export interface BulkSubmitRejected {
  ref: string;
  error: SluiceClientError;
  jobId?: undefined;
  duplicate?: undefined;
}

/**
 * The answer for one item: `error` is set exactly when it was rejected.
 *
 * @example
 * ```ts
 * for await (const result of client.submitMany(items)) {
 *   if (result.error) console.error(result.ref, result.error.field, result.error.details);
 *   else console.log(result.ref, result.jobId);
 * }
 * ```
 */
export type BulkSubmitResult = BulkSubmitAccepted | BulkSubmitRejected;

/**
 * Tunables of one bulk submit.
 *
 * @example
 * ```ts
 * client.submitMany(items, { maxInFlight: 200, signal: AbortSignal.timeout(60_000) } satisfies SubmitManyOptions);
 * ```
 */
export interface SubmitManyOptions {
  /** Items sent and not yet answered, plus answers not yet consumed (default 1000). */
  maxInFlight?: number;
  /**
   * Give every item without an idempotency key a generated one (default
   * true), so items in flight when a stream drops can be resubmitted safely.
   * With `false`, such items are answered `UNAVAILABLE` (outcome unknown).
   */
  generateIdempotencyKeys?: boolean;
  /** Stops the submit: the iteration rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * What a bulk submission needs from its client.
 *
 * @example
 * ```ts
 * new BulkSubmission({ connection, defaultChannel: 'default', retry: DEFAULT_RETRY_OPTIONS, connectTimeoutMs: 5_000 }, items);
 * ```
 */
export interface BulkSubmissionContext {
  connection: JobServiceConnection;
  defaultChannel: string;
  retry: RetryOptions;
  connectTimeoutMs: number;
}

interface PendingItem {
  request: SubmitJobsRequest;
  idempotencyKey: string;
  generatedKey: boolean;
}

/** Why a stream attempt ended. */
type AttemptOutcome = { complete: true } | { complete: false; failure: SluiceClientError };

/**
 * One bulk submit over the `SubmitJobs` stream. A pump reads the caller's
 * items while fewer than `maxInFlight` are unanswered, writes them honouring
 * the stream's flow control (`write()` false → wait for `drain`), and keeps
 * every unanswered item by ref. When the stream drops it reconnects with
 * backoff and resubmits exactly the unanswered items — their idempotency keys
 * make that safe and give back the same job ids — so every ref is answered
 * exactly once. A failure that is not about the connection ends the
 * iteration with that error.
 *
 * @example
 * ```ts
 * const submission = new BulkSubmission(context, items, { maxInFlight: 500 });
 * for await (const result of submission.results()) console.log(result.ref, result.jobId ?? result.error);
 * ```
 */
export class BulkSubmission {
  readonly #context: BulkSubmissionContext;
  readonly #source: AsyncIterable<BulkSubmitItem> | Iterable<BulkSubmitItem>;
  readonly #maxInFlight: number;
  readonly #generateKeys: boolean;
  readonly #signal: AbortSignal;
  readonly #stop = new AbortController();
  /** Unanswered items by ref, in submit order (resubmission keeps group order). */
  readonly #pending = new Map<string, PendingItem>();
  /** Answers not yet taken by the consumer. */
  readonly #answers: BulkSubmitResult[] = [];
  readonly #wake = new WakeSignal();
  #sourceDone = false;
  #answeredSinceFailure = false;
  #call: ClientDuplexStream<SubmitJobsRequest, SubmitJobsResponse> | undefined;

  constructor(
    context: BulkSubmissionContext,
    source: AsyncIterable<BulkSubmitItem> | Iterable<BulkSubmitItem>,
    options: SubmitManyOptions = {},
  ) {
    this.#context = context;
    this.#source = source;
    this.#maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    if (!Number.isInteger(this.#maxInFlight) || this.#maxInFlight < 1) {
      throw new RangeError(`maxInFlight must be a positive integer, got ${this.#maxInFlight}`);
    }
    this.#generateKeys = options.generateIdempotencyKeys ?? true;
    this.#signal =
      options.signal === undefined
        ? this.#stop.signal
        : AbortSignal.any([options.signal, this.#stop.signal]);
  }

  /**
   * The answers, in the order they arrive (not submit order). Leaving the
   * loop early cancels the stream and stops reading the items.
   */
  async *results(): AsyncGenerator<BulkSubmitResult, void, undefined> {
    let finished = false;
    let failure: unknown;
    const pump = this.#pump().then(
      () => undefined,
      (error: unknown) => {
        failure = error;
      },
    );
    void pump.finally(() => {
      finished = true;
      this.#wake.notify();
    });
    try {
      for (;;) {
        const answer = this.#answers.shift();
        if (answer !== undefined) {
          this.#wake.notify(); // a slot is free
          yield answer;
          continue;
        }
        if (finished) {
          if (failure !== undefined) {
            throw failure instanceof Error ? failure : SluiceClientError.from(failure);
          }
          return;
        }
        await this.#wake.wait();
      }
    } finally {
      if (!finished) {
        this.#stop.abort(new SluiceClientError({ code: Status.CANCELLED, details: 'stopped' }));
        this.#call?.cancel();
      }
    }
  }

  async #pump(): Promise<void> {
    const iterator = toAsyncIterator(this.#source);
    const backoff = new Backoff(this.#context.retry);
    let failures = 0;
    try {
      for (;;) {
        this.#signal.throwIfAborted();
        const outcome = await this.#attempt(iterator);
        this.#signal.throwIfAborted();
        if (outcome.complete) return;
        if (!isRetryableFailure(outcome.failure)) throw outcome.failure;
        this.#answerUnkeyed(outcome.failure);
        if (this.#answeredSinceFailure) {
          failures = 0;
          backoff.reset();
          this.#answeredSinceFailure = false;
        }
        failures += 1;
        if (failures >= this.#context.retry.maxAttempts) throw outcome.failure;
        // The timer rejects with an AbortError: the caller gets the signal's own reason instead.
        await delay(backoff.next(), undefined, { signal: this.#signal }).catch(() =>
          this.#signal.throwIfAborted(),
        );
      }
    } finally {
      this.#call?.cancel();
      if (!this.#sourceDone) await iterator.return?.();
    }
  }

  /** One stream: resubmit what is unanswered, then feed new items until the source ends. */
  async #attempt(iterator: AsyncIterator<BulkSubmitItem>): Promise<AttemptOutcome> {
    try {
      await this.#context.connection.ready(this.#context.connectTimeoutMs, this.#signal);
    } catch (error) {
      this.#signal.throwIfAborted();
      return { complete: false, failure: SluiceClientError.from(error) };
    }
    const { connection } = this.#context;
    const call = connection.grpc.submitJobs(connection.metadata());
    this.#call = call;
    let status: StatusObject | undefined;
    const ended = new Promise<StatusObject>((resolve) => {
      call.on('status', (received: StatusObject) => {
        status = received;
        this.#wake.notify();
        resolve(received);
      });
    });
    call.on('error', () => undefined); // the status event reports it
    call.on('data', (response: SubmitJobsResponse) => this.#answer(response));
    const open = (): boolean => status === undefined;
    const onAbort = (): void => call.cancel();
    this.#signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.#feed(call, iterator, open, ended);
    } finally {
      this.#signal.removeEventListener('abort', onAbort);
    }
  }

  async #feed(
    call: ClientDuplexStream<SubmitJobsRequest, SubmitJobsResponse>,
    iterator: AsyncIterator<BulkSubmitItem>,
    open: () => boolean,
    ended: Promise<StatusObject>,
  ): Promise<AttemptOutcome> {
    for (const [ref, item] of [...this.#pending]) {
      if (!open()) break;
      if (this.#pending.has(ref)) await this.#write(call, item.request, open);
    }
    while (open() && !this.#sourceDone) {
      while (open() && this.#pending.size + this.#answers.length >= this.#maxInFlight) {
        await this.#wake.wait();
      }
      if (!open()) break;
      const next = await iterator.next();
      if (next.done === true) {
        this.#sourceDone = true;
        break;
      }
      const item = this.#admit(next.value);
      if (item !== undefined) await this.#write(call, item.request, open);
    }
    if (open()) call.end();
    const final = await ended;
    if (final.code === Status.OK) await readableEnd(call);
    if (final.code === Status.OK && this.#sourceDone && this.#pending.size === 0) {
      return { complete: true };
    }
    return {
      complete: false,
      failure:
        final.code === Status.OK
          ? new SluiceClientError({
              code: Status.UNAVAILABLE,
              details: 'the server ended the stream before answering every item',
            })
          : SluiceClientError.fromStatus(final),
    };
  }

  /** Registers a new item as pending; answers it at once if it cannot be sent. */
  #admit(item: BulkSubmitItem): PendingItem | undefined {
    const ref = item.ref ?? randomUUID();
    if (this.#pending.has(ref)) {
      this.#answers.push({
        ref,
        error: new SluiceClientError({
          code: Status.INVALID_ARGUMENT,
          details: `ref ${ref} is already in flight`,
          field: 'ref',
        }),
      });
      this.#wake.notify();
      return undefined;
    }
    try {
      const prepared = prepareJob(item.job, {
        defaultChannel: this.#context.defaultChannel,
        generate: this.#generateKeys,
      });
      const pending: PendingItem = {
        request: { ref, job: prepared.request },
        idempotencyKey: prepared.idempotencyKey,
        generatedKey: prepared.generatedKey,
      };
      this.#pending.set(ref, pending);
      return pending;
    } catch (error) {
      this.#answers.push({ ref, error: SluiceClientError.from(error) });
      this.#wake.notify();
      return undefined;
    }
  }

  #answer(response: SubmitJobsResponse): void {
    const item = this.#pending.get(response.ref);
    // Unknown refs are answers to an item already answered on an earlier stream.
    if (item === undefined) return;
    this.#pending.delete(response.ref);
    this.#answeredSinceFailure = true;
    if (response.accepted !== undefined) {
      this.#answers.push({
        ref: response.ref,
        jobId: response.accepted.jobId,
        duplicate: item.generatedKey ? false : response.accepted.duplicate,
        sequenceNumber: response.accepted.sequenceNumber,
        idempotencyKey: item.idempotencyKey,
      });
    } else {
      const error = response.error;
      this.#answers.push({
        ref: response.ref,
        error: new SluiceClientError({
          code: error?.code ?? Status.UNKNOWN,
          details: error?.message ?? 'the server answered without a result',
          field: error?.field === '' ? undefined : error?.field,
          jobId: error?.jobId === '' ? undefined : error?.jobId,
        }),
      });
    }
    this.#wake.notify();
  }

  /** Items without a key cannot be resubmitted safely: their outcome is unknown. */
  #answerUnkeyed(cause: SluiceClientError): void {
    for (const [ref, item] of this.#pending) {
      if (item.idempotencyKey !== '') continue;
      this.#pending.delete(ref);
      this.#answers.push({
        ref,
        // UNKNOWN, not UNAVAILABLE: the item may have been accepted, and callers' generic
        // retry logic repeats UNAVAILABLE.
        error: new SluiceClientError({
          code: Status.UNKNOWN,
          details:
            'the stream broke before this item was answered and it has no idempotency key, ' +
            'so it was not resubmitted; it may or may not have been accepted',
          cause,
        }),
      });
    }
    this.#wake.notify();
  }

  /** Writes one request, waiting for `drain` when the stream's buffer is full (or until it ends). */
  async #write(
    call: ClientDuplexStream<SubmitJobsRequest, SubmitJobsResponse>,
    request: SubmitJobsRequest,
    isOpen: () => boolean,
  ): Promise<void> {
    if (call.write(request)) return;
    let drained = false;
    const onDrain = (): void => {
      drained = true;
      this.#wake.notify();
    };
    call.once('drain', onDrain);
    try {
      while (!drained && isOpen()) await this.#wake.wait();
    } finally {
      call.off('drain', onDrain);
    }
  }
}

function toAsyncIterator<T>(source: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  const iterator = source[Symbol.iterator]();
  return {
    next: () => Promise.resolve(iterator.next()),
    return: (value?: unknown) =>
      Promise.resolve(iterator.return?.(value) ?? { done: true, value: undefined }),
  };
}

/** Resolves once a finished stream delivered every message ('end'). */
function readableEnd(
  call: ClientDuplexStream<SubmitJobsRequest, SubmitJobsResponse>,
): Promise<void> {
  if (call.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    call.once('end', resolve);
    call.once('close', resolve);
  });
}
