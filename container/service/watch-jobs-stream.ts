import type { ServerWritableStream } from '@grpc/grpc-js';
import { JobNotFoundError } from '../../core/errors/index.js';
import type { JobKey, JobRecord } from '../../core/jobs/job.js';
import type { JobsTable } from '../../core/jobs/jobs-table.js';
import type { Logger } from '../../core/logging/logger.js';
import type {
  WatchJobsRequest,
  WatchJobsResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import type { Authenticator } from '../auth/authenticator.js';
import { callDependency } from '../errors/call-dependency.js';
import type { WatchHub } from '../watch/watch-hub.js';
import { statusFromError } from './error-status.js';
import { parseWatchJobIds } from './job-id-fields.js';
import { checkRequestDecoded } from './strict-request-decoding.js';
import { toProtoJob } from './proto-job.js';

/** Jobs one WatchJobs call may follow, by default. */
export const DEFAULT_MAX_WATCH_JOBS = 1_000;

/** What a WatchJobs call needs. */
export interface WatchJobsDependencies {
  table: JobsTable;
  hub: WatchHub;
  authenticator: Authenticator;
  maxWatchJobs: number;
  logger: Logger;
}

type WatchCall = ServerWritableStream<WatchJobsRequest, WatchJobsResponse>;

/** Resolves when the call can take more writes, or is gone. */
function writable(call: WatchCall): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      call.off('cancelled', done);
      call.off('close', done);
      resolve();
    };
    call.once('drain', done);
    call.once('cancelled', done);
    call.once('close', done);
  });
}

/** The current records of `ids`, in request order; NOT_FOUND (naming the id) when one is missing. */
async function readAll(table: JobsTable, keys: readonly JobKey[]): Promise<JobRecord[]> {
  const records = await callDependency('read the jobs', () => table.batchGet(keys));
  const byId = new Map(records.map((record) => [record.jobId, record]));
  return keys.map(({ jobId }) => {
    const record = byId.get(jobId);
    if (record === undefined) {
      throw new JobNotFoundError(`job_ids: job ${jobId} not found`, { field: 'job_ids' });
    }
    return record;
  });
}

/**
 * Serves one WatchJobs call: checks the ids, reads every job first (an
 * unknown one is NOT_FOUND before anything is streamed), then streams the
 * current snapshot of each and one snapshot per change from the watch hub,
 * honouring the client's flow control, and ends OK when every job is
 * terminal. A client cancel ends the subscription; a server shutdown ends
 * the stream with UNAVAILABLE.
 *
 * @example
 * ```ts
 * watchJobs: (call) => void serveWatchJobs(call, { table, hub, authenticator, maxWatchJobs: 1000, logger }),
 * ```
 */
export async function serveWatchJobs(call: WatchCall, deps: WatchJobsDependencies): Promise<void> {
  const log = deps.logger.child({ method: 'WatchJobs' });
  try {
    const { tenant } = await deps.authenticator.authenticate(call.metadata);
    checkRequestDecoded(call.request);
    const ids = parseWatchJobIds(call.request.jobIds, deps.maxWatchJobs);
    const records = await readAll(
      deps.table,
      ids.map((jobId) => ({ tenant, jobId })),
    );
    if (call.cancelled) return;
    const subscription = deps.hub.subscribe(records);
    const stop = (): void => subscription.close();
    call.once('cancelled', stop);
    try {
      for await (const snapshot of subscription) {
        if (call.cancelled) break;
        if (!call.write({ job: toProtoJob(snapshot) })) await writable(call);
      }
    } finally {
      call.off('cancelled', stop);
      subscription.close();
    }
    if (!call.cancelled) call.end();
  } catch (error) {
    if (!call.cancelled) call.emit('error', statusFromError(error, log));
  }
}
