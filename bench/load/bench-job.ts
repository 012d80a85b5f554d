import type { SubmitJobRequest } from '../../proto/gen/ts/sluice/v1/job_service.js';

/** The channel and job type every benchmark job uses: `echo` returns its payload. */
export const BENCH_CHANNEL = 'default';
export const BENCH_JOB_TYPE = 'echo';
/** Filler in each payload, so a job is the size of a small real one (~100 bytes). */
const PAYLOAD_PADDING = 'x'.repeat(64);

/** How a benchmark job differs from the default small, unkeyed one. */
export interface BenchJobOptions {
  /** The payload's size in bytes (JSON, padded); about 100 B when unset. */
  payloadBytes?: number;
  /** The idempotency key (the TypeScript client generates one per job by default). */
  idempotencyKey?: string;
}

/**
 * The payload of job `n`: `{"n":…,"padding":"xx…"}`, padded to exactly
 * `bytes` when given (and when that is more than the bare JSON).
 */
function payloadOf(n: number, bytes: number | undefined): Buffer {
  if (bytes === undefined) return Buffer.from(JSON.stringify({ n, padding: PAYLOAD_PADDING }));
  const bare = JSON.stringify({ n, padding: '' }).length;
  return Buffer.from(JSON.stringify({ n, padding: 'x'.repeat(Math.max(0, bytes - bare)) }));
}

/**
 * The SubmitJobRequest of benchmark job number `n`: a small JSON `echo` job
 * with no group key (full parallelism) and, unless `options` say otherwise,
 * no idempotency key (fresh ids) and a ~100-byte payload.
 *
 * @example
 * ```ts
 * client.submitJob(benchJobRequest(1), callback);
 * client.submitJob(benchJobRequest(2, { payloadBytes: 10 * 1024, idempotencyKey: randomUUID() }), callback);
 * ```
 */
export function benchJobRequest(n: number, options: BenchJobOptions = {}): SubmitJobRequest {
  return {
    channel: BENCH_CHANNEL,
    type: BENCH_JOB_TYPE,
    payload: payloadOf(n, options.payloadBytes),
    contentType: 'application/json',
    groupKey: '',
    idempotencyKey: options.idempotencyKey ?? '',
    attributes: {},
  };
}
