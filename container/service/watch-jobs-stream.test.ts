import { status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { createJobIdGenerator } from '../../core/jobs/job-ids.js';
import type { JobKey, JobRecord } from '../../core/jobs/job.js';
import {
  JobState,
  type Job,
  type JobServiceClient,
  type SubmitJobResponse,
  type WatchJobsResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import type { RunningFront } from '../server/start-front.js';
import {
  eventually,
  fieldOf,
  startFrontTestBed,
  submitRequest,
  unary,
  type FrontTestBed,
} from '../testing/front-test-bed.js';

let bed: FrontTestBed;
let client: JobServiceClient;
let front: RunningFront;
const newJobId = createJobIdGenerator();

beforeAll(async () => {
  bed = await startFrontTestBed('watch');
  ({ client, front } = await bed.startFront({ watch: { fastIntervalMs: 10, slowIntervalMs: 50 } }));
});

afterAll(() => bed.stop());

const key = (jobId: string): JobKey => ({ tenant: 'default', jobId });
const submit = (): Promise<SubmitJobResponse> =>
  unary((callback) => client.submitJob(submitRequest(), callback));

interface WatchOutcome {
  jobs: Job[];
  code: number;
  field: string | undefined;
}

/** Watches until the stream ends; `onJob` may act on each snapshot as it arrives. */
function watch(
  jobIds: string[],
  onJob?: (job: Job, stream: ClientReadableStream<WatchJobsResponse>) => void,
): Promise<WatchOutcome> {
  const jobs: Job[] = [];
  const stream = client.watchJobs({ jobIds });
  return new Promise((resolve) => {
    stream.on('data', (response: WatchJobsResponse) => {
      if (response.job === undefined) return;
      jobs.push(response.job);
      onJob?.(response.job, stream);
    });
    stream.on('error', (error: ServiceError) =>
      resolve({ jobs, code: error.code, field: fieldOf(error.metadata) }),
    );
    stream.on('end', () => resolve({ jobs, code: status.OK, field: undefined }));
  });
}

describe('WatchJobs', () => {
  it('sends the current snapshot, then one per change (state or progress), and ends when terminal', async () => {
    const { jobId } = await submit();
    let current: JobRecord | undefined;
    // Each snapshot triggers the next change, so every one of them is seen.
    const outcome = await watch([jobId], (job) => {
      const next = async (): Promise<JobRecord | undefined> => {
        if (job.state === JobState.JOB_STATE_QUEUED)
          return bed.table.markRunning(key(jobId), job.version);
        if (job.progress === undefined) {
          return bed.table.reportProgress(key(jobId), job.version, {
            fraction: 0.5,
            message: 'half',
          });
        }
        if (job.state === JobState.JOB_STATE_RUNNING) {
          return bed.table.markSucceeded(
            key(jobId),
            job.version,
            Buffer.from('done'),
            'text/plain',
          );
        }
        return current;
      };
      void next().then((record) => {
        current = record;
      });
    });
    expect(outcome.code).toBe(status.OK);
    expect(outcome.jobs.map((j) => [j.state, j.version, j.progress?.fraction])).toEqual([
      [JobState.JOB_STATE_QUEUED, 1, undefined],
      [JobState.JOB_STATE_RUNNING, 2, undefined],
      [JobState.JOB_STATE_RUNNING, 3, 0.5],
      [JobState.JOB_STATE_SUCCEEDED, 4, 0.5],
    ]);
    expect(Buffer.from(outcome.jobs[3]?.result ?? []).toString()).toBe('done');
  });

  it('sends every transition of a job that changed faster than the poll interval', async () => {
    const { jobId } = await submit();
    const outcome = await watch([jobId], (job) => {
      if (job.state !== JobState.JOB_STATE_QUEUED) return;
      void (async () => {
        const running = await bed.table.markRunning(key(jobId), job.version);
        await bed.table.markSucceeded(
          key(jobId),
          running?.version ?? 0,
          Buffer.from('x'),
          'text/plain',
        );
      })();
    });
    expect(outcome.jobs.map((j) => j.state)).toEqual([
      JobState.JOB_STATE_QUEUED,
      JobState.JOB_STATE_RUNNING,
      JobState.JOB_STATE_SUCCEEDED,
    ]);
    expect(outcome.jobs.map((j) => j.attempts)).toEqual([0, 1, 1]);
  });

  it('follows many jobs on one stream, each id once, and ends after the last is terminal', async () => {
    const acks = await Promise.all(Array.from({ length: 120 }, () => submit()));
    const ids = acks.map((a) => a.jobId);
    const seen = new Set<string>();
    const outcome = await watch([...ids, ids[0] as string], (job) => {
      if (seen.has(job.jobId)) return;
      seen.add(job.jobId);
      void bed.table.cancel(key(job.jobId));
    });
    expect(outcome.code).toBe(status.OK);
    const firsts = outcome.jobs.filter((j) => j.state === JobState.JOB_STATE_QUEUED);
    expect(firsts).toHaveLength(120);
    expect(outcome.jobs.filter((j) => j.state === JobState.JOB_STATE_CANCELLED)).toHaveLength(120);
  });

  it('answers NOT_FOUND naming job_ids before streaming anything when one id is unknown', async () => {
    const { jobId } = await submit();
    const outcome = await watch([jobId, newJobId()]);
    expect(outcome).toEqual({ jobs: [], code: status.NOT_FOUND, field: 'job_ids' });
  });

  it.each([
    ['no ids', []],
    ['a malformed id', ['nope']],
    ['more than 1000 jobs', Array.from({ length: 1001 }, () => newJobId())],
  ])('rejects %s with INVALID_ARGUMENT naming job_ids', async (_case, ids) => {
    const outcome = await watch(ids);
    expect(outcome).toEqual({ jobs: [], code: status.INVALID_ARGUMENT, field: 'job_ids' });
  });

  it('stops following the jobs when the client cancels', async () => {
    const { jobId } = await submit();
    const outcome = await watch([jobId], (_job, stream) => stream.cancel());
    expect(outcome.code).toBe(status.CANCELLED);
    await eventually(() => front.watchHub.metrics.subscriptions === 0);
    expect(front.watchHub.metrics.watchedJobs).toBe(0);
    expect(front.watchHub.active).toBe(false);
  });
});
