import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ChannelQueues } from '../../core/aws/queue-directory.js';
import { SluiceError } from '../../core/errors/index.js';
import type { MiddlewareStackOwner } from '../../core/telemetry/aws-call-spans.js';
import type { AutoBatcherMetrics } from '../producer/auto-batcher.js';
import type { WatchHubMetrics } from '../watch/watch-hub.js';

/** Seconds buckets of request latencies: 1 ms to 10 s. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
/** Entries of a SendMessageBatch call: 1 to SQS's 10. */
const BATCH_ENTRY_BUCKETS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
/** The `channel` label of a submit naming no channel this front serves (unbounded names stay out). */
export const UNKNOWN_CHANNEL = 'unknown';
/** The `channel` label of an SQS call to a queue that is no channel's. */
const OTHER_QUEUE = 'other';
/** The middleware's names (one of each per client: a second add replaces it). */
const CALL_MIDDLEWARE = 'sluiceCallMetrics';
const MS_PER_SECOND = 1_000;

/** How a submit ended: the ack's kind, or the status its failure maps to, lower case. */
export type SubmitOutcome = 'accepted' | 'duplicate' | Lowercase<SluiceError['status']>;

/** What the front's metrics read their gauges and counters from when scraped. */
export interface FrontMetricSources {
  producer: () => AutoBatcherMetrics;
  watch: () => WatchHubMetrics;
}

/** Options of `FrontMetrics`. */
export interface FrontMetricsOptions {
  /** The channels served: the only values the `channel` label takes (with `unknown`). */
  channels: readonly { name: string }[];
  /** Add the process's CPU, memory and event-loop metrics (`process_*`, `nodejs_*`). Default true. */
  processMetrics?: boolean;
}

/**
 * The outcome label of a failed submit: the status a `SluiceError` maps to,
 * anything else (a bug) `internal`.
 *
 * @example
 * ```ts
 * submitOutcomeOf(new ValidationError('channel: unknown', { field: 'channel' })); // 'invalid_argument'
 * ```
 */
export function submitOutcomeOf(error: unknown): SubmitOutcome {
  return error instanceof SluiceError ? (error.status.toLowerCase() as SubmitOutcome) : 'internal';
}

/**
 * The front's Prometheus metrics (one registry per front, served as text at
 * `/metrics` on its HTTP health port): submits by channel and outcome and
 * their latency, the producer's batch sizes, in-flight batches and counters,
 * every SQS and DynamoDB call's latency and errors, the watch hub's open
 * streams, watched jobs and polls, and the process's CPU and memory. The
 * tenant is never a label (unbounded, and one tenant's traffic is not
 * another's business); a channel label only takes the served channels'
 * names. Units are in the names (`_seconds`, `_bytes`, `_total`).
 *
 * @example
 * ```ts
 * const metrics = new FrontMetrics({ channels: CHANNELS });
 * metrics.instrumentAwsClient(sqs, 'SQS');
 * const ack = await metrics.observeSubmit('default', () => submitter.submit(tenant, submission));
 * const text = await metrics.text();
 * ```
 */
export class FrontMetrics {
  /** The registry (Prometheus text: `registry.metrics()`, content type `registry.contentType`). */
  readonly registry = new Registry();
  readonly #channels: ReadonlySet<string>;
  readonly #submits: Counter<'channel' | 'outcome'>;
  readonly #submitSeconds: Histogram<'channel' | 'outcome'>;
  readonly #batchEntries: Histogram<'channel'>;
  readonly #batchesInFlight: Gauge<'channel'>;
  readonly #callSeconds: Histogram<'service' | 'operation'>;
  readonly #callErrors: Counter<'service' | 'operation' | 'error'>;
  #sources: FrontMetricSources | undefined;

