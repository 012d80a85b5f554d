import { connect, constants, type ClientHttp2Session } from 'node:http2';
import { connectivityState, status, type ClientReadableStream } from '@grpc/grpc-js';
import type {
  JobServiceClient,
  SubmitJobResponse,
  WatchJobsResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import { JobState } from '../../proto/gen/ts/sluice/v1/job_service.js';
import {
  startFrontTestBed,
  submitRequest,
  unary,
  type FrontTestBed,
} from '../testing/front-test-bed.js';

/** Short enough that the tests see it pass; grpc-js adds ±10 % jitter. */
const CONNECTION_AGE_MS = 500;
/** Longer than any wait in these tests: the in-flight call must not be cut. */
const GENEROUS_GRACE_MS = 60_000;
/** Shorter than the watch is kept open. */
const SHORT_GRACE_MS = 200;

let bed: FrontTestBed;

beforeAll(async () => {
  bed = await startFrontTestBed('conn-age');
});

afterAll(() => bed.stop());

/** Resolves when the client's channel leaves READY (what grpc-js does on a GOAWAY). */
function channelLeavesReady(client: JobServiceClient): Promise<connectivityState> {
  const channel = client.getChannel();
  return new Promise((resolve, reject) => {
    const watch = (): void => {
      const current = channel.getConnectivityState(false);
      if (current !== connectivityState.READY) {
        resolve(current);
        return;
      }
      channel.watchConnectivityState(current, Infinity, (error) =>
        error === undefined ? watch() : reject(error),
      );
    };
    watch();
  });
}

/** Collects a watch's snapshots and how it ended. */
function collect(
  watch: ClientReadableStream<WatchJobsResponse>,
): Promise<{ states: JobState[]; code: number }> {
  const states: JobState[] = [];
  return new Promise((resolve) => {
    watch.on('data', (response: WatchJobsResponse) => {
      if (response.job !== undefined) states.push(response.job.state);
    });
    watch.on('status', (end: { code: number }) => resolve({ states, code: end.code }));
    watch.on('error', () => undefined);
  });
}

async function firstSnapshot(watch: ClientReadableStream<WatchJobsResponse>): Promise<void> {
  await new Promise((resolve) => watch.once('data', resolve));
}

describe('maximum connection age', () => {
  it('sends GOAWAY (no error) on an idle connection once it is older than the age, then closes it', async () => {
    const { front } = await bed.startFront({
      grpc: { maxConnectionAgeMs: CONNECTION_AGE_MS, maxConnectionAgeGraceMs: SHORT_GRACE_MS },
    });
    const session: ClientHttp2Session = connect(`http://127.0.0.1:${front.grpcPort}`);
    const openedAt = Date.now();
    const goaway = new Promise<number>((resolve) => session.once('goaway', resolve));
    const closed = new Promise<void>((resolve) => session.once('close', resolve));
    session.on('error', () => undefined);
    expect(await goaway).toBe(constants.NGHTTP2_NO_ERROR);
    // grpc-js jitters the age by up to 10 % either way.
    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(CONNECTION_AGE_MS * 0.9);
    await closed;
  });

  it('lets a call in progress at the GOAWAY finish within the grace, and serves new calls on a new connection', async () => {
    const { client } = await bed.startFront({
      grpc: { maxConnectionAgeMs: CONNECTION_AGE_MS, maxConnectionAgeGraceMs: GENEROUS_GRACE_MS },
    });
    const { jobId } = await unary<SubmitJobResponse>((callback) =>
      client.submitJob(submitRequest(), callback),
    );
    const watch = client.watchJobs({ jobIds: [jobId] });
    const ended = collect(watch);
    await firstSnapshot(watch);
    // The GOAWAY arrives while the watch is open: the channel stops using that connection.
    await channelLeavesReady(client);
    await bed.table.cancel({ tenant: 'default', jobId });
    const { states, code } = await ended;
    expect(code).toBe(status.OK);
    expect(states.at(0)).toBe(JobState.JOB_STATE_QUEUED);
    expect(states.at(-1)).toBe(JobState.JOB_STATE_CANCELLED);
    // A new call gets a new connection.
    const got = await unary<{ job?: { jobId: string } }>((callback) =>
      client.getJob({ jobId }, callback),
    );
    expect(got.job?.jobId).toBe(jobId);
  });

  it('closes the connection under a call still in progress when the grace has passed', async () => {
    const { client } = await bed.startFront({
      grpc: { maxConnectionAgeMs: CONNECTION_AGE_MS, maxConnectionAgeGraceMs: SHORT_GRACE_MS },
    });
    const { jobId } = await unary<SubmitJobResponse>((callback) =>
      client.submitJob(submitRequest(), callback),
    );
    const watch = client.watchJobs({ jobIds: [jobId] });
    const ended = collect(watch);
    await firstSnapshot(watch);
    // The job never ends: only the connection's end can end the watch.
    const { states, code } = await ended;
    expect(code).toBe(status.UNAVAILABLE);
    expect(states).toEqual([JobState.JOB_STATE_QUEUED]);
  });
});
