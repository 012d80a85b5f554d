import { ValidationError } from '../../core/errors/index.js';
import { JOB_ID_PATTERN } from '../../core/jobs/job-ids.js';

/** Characters of a bad id quoted back in an error message. */
const QUOTED_ID_LENGTH = 40;

function quote(value: string): string {
  return JSON.stringify(value.slice(0, QUOTED_ID_LENGTH));
}

/**
 * Checks a request's job id: present and shaped like one (26 characters of
 * Crockford base32), else a `ValidationError` naming `field`.
 *
 * @example
 * ```ts
 * const jobId = parseJobId(call.request.jobId); // field `job_id`
 * ```
 */
export function parseJobId(value: string, field = 'job_id'): string {
  if (value === '') throw new ValidationError(`${field}: is required`, { field });
  if (!JOB_ID_PATTERN.test(value)) {
    throw new ValidationError(
      `${field}: ${quote(value)} is not a job id (26 characters, Crockford base32)`,
      {
        field,
      },
    );
  }
  return value;
}

/**
 * Checks the ids of a WatchJobs request: at least one, each a job id, at most
 * `maxJobs` distinct ones. Returns them without repeats, in request order.
 *
 * @example
 * ```ts
 * const ids = parseWatchJobIds(call.request.jobIds, 1000);
 * ```
 */
export function parseWatchJobIds(ids: readonly string[], maxJobs: number): string[] {
  const field = 'job_ids';
  if (ids.length === 0)
    throw new ValidationError(`${field}: at least one job id is required`, { field });
  ids.forEach((id, index) => {
    if (!JOB_ID_PATTERN.test(id)) {
      throw new ValidationError(`${field}[${index}]: ${quote(id)} is not a job id`, { field });
    }
  });
  const unique = [...new Set(ids)];
  if (unique.length > maxJobs) {
    throw new ValidationError(
      `${field}: at most ${maxJobs} jobs per watch (got ${unique.length})`,
      {
        field,
      },
    );
  }
  return unique;
}