  constructor(options: FrontMetricsOptions) {
    this.#channels = new Set(options.channels.map((channel) => channel.name));
    const registers = [this.registry];
    this.#submits = new Counter({
      name: 'sluice_submits_total',
      help: 'Jobs submitted (SubmitJob calls and SubmitJobs items) by channel and outcome.',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    this.#submitSeconds = new Histogram({
      name: 'sluice_submit_duration_seconds',
      help: 'Time from a submit arriving to its answer (the ack once the job is durable).',
      labelNames: ['channel', 'outcome'],
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers,
    });
    this.#batchEntries = new Histogram({
      name: 'sluice_producer_batch_entries',
      help: 'Entries per SendMessageBatch call the producer made (its own retries included).',
      labelNames: ['channel'],
      buckets: [...BATCH_ENTRY_BUCKETS],
      registers,
    });
    this.#batchesInFlight = new Gauge({
      name: 'sluice_producer_batches_in_flight',
      help: 'SendMessageBatch calls in progress.',
      labelNames: ['channel'],
      registers,
    });
    this.#callSeconds = new Histogram({
      name: 'sluice_aws_call_duration_seconds',
      help: 'SQS and DynamoDB calls, the SDK retries inside one call included.',
      labelNames: ['service', 'operation'],
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers,
    });
    this.#callErrors = new Counter({
      name: 'sluice_aws_call_errors_total',
      help: 'SQS and DynamoDB calls that failed after the SDK retries, by error name.',
      labelNames: ['service', 'operation', 'error'],
      registers,
    });
    this.#registerSourcedMetrics(registers);
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Where the producer and watch hub figures come from (the front's own, once they exist). */
  track(sources: FrontMetricSources): void {
    this.#sources = sources;
  }

  /** The `channel` label of a requested channel name. */
  channelLabel(channel: string): string {
    return this.#channels.has(channel) ? channel : UNKNOWN_CHANNEL;
  }

  /**
   * Runs one submit, counting it by channel and outcome and timing it.
   *
   * @example
   * ```ts
   * const ack = await metrics.observeSubmit(request.channel, () => submit());
   * ```
   */
  async observeSubmit<T extends { duplicate: boolean }>(
    channel: string,
    submit: () => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    let outcome: SubmitOutcome = 'internal';
    try {
      const ack = await submit();
      outcome = ack.duplicate ? 'duplicate' : 'accepted';
      return ack;
    } catch (error) {
      outcome = submitOutcomeOf(error);
      throw error;
    } finally {
      const labels = { channel: this.channelLabel(channel), outcome };
      this.#submits.inc(labels);
      this.#submitSeconds.observe(labels, (performance.now() - started) / MS_PER_SECOND);
    }
  }

  /**
   * Times every call of an AWS SDK client (`sluice_aws_call_duration_seconds`,
   * `sluice_aws_call_errors_total`) and, for SQS, the producer's batches:
   * entries per SendMessageBatch and the calls in flight, by the channel
   * whose queue it was sent to (`queues`).
   *
   * @example
   * ```ts
   * metrics.instrumentAwsClient(clients.dynamodb, 'DynamoDB');
   * ```
   */
  instrumentAwsClient<Input extends object, Output extends object>(
    client: MiddlewareStackOwner<Input, Output>,
    service: string,
    queues?: ReadonlyMap<string, ChannelQueues>,
  ): void {
    const channelOfQueue = new Map(
      [...(queues ?? new Map<string, ChannelQueues>())].map(([name, q]) => [q.queueUrl, name]),
    );
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = context.commandName?.replace(/Command$/, '') ?? 'unknown';
        const batch = operation === 'SendMessageBatch' ? (args.input as BatchInput) : undefined;
        const channel = { channel: channelOfQueue.get(batch?.QueueUrl ?? '') ?? OTHER_QUEUE };
        if (batch !== undefined) {
          this.#batchEntries.observe(channel, batch.Entries?.length ?? 0);
          this.#batchesInFlight.inc(channel);
        }
        const labels = { service, operation };
        const stopTimer = this.#callSeconds.startTimer(labels);
        try {
          return await next(args);
        } catch (error) {
          this.#callErrors.inc({
            ...labels,
            error: error instanceof Error ? error.name : 'unknown',
          });
          throw error;
        } finally {
          stopTimer();
          if (batch !== undefined) this.#batchesInFlight.dec(channel);
        }
      },
      { step: 'initialize', name: CALL_MIDDLEWARE, override: true },
    );
  }

  /** The metrics as Prometheus text (exposition format 0.0.4). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Counters and gauges read from the producer and the watch hub when scraped. */
  #registerSourcedMetrics(registers: Registry[]): void {
    const sourced = (
      name: string,
      help: string,
      kind: 'counter' | 'gauge',
      read: (sources: FrontMetricSources) => number,
    ): void => {
      const sources = (): FrontMetricSources | undefined => this.#sources;
      if (kind === 'gauge') {
        new Gauge({
          name,
          help,
          registers,
          collect() {
            const from = sources();
            if (from !== undefined) this.set(read(from));
          },
        });
        return;
      }
      new Counter({
        name,
        help,
        registers,
        collect() {
          const from = sources();
          if (from === undefined) return;
          // The source counts from the start; a counter only moves up, by the difference.
          this.reset();
          this.inc(read(from));
        },
      });
    };
    sourced(
      'sluice_producer_send_batch_requests_total',
      'SendMessageBatch calls the producer made (its retries included).',
      'counter',
      (s) => s.producer().sendBatchRequests,
    );
    sourced(
      'sluice_producer_entries_sent_total',
      'Messages SQS accepted from the producer.',
      'counter',
      (s) => s.producer().entriesSent,
    );
    sourced(
      'sluice_producer_entry_retries_total',
      'Entries the producer sent again after a failure.',
      'counter',
      (s) => s.producer().retries,
    );
    sourced(
      'sluice_producer_entries_failed_total',
      'Entries the producer gave up on.',
      'counter',
      (s) => s.producer().entriesFailed,
    );
    sourced(
      'sluice_producer_pending_entries',
      'Entries waiting in the producer (queued or in a batch in flight).',
      'gauge',
      (s) => s.producer().pending,
    );
    sourced(
      'sluice_watch_streams_open',
      'WatchJobs streams open (watch hub subscriptions).',
      'gauge',
      (s) => s.watch().subscriptions,
    );
    sourced('sluice_watched_jobs', 'Jobs watched now.', 'gauge', (s) => s.watch().watchedJobs);
    sourced(
      'sluice_watch_polls_total',
      'Polls of the watch hub.',
      'counter',
      (s) => s.watch().polls,
    );
    sourced(
      'sluice_watch_batch_get_calls_total',
      'BatchGetItem calls the watch hub made (one per ≤ 100 keys).',
      'counter',
      (s) => s.watch().batchGetCalls,
    );
    sourced(
      'sluice_watch_keys_read_total',
      'Job records the watch hub read.',
      'counter',
      (s) => s.watch().keysRead,
    );
  }
}

/** The batch part of a SendMessageBatch input. */
interface BatchInput {
  QueueUrl?: string;
  Entries?: readonly unknown[];
}
