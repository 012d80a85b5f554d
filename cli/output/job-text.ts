import type { Job, JobError } from '@sluice/client';

const PERCENT = 100;
const LABEL_WIDTH = 10;

/**
 * One line about a job's latest change, as `watch` prints them:
 * `12:00:01.250  01J…  RUNNING  attempt 1  40% resizing`.
 *
 * @example
 * ```ts
 * io.stdout.write(`${jobLine(job)}\n`);
 * ```
 */
export function jobLine(job: Job): string {
  const time = (job.updatedAt ?? new Date()).toISOString().slice('yyyy-mm-ddT'.length, -1);
  const parts = [time, job.jobId, job.state];
  if (job.attempts > 0) parts.push(`attempt ${job.attempts}`);
  if (job.state === 'RUNNING' && job.progress !== undefined) {
    parts.push(`${Math.round(job.progress.fraction * PERCENT)}%`);
    if (job.progress.message !== '') parts.push(job.progress.message);
  }
  if (job.error !== undefined) parts.push(errorText(job.error));
  return parts.join('  ');
}

/**
 * A job's whole record as aligned `label  value` lines, for `get` and `cancel`.
 *
 * @example
 * ```ts
 * io.stdout.write(jobDetails(await client.get(id)));
 * ```
 */
export function jobDetails(job: Job): string {
  const rows: [string, string | undefined][] = [
    ['job', job.jobId],
    ['state', `${job.state} (attempts ${job.attempts}, version ${job.version})`],
    ['channel', job.channel],
    ['type', job.type],
    ['group', job.groupKey],
    ['key', job.idempotencyKey],
    [
      'attributes',
      Object.keys(job.attributes).length === 0
        ? undefined
        : Object.entries(job.attributes)
            .map(([key, value]) => `${key}=${value}`)
            .join(' '),
    ],
    [
      'progress',
      job.progress === undefined
        ? undefined
        : `${Math.round(job.progress.fraction * PERCENT)}% ${job.progress.message}`.trim(),
    ],
    ['created', job.createdAt?.toISOString()],
    ['started', job.startedAt?.toISOString()],
    ['finished', job.finishedAt?.toISOString()],
    ['error', job.error === undefined ? undefined : errorText(job.error)],
    ['result', job.result === undefined ? undefined : resultText(job)],
  ];
  return rows
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([label, value]) => `${label.padEnd(LABEL_WIDTH)}${value}\n`)
    .join('');
}

/**
 * A job's result for humans: pretty JSON, text, or a note about binary
 * bytes. Empty string when the job has no result.
 *
 * @example
 * ```ts
 * if (job.state === 'SUCCEEDED') io.stdout.write(`${resultText(job)}\n`);
 * ```
 */
export function resultText(job: Job): string {
  if (job.result === undefined) return '';
  const value = job.result.toDisplayValue();
  if (value === undefined) {
    return `<${job.result.bytes.byteLength} bytes of ${job.result.contentType || 'binary data'}>`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/**
 * An error recorded on a job: `INVALID_ARGUMENT: message (field x)`.
 *
 * @example
 * ```ts
 * io.stderr.write(`${job.state}: ${errorText(job.error)}\n`);
 * ```
 */
export function errorText(error: JobError): string {
  const field = error.field === undefined ? '' : ` (field ${error.field})`;
  return `${error.codeName}: ${error.message}${field}`;
}
