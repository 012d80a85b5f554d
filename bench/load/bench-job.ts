import type { SubmitJobRequest } from '../../proto/gen/ts/sluice/v1/job_service.js';

/** The channel and job type every benchmark job uses: `echo` returns its payload. */
export const BENCH_CHANNEL = 'default';
export const BENCH_JOB_TYPE = 'echo';
/** Filler in each payload, so a job is the size of a small real one (~100 bytes). */
const PAYLOAD_PADDING = 'x'.repeat(64);

/**
 * The SubmitJobRequest of benchmark job number `n`: a small JSON `echo` job
 * with no group key (full parallelism) and no idempotency key (fresh ids).
 *
 * @example
 * ```ts
 * client.submitJob(benchJobRequest(1), callback);
 * ```
 */
export function benchJobRequest(n: number): SubmitJobRequest {
  return {
    channel: BENCH_CHANNEL,
    type: BENCH_JOB_TYPE,
    payload: Buffer.from(JSON.stringify({ n, padding: PAYLOAD_PADDING })),
    contentType: 'application/json',
    groupKey: '',
    idempotencyKey: '',
    attributes: {},
  };
}
