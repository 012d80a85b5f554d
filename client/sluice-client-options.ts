import type { ChannelCredentials, ChannelOptions } from '@grpc/grpc-js';
import type { TlsOptions } from './connection/channel-credentials.js';
import type { RetryOptions } from './retry/backoff.js';

/**
 * Where `npm start` serves the front.
 *
 * @example
 * ```ts
 * new SluiceClient(); // calls DEFAULT_ENDPOINT
 * ```
 */
export const DEFAULT_ENDPOINT = '127.0.0.1:50051';
/**
 * The budget of one unary call, retries included.
 *
 * @example
 * ```ts
 * await client.get(jobId, { deadlineMs: DEFAULT_DEADLINE_MS * 2 });
 * ```
 */
export const DEFAULT_DEADLINE_MS = 30_000;
/**
 * The longest wait for a connection before each attempt.
 *
 * @example
 * ```ts
 * new SluiceClient({ connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS / 5 }); // fail fast in a script
 * ```
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/**
 * Keepalive pings while calls are open: finds dead connections (a partition, a vanished host).
 *
 * @example
 * ```ts
 * new SluiceClient({ channelOptions: { 'grpc.keepalive_time_ms': DEFAULT_KEEPALIVE_TIME_MS / 2 } });
 * ```
 */
export const DEFAULT_KEEPALIVE_TIME_MS = 60_000;
/**
 * How long a keepalive ping may go unanswered before the connection counts as dead.
 *
 * @example
 * ```ts
 * new SluiceClient({ channelOptions: { 'grpc.keepalive_timeout_ms': DEFAULT_KEEPALIVE_TIMEOUT_MS } });
 * ```
 */
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = 20_000;

/**
 * Options of `new SluiceClient()`. Every one has a default.
 *
 * @example
 * ```ts
 * const client = new SluiceClient({
 *   endpoint: 'jobs.example.com:443',
 *   tls: true,
 *   apiKey: process.env.SLUICE_API_KEY,
 *   defaultDeadlineMs: 10_000,
 *   retry: { maxAttempts: 8 },
 * } satisfies SluiceClientOptions);
 * ```
 */
export interface SluiceClientOptions {
  /** `host:port` of the front (default `127.0.0.1:50051`). */
  endpoint?: string;
  /** Use TLS: `true` trusts the system's roots; `TlsOptions` for custom roots or mutual TLS. Default: plaintext. */
  tls?: boolean | TlsOptions;
  /** Full control over the channel credentials (overrides `tls`). */
  credentials?: ChannelCredentials;
  /** Sent as `authorization: Bearer <apiKey>` on every call. */
  apiKey?: string;
  /** The budget of each unary call, retries included (default 30 s). Streams have none. */
  defaultDeadlineMs?: number;
  /** The longest wait for a connection before each attempt (default 5 s). */
  connectTimeoutMs?: number;
  /** Backoff and attempts of retries and stream reconnects. */
  retry?: Partial<RetryOptions>;
  /** The channel of jobs that name none (default `default`). */
  defaultChannel?: string;
  /**
   * Give every `submit` without an idempotency key a generated one, making
   * its retries safe (default false: a keyless submit is never retried).
   */
  generateIdempotencyKeys?: boolean;
  /** Extra grpc-js channel options (merged over the client's keepalive and reconnect settings). */
  channelOptions?: ChannelOptions;
}
