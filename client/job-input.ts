import { randomUUID } from 'node:crypto';
import { status as Status } from '@grpc/grpc-js';
import type { SubmitJobRequest } from '../proto/gen/ts/sluice/v1/job_service.js';
import { encodePayload, type PayloadInput } from './payload.js';
import { SluiceClientError } from './sluice-client-error.js';

/**
 * The channel jobs go to when neither the job nor the client names one.
 *
 * @example
 * ```ts
 * await client.submit({ type: 'echo' }); // goes to DEFAULT_CHANNEL unless the client says otherwise
 * ```
 */
export const DEFAULT_CHANNEL = 'default';

/**
 * Ask the client to generate the idempotency key (a random UUID).
 *
 * @example
 * ```ts
 * await client.submit(job, { idempotencyKey: AUTO_IDEMPOTENCY_KEY });
 * ```
 */
export const AUTO_IDEMPOTENCY_KEY = 'auto';

/**
 * A job to submit, as callers write it.
 *
 * @example
 * ```ts
 * const job: JobInput = { type: 'sleep', payload: json({ ms: 200 }), groupKey: 'tenant-7', attributes: { origin: 'docs' } };
 * ```
 */
export interface JobInput {
  /** The channel (queue); default: the client's `defaultChannel` (`default`). */
  channel?: string;
  /** The job type: the processor that runs it. */
  type: string;
  /** The input: bytes, UTF-8 text, or `{ json: value }` (see `json()`). */
  payload?: PayloadInput;
  /** Overrides the media type derived from `payload`. */
  contentType?: string;
  /** Jobs with one group key run one at a time, in submit order. */
  groupKey?: string;
  /** One key means one job (per tenant and channel); see also `SubmitOptions.idempotencyKey`. */
  idempotencyKey?: string;
  /** Free-form labels stored with the job. */
  attributes?: Record<string, string>;
}

/**
 * A job encoded for the wire, with the key it carries and who chose it.
 *
 * @example
 * ```ts
 * const { request, idempotencyKey }: PreparedJob = prepareJob(job, { defaultChannel: 'default', generate: true });
 * ```
 */
export interface PreparedJob {
  request: SubmitJobRequest;
  /** Empty when the job has no key (then resubmitting it could create a second job). */
  idempotencyKey: string;
  /** True when the client generated the key, so no earlier submit of the caller can share it. */
  generatedKey: boolean;
}

/**
 * Generates an idempotency key: a random UUID, unique enough that a key the
 * client made up only ever matches its own retries.
 *
 * @example
 * ```ts
 * await client.submit(job, { idempotencyKey: generateIdempotencyKey() });
 * ```
 */
export function generateIdempotencyKey(): string {
  return randomUUID();
}

/**
 * Encodes a `JobInput` into a `SubmitJobRequest` and settles its idempotency
 * key: an explicit key wins, `'auto'` (or `generate`) makes one up. A payload
 * that cannot be encoded is `INVALID_ARGUMENT` on `job.payload`.
 *
 * @example
 * ```ts
 * const { request } = prepareJob({ type: 'echo', payload: json({ a: 1 }) }, { defaultChannel: 'default', generate: true });
 * ```
 */
export function prepareJob(
  job: JobInput,
  options: { defaultChannel: string; idempotencyKey?: string; generate: boolean },
): PreparedJob {
  const requested = options.idempotencyKey ?? job.idempotencyKey;
  const generatedKey =
    requested === AUTO_IDEMPOTENCY_KEY ||
    ((requested === undefined || requested === '') && options.generate);
  const idempotencyKey = generatedKey ? generateIdempotencyKey() : (requested ?? '');
  let encoded;
  try {
    encoded = encodePayload(job.payload, job.contentType);
  } catch (error) {
    throw new SluiceClientError({
      code: Status.INVALID_ARGUMENT,
      details: `the payload cannot be encoded: ${error instanceof Error ? error.message : String(error)}`,
      field: 'job.payload',
      cause: error,
    });
  }
  return {
    request: {
      channel: job.channel ?? options.defaultChannel,
      type: job.type,
      payload: Buffer.from(
        encoded.bytes.buffer,
        encoded.bytes.byteOffset,
        encoded.bytes.byteLength,
      ),
      contentType: encoded.contentType,
      groupKey: job.groupKey ?? '',
      idempotencyKey,
      attributes: { ...job.attributes },
    },
    idempotencyKey,
    generatedKey,
  };
}
