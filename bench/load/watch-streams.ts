import { TERMINAL_STATES } from '../../core/jobs/state-machine.js';
import { status as grpcStatus, type ClientReadableStream } from '@grpc/grpc-js';
import {
  JobState,
  type JobServiceClient,
  type WatchJobsResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';

/** The terminal states of the API enum (the wire name of each state is `JOB_STATE_<state>`). */
const TERMINAL_PROTO_STATES: ReadonlySet<JobState> = new Set(
  [...TERMINAL_STATES].map((state) => JobState[`JOB_STATE_${state}`]),
);

/** Whether a job in `state` will never change again. */
export function isTerminalState(state: JobState): boolean {
  return TERMINAL_PROTO_STATES.has(state);
}

/** How a watch stream ended. */
export interface WatchEnd {
  /** `true` when the server ended it (every job terminal), `false` on error or cancel. */
  endedByServer: boolean;
  error?: unknown;
}

/** An open WatchJobs stream. */
export interface OpenWatch {
  call: ClientReadableStream<WatchJobsResponse>;
  ended: Promise<WatchEnd>;
}

/**
 * Opens a WatchJobs stream for `jobIds`, calling `onSnapshot` for every
 * snapshot it delivers.
 *
 * @example
 * ```ts
 * const watch = openWatch(client, ids, (job) => { if (job.state === JobState.JOB_STATE_SUCCEEDED) done(job.jobId); });
 * await watch.ended;
 * ```
 */
export function openWatch(
  client: JobServiceClient,
  jobIds: string[],
  onSnapshot: (job: NonNullable<WatchJobsResponse['job']>) => void,
): OpenWatch {
  const call = client.watchJobs({ jobIds });
  call.on('data', (response: WatchJobsResponse) => {
    if (response.job !== undefined) onSnapshot(response.job);
  });
  const ended = new Promise<WatchEnd>((resolve) => {
    call.on('error', (error) => resolve({ endedByServer: false, error }));
    call.on('status', (status) => resolve({ endedByServer: status.code === grpcStatus.OK }));
  });
  return { call, ended };
}
