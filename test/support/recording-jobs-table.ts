import type { JobError, JobKey, JobProgress, JobRecord, JobState } from '../../core/jobs/job.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';

/** One write that took effect, as its writer saw it succeed. */
export interface RecordedWrite {
  jobId: string;
  state: JobState;
  /** The record's version right after the write. */
  version: number;
  /** A state change (or the record's creation), or a progress report. */
  kind: 'transition' | 'progress';
}

/**
 * A `JobsTable` that remembers every write that took effect through it (a
 * conditional write that lost its condition changed nothing and is not
 * kept): what a consumer really wrote, observed from the writer's side
 * instead of read back from the record — so a test can compare what a
 * watch delivered with what happened, not with the record's own history.
 *
 * @example
 * ```ts
 * const table = new RecordingJobsTable({ client: documents, tableName });
 * await startLocalConsumers({ sqs, table, region, queues });
 * const states = table.writesOf(jobId).map((write) => write.state);
 * ```
 */
export class RecordingJobsTable extends JobsTable {
  readonly #writes: RecordedWrite[] = [];

  /** The writes of one job, in the order they took effect. */
  writesOf(jobId: string): RecordedWrite[] {
    return this.#writes.filter((write) => write.jobId === jobId);
  }

  override async create(record: JobRecord): Promise<boolean> {
    const created = await super.create(record);
    if (created) this.#keep(record, 'transition');
    return created;
  }

  override async markRunning(key: JobKey, expectedVersion: number) {
    return this.#kept(await super.markRunning(key, expectedVersion));
  }

  override async markSucceeded(
    key: JobKey,
    expectedVersion: number,
    result: Uint8Array,
    resultContentType: string,
  ) {
    return this.#kept(await super.markSucceeded(key, expectedVersion, result, resultContentType));
  }

  override async markFailed(key: JobKey, expectedVersion: number, error: JobError) {
    return this.#kept(await super.markFailed(key, expectedVersion, error));
  }

  override async requeue(key: JobKey, expectedVersion: number, error: JobError) {
    return this.#kept(await super.requeue(key, expectedVersion, error));
  }

  override async markDeadLettered(key: JobKey, fallbackError: JobError) {
    return this.#kept(await super.markDeadLettered(key, fallbackError));
  }

  override async cancel(key: JobKey) {
    return this.#kept(await super.cancel(key));
  }

  override async reportProgress(key: JobKey, expectedVersion: number, progress: JobProgress) {
    return this.#kept(await super.reportProgress(key, expectedVersion, progress), 'progress');
  }

  #kept(
    record: JobRecord | undefined,
    kind: RecordedWrite['kind'] = 'transition',
  ): JobRecord | undefined {
    if (record !== undefined) this.#keep(record, kind);
    return record;
  }

  #keep(record: JobRecord, kind: RecordedWrite['kind']): void {
    this.#writes.push({ jobId: record.jobId, state: record.state, version: record.version, kind });
  }
}
