/**
 * The Sluice TypeScript client: `SluiceClient` and the types it speaks.
 *
 * @example
 * ```ts
 * import { SluiceClient, json } from 'sluice/client';
 * const client = new SluiceClient();
 * const { jobId } = await client.submit({ type: 'echo', payload: json({ a: 1 }) });
 * ```
 */
export { SluiceClient } from './sluice-client.js';
export type { CallOptions, SubmitOptions, SubmitResult, WatchOptions } from './sluice-client.js';
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_DEADLINE_MS,
  DEFAULT_ENDPOINT,
  type SluiceClientOptions,
} from './sluice-client-options.js';
export type { TlsOptions } from './connection/channel-credentials.js';
export { DEFAULT_RETRY_OPTIONS, type RetryOptions } from './retry/backoff.js';
export {
  AUTO_IDEMPOTENCY_KEY,
  DEFAULT_CHANNEL,
  generateIdempotencyKey,
  type JobInput,
} from './job-input.js';
export {
  isTerminalState,
  TERMINAL_JOB_STATES,
  type Job,
  type JobError,
  type JobProgress,
  type JobTransition,
  type JobState,
} from './job.js';
export { JobResult } from './job-result.js';
export {
  BYTES_CONTENT_TYPE,
  encodePayload,
  json,
  JSON_CONTENT_TYPE,
  TEXT_CONTENT_TYPE,
  type EncodedPayload,
  type JsonValue,
  type PayloadInput,
} from './payload.js';
export {
  ConnectTimeoutError,
  FIELD_METADATA_KEY,
  JOB_ID_METADATA_KEY,
  SluiceClientError,
  statusName,
  type StatusName,
} from './sluice-client-error.js';
export {
  DEFAULT_MAX_IN_FLIGHT,
  type BulkSubmitAccepted,
  type BulkSubmitItem,
  type BulkSubmitRejected,
  type BulkSubmitResult,
  type SubmitManyOptions,
} from './streams/bulk-submission.js';
export type { ChannelInfo, JobFilter, JobPage } from './job-listing.js';
