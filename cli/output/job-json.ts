import type { Job, JobError, JsonValue } from '@sluice/client';

/**
 * A job as the CLI prints it with `--json`: plain JSON, times as ISO strings.
 *
 * @example
 * ```ts
 * const view: JobJson = jobToJson(job); // { jobId, state, result, … }
 * ```
 */
export interface JobJson {
  jobId: string;
  channel: string;
  type: string;
  state: string;
  attempts: number;
  version: number;
  groupKey?: string;
  idempotencyKey?: string;
  attributes: Record<string, string>;
  /** The result decoded: JSON value when it is JSON, else text. */
  result?: JsonValue;
  /** The result as base64, when it is neither JSON nor UTF-8 text. */
  resultBase64?: string;
  resultContentType?: string;
  error?: JobError;
  progress?: { fraction: number; message: string };
  createdAt?: string;
  updatedAt?: string;
  startedAt?: string;
  finishedAt?: string;
}

/**
 * Renders a job for `--json` output. The result is decoded when it is JSON or
 * text (what the example processors return) and base64 otherwise.
 *
 * @example
 * ```ts
 * io.stdout.write(`${JSON.stringify(jobToJson(job))}\n`);
 * ```
 */
export function jobToJson(job: Job): JobJson {
  const decoded = job.result?.toDisplayValue();
  return dropUndefined({
    jobId: job.jobId,
    channel: job.channel,
    type: job.type,
    state: job.state,
    attempts: job.attempts,
    version: job.version,
    groupKey: job.groupKey,
    idempotencyKey: job.idempotencyKey,
    attributes: job.attributes,
    result: decoded,
    resultBase64:
      job.result !== undefined && decoded === undefined
        ? Buffer.from(job.result.bytes).toString('base64')
        : undefined,
    resultContentType: job.result?.contentType || undefined,
    error: job.error,
    progress: job.progress,
    createdAt: job.createdAt?.toISOString(),
    updatedAt: job.updatedAt?.toISOString(),
    startedAt: job.startedAt?.toISOString(),
    finishedAt: job.finishedAt?.toISOString(),
  });
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
