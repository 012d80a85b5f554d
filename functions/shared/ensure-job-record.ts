import type { MessageEnvelope } from '../../core/envelope/message-envelope.js';
import type { JobRecord } from '../../core/jobs/job.js';
import { jobRecordFromEnvelope } from '../../core/jobs/job-record-from-envelope.js';
import type { JobsTable } from '../../core/jobs/jobs-table.js';

/**
 * The job's record, created QUEUED from its envelope when it does not exist
 * yet. The front writes the record only after SQS accepted the message, so a
 * consumer can be first (the front was slower, or died in between); the
 * create is conditional, and when it loses the race the winner's record is
 * read back.
 *
 * @example
 * ```ts
 * const record = await ensureJobRecord(table, envelope, { sequenceNumber, now: Date.now() });
 * ```
 */
export async function ensureJobRecord(
  table: JobsTable,
  envelope: MessageEnvelope,
  options: { sequenceNumber: string; now: number },
): Promise<JobRecord> {
  const key = { tenant: envelope.tenant, jobId: envelope.jobId };
  const existing = await table.get(key);
  if (existing !== undefined) return existing;
  const record = jobRecordFromEnvelope(envelope, options);
  if (await table.create(record)) return record;
  const winner = await table.get(key);
  if (winner === undefined) {
    throw new Error(`job ${envelope.jobId}: record neither created nor readable`);
  }
  return winner;
}
