import {
  connectivityState as ConnectivityState,
  Metadata,
  status as Status,
  type ChannelCredentials,
  type ChannelOptions,
} from '@grpc/grpc-js';
import { JobServiceClient } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { ConnectTimeoutError, SluiceClientError } from '../sluice-client-error.js';
import { addTraceContext } from './trace-context-metadata.js';

/** Where the API key goes: the standard bearer-token header. */
const AUTHORIZATION_METADATA_KEY = 'authorization';

/**
 * What a `JobServiceConnection` needs.
 *
 * @example
 * ```ts
 * new JobServiceConnection({ endpoint: '127.0.0.1:50051', credentials: credentials.createInsecure(), channelOptions: {} });
 * ```
 */
export interface JobServiceConnectionOptions {
  endpoint: string;
  credentials: ChannelCredentials;
  channelOptions: ChannelOptions;
  apiKey?: string;
}

/**
 * One gRPC channel to a front plus what every call on it needs: the
 * credentials' metadata and a way to wait for a ready connection. Waiting
 * before a call, rather than letting the call wait, tells "could not connect"
 * (nothing was sent: safe to retry) apart from "the call ran out of time".
 *
 * @example
 * ```ts
 * const connection = new JobServiceConnection({ endpoint, credentials, channelOptions: {} });
 * await connection.ready(5_000);
 * connection.grpc.getJob({ jobId }, connection.metadata(), callback);
 * ```
 */
export class JobServiceConnection {
  /** The generated grpc-js client. */
  readonly grpc: JobServiceClient;
  /** `host:port` of the front. */
  readonly endpoint: string;
  readonly #apiKey: string | undefined;
  #closed = false;

  constructor(options: JobServiceConnectionOptions) {
    this.endpoint = options.endpoint;
    this.#apiKey = options.apiKey;
    this.grpc = new JobServiceClient(options.endpoint, options.credentials, options.channelOptions);
  }

  /**
   * Fresh metadata for one call, carrying `authorization: Bearer <apiKey>`
   * when a key is set, and the caller's active OpenTelemetry trace context
   * when there is one (`addTraceContext`).
   */
  metadata(): Metadata {
    const metadata = new Metadata();
    addTraceContext(metadata);
    if (this.#apiKey !== undefined) {
      metadata.set(AUTHORIZATION_METADATA_KEY, `Bearer ${this.#apiKey}`);
    }
    return metadata;
  }

  /**
   * Resolves once the channel is connected (starting a connection if it is
   * idle); rejects with `ConnectTimeoutError` after `timeoutMs`, with the
   * signal's reason when it aborts, and with `CANCELLED` once closed.
   */
  async ready(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.#throwIfClosed();
    if (this.grpc.getChannel().getConnectivityState(true) === ConnectivityState.READY) return;
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(signal?.reason as Error);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.grpc.waitForReady(Date.now() + timeoutMs, (error) => {
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else if (this.#closed) reject(closedError());
        else reject(new ConnectTimeoutError(this.endpoint, timeoutMs));
      });
    });
  }

  /** Closes the channel; calls in progress are cancelled. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.grpc.close();
  }

  #throwIfClosed(): void {
    if (this.#closed) throw closedError();
  }
}

function closedError(): SluiceClientError {
  return new SluiceClientError({ code: Status.CANCELLED, details: 'the client is closed' });
}
