import { JobNotFoundError, JobStateConflictError } from '../../core/errors/index.js';
import type { JobKey, JobRecord } from '../../core/jobs/job.js';
import type { JobsTable } from '../../core/jobs/jobs-table.js';
import { RETRYABLE_STATES } from '../../core/jobs/state-machine.js';
import { UnavailableError } from '../../core/errors/index.js';
import { callDependency } from '../errors/call-dependency.js';
import type { JobSubmitter, SubmitOptions } from '../submit/job-submitter.js';

/** What RetryJob answers: the new job, and whether an earlier call had created it. */
export interface RetryOutcome {
  job: JobRecord;
  duplicate: boolean;
}

function refused(jobId: string, message: string): JobStateConflictError {
  return new JobStateConflictError(`job_id: job ${jobId} ${message}`, { field: 'job_id' });
}

/**
 * RetryJob: a FAILED, DEAD_LETTERED or CANCELLED job runs again as a new
 * job with the original's channel, type, payload (kept on the record when
 * it failed, was dead-lettered or its cancelled message left the queue),
 * content type, group key and attributes. The new job goes through the same
 * submit path as any other (validation against today's channels, queue
 * first, record second) with an id derived from the original's, so a
 * repeated call finds it (`duplicate`); then the original records it as
 * `retriedAs` — not a transition, so its state and version stay.
 *
 * @example
 * ```ts
 * const retrier = new JobRetrier({ table, submitter });
 * const { job, duplicate } = await retrier.retry('acme', jobId, { signal, deadline });
 * ```
 */
export class JobRetrier {
  readonly #table: JobsTable;
  readonly #submitter: JobSubmitter;

  constructor(options: { table: JobsTable; submitter: JobSubmitter }) {
    this.#table = options.table;
    this.#submitter = options.submitter;
  }

  /** Retries `jobId` of `tenant`; `call` tells when the call ended (nothing is enqueued after). */
  async retry(
    tenant: string,
    jobId: string,
    call: Pick<SubmitOptions, 'signal' | 'deadline'> = {},
  ): Promise<RetryOutcome> {
    const key: JobKey = { tenant, jobId };
    const original = await callDependency('read the job', () => this.#table.get(key));
    if (original === undefined) {
      throw new JobNotFoundError(`job_id: job ${jobId} not found`, { field: 'job_id' });
    }
    if (!RETRYABLE_STATES.includes(original.state)) {
      throw refused(
        jobId,
        `is ${original.state}; only a FAILED, DEAD_LETTERED or CANCELLED job can be retried`,
      );
    }
    if (original.payload === undefined) {
      throw refused(
        jobId,
        original.state === 'CANCELLED'
          ? 'was cancelled while its message waits in the queue, where its payload still is; it can be retried once that message has been dropped (after the jobs queued before it in its group)'
          : 'has no kept payload (it ended before this service kept payloads for retries)',
      );
    }
    const submission = this.#submitter.validate({
      channel: original.channel,
      type: original.type,
      payload: original.payload,
      contentType: original.contentType,
      groupKey: original.groupKey,
      idempotencyKey: '',
      attributes: original.attributes,
    });
    const ack = await this.#submitter.submit(tenant, submission, { ...call, retryOf: jobId });
    const marked = await callDependency('record the retry', () =>
      this.#table.markRetried(key, ack.jobId),
    );
    if (marked === undefined) {
      throw refused(jobId, 'was retried as another job meanwhile');
    }
    const job = await callDependency('read the new job', () =>
      this.#table.get({ tenant, jobId: ack.jobId }),
    );
    if (job === undefined) {
      throw new UnavailableError('the new job could not be read back; call RetryJob again');
    }
    return { job, duplicate: ack.duplicate };
  }
}
