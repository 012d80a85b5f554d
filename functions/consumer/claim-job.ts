import type { MessageEnvelope } from '../../core/envelope/message-envelope.js';
import type { JobRecord } from '../../core/jobs/job.js';
import { jobRecordFromEnvelope } from '../../core/jobs/job-record-from-envelope.js';
import type { JobsTable } from '../../core/jobs/jobs-table.js';
import { isTerminal } from '../../core/jobs/state-machine.js';
import type { Logger } from '../../core/logging/logger.js';
import { ensureJobRecord } from '../shared/ensure-job-record.js';

/** Read-decide-write rounds before a claim gives up to concurrent writers. */
const MAX_CLAIM_ROUNDS = 4;

/** What claiming a job found. */
export type JobClaim =
  /** This attempt owns the job: it is RUNNING with this record. */
  | { kind: 'claimed'; record: JobRecord }
  /** The job already ended (done, failed, dead-lettered or cancelled): nothing to run. */
  | { kind: 'terminal'; record: JobRecord }
  /** Other writers kept moving the job; try the message again later. */
  | { kind: 'contended' };

/** Inputs of `claimJob`. */
export interface ClaimJobOptions {
  table: JobsTable;
  envelope: MessageEnvelope;
  /** The message's SQS sequence number, stored when this creates the record. */
  sequenceNumber: string;
  clock: () => number;
  logger: Logger;
}

/**
 * Makes this attempt the job's owner. The common case — the first delivery
 * of a job whose front already wrote its record — costs one conditional
 * write and no read: the record is then exactly as the front created it
 * (QUEUED, at its first version), so the claim names that version without
 * reading it. When that write loses its condition (the record is absent,
 * was requeued, cancelled, or is RUNNING after a crashed attempt), it falls
 * back to the general claim: read the record (creating it from the envelope
 * when absent), skip a terminal job, and move QUEUED → RUNNING — or RUNNING
 * → RUNNING, a redelivered message taking over an attempt that crashed —
 * conditionally on the version read. A lost condition there means another
 * writer came first (a cancel, the front's create), so it reads again and
 * decides again, a bounded number of times.
 *
 * @example
 * ```ts
 * const claim = await claimJob({ table, envelope, sequenceNumber, clock: Date.now, logger });
 * if (claim.kind === 'claimed') await run(claim.record);
 * ```
 */
export async function claimJob(options: ClaimJobOptions): Promise<JobClaim> {
  const { table, envelope } = options;
  const key = { tenant: envelope.tenant, jobId: envelope.jobId };
  const created = jobRecordFromEnvelope(envelope, {
    sequenceNumber: options.sequenceNumber,
    now: options.clock(),
  });
  const claimedFresh = await table.markRunning(key, created.version);
  if (claimedFresh !== undefined) return { kind: 'claimed', record: claimedFresh };
  for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
    const current = await ensureJobRecord(table, envelope, {
      sequenceNumber: options.sequenceNumber,
      now: options.clock(),
    });
    if (isTerminal(current.state)) return { kind: 'terminal', record: current };
    if (current.state === 'RUNNING') {
      options.logger.warn(
        { attempts: current.attempts },
        'taking over a job whose previous attempt did not finish',
      );
    }
    const running = await table.markRunning(key, current.version);
    if (running !== undefined) return { kind: 'claimed', record: running };
    options.logger.debug({ round }, 'claim lost to a concurrent writer; reading again');
  }
  return { kind: 'contended' };
}
