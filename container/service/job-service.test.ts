import { Metadata, status } from '@grpc/grpc-js';
import { createJobIdGenerator } from '../../core/jobs/job-ids.js';
import type { JobRecord } from '../../core/jobs/job.js';
import {
  JobState,
  type CancelJobResponse,
  type GetJobResponse,
  type JobServiceClient,
  type SubmitJobRequest,
  type SubmitJobResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import type { Authenticator } from '../auth/authenticator.js';
import { UnauthenticatedError } from '../../core/errors/index.js';
import {
  failureOf,
  startFrontTestBed,
  submitRequest,
  unary,
  type FrontTestBed,
} from '../testing/front-test-bed.js';

let bed: FrontTestBed;
let client: JobServiceClient;
const newJobId = createJobIdGenerator();

beforeAll(async () => {
  bed = await startFrontTestBed('svc');
  ({ client } = await bed.startFront());
});

afterAll(() => bed.stop());

const submit = (request: SubmitJobRequest, metadata = new Metadata()): Promise<SubmitJobResponse> =>
  unary((callback) => client.submitJob(request, metadata, callback));
const getJob = (jobId: string): Promise<GetJobResponse> =>
  unary((callback) => client.getJob({ jobId }, callback));
const cancelJob = (jobId: string): Promise<CancelJobResponse> =>
  unary((callback) => client.cancelJob({ jobId }, callback));

const key = (jobId: string) => ({ tenant: 'default', jobId });

describe('SubmitJob', () => {
  it('acknowledges a job that is queued and recorded QUEUED', async () => {
    const before = await bed.queueDepth();
    const ack = await submit(submitRequest());
    expect(ack).toMatchObject({ duplicate: false });
    expect(ack.jobId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(await bed.table.get(key(ack.jobId))).toMatchObject({
      state: 'QUEUED',
      sequenceNumber: ack.sequenceNumber,
    });
    expect(await bed.queueDepth()).toBe(before + 1);
  });

  it.each([
    ['channel', { channel: 'nowhere' }],
    ['type', { type: 'no-such-type' }],
    ['payload', { payload: Buffer.alloc(512 * 1024) }],
    ['group_key', { groupKey: 'has space' }],
    ['attributes.key', { attributes: { 'bad key!': 'v' } }],
  ])('rejects a bad %s with INVALID_ARGUMENT naming it, enqueuing nothing', async (field, bad) => {
    const before = await bed.queueDepth();
    const failure = await failureOf(submit(submitRequest(bad)));
    expect(failure).toMatchObject({ code: status.INVALID_ARGUMENT, field });
    expect(failure.details).toContain(field);
    expect(await bed.queueDepth()).toBe(before);
  });

  it('answers a repeated idempotency key with the same job and duplicate = true, enqueuing once', async () => {
    const before = await bed.queueDepth();
    const first = await submit(submitRequest({ idempotencyKey: 'svc-order-1' }));
    const second = await submit(submitRequest({ idempotencyKey: 'svc-order-1' }));
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ ...first, duplicate: true });
    expect(await bed.queueDepth()).toBe(before + 1);
  });

  it('answers exactly one of many concurrent submits of one key as new', async () => {
    const acks = await Promise.all(
      Array.from({ length: 12 }, () => submit(submitRequest({ idempotencyKey: 'svc-race' }))),
    );
    expect(new Set(acks.map((a) => a.jobId)).size).toBe(1);
    expect(acks.filter((a) => !a.duplicate)).toHaveLength(1);
  });

  it('answers RESOURCE_EXHAUSTED when the producer buffer is full', async () => {
    const { client: busy, front } = await bed.startFront({
      producer: { lingerMs: 200, maxPending: 1 },
    });
    const held = unary<SubmitJobResponse>((callback) => busy.submitJob(submitRequest(), callback));
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (front.producers.metrics.pending === 1) resolve();
        else setImmediate(check);
      };
      check();
    });
    const failure = await failureOf(unary((callback) => busy.submitJob(submitRequest(), callback)));
    expect(failure.code).toBe(status.RESOURCE_EXHAUSTED);
    await expect(held).resolves.toMatchObject({ duplicate: false });
  });

  it('answers the Authenticator’s UNAUTHENTICATED without touching anything', async () => {
    const locked: Authenticator = {
      authenticate: () => Promise.reject(new UnauthenticatedError('an API key is required')),
    };
    const { client: guarded } = await bed.startFront({ authenticator: locked });
    const before = await bed.queueDepth();
    const failure = await failureOf(
      unary((callback) => guarded.submitJob(submitRequest(), callback)),
    );
    expect(failure.code).toBe(status.UNAUTHENTICATED);
    expect(await bed.queueDepth()).toBe(before);
  });
});

describe('GetJob', () => {
  it('returns the job with its state, times, attributes and version', async () => {
    const ack = await submit(submitRequest({ groupKey: 'g', attributes: { team: 'x' } }));
    const { job } = await getJob(ack.jobId);
    expect(job).toMatchObject({
      jobId: ack.jobId,
      channel: 'default',
      type: 'echo',
      state: JobState.JOB_STATE_QUEUED,
      attempts: 0,
      groupKey: 'g',
      attributes: { team: 'x' },
      version: 1,
    });
    expect(job?.createdAt).toBeInstanceOf(Date);
    expect(job?.startedAt).toBeUndefined();
  });

  it('returns the result, error and progress a job has recorded', async () => {
    const ack = await submit(submitRequest());
    const running = (await bed.table.markRunning(key(ack.jobId), 1)) as JobRecord;
    const progressed = await bed.table.reportProgress(key(ack.jobId), running.version, {
      fraction: 0.5,
      message: 'half',
    });
    await bed.table.markSucceeded(
      key(ack.jobId),
      progressed?.version ?? 0,
      Buffer.from('{"ok":1}'),
      'application/json',
    );
    const { job } = await getJob(ack.jobId);
    expect(job).toMatchObject({
      state: JobState.JOB_STATE_SUCCEEDED,
      attempts: 1,
      resultContentType: 'application/json',
      progress: { fraction: 0.5, message: 'half' },
      version: 4,
    });
    expect(Buffer.from(job?.result ?? []).toString()).toBe('{"ok":1}');
    expect(job?.finishedAt).toBeInstanceOf(Date);
  });

  it.each([[''], ['not-a-job-id'], ['01arz3ndektsv4rrffq69g5fav']])(
    'rejects the job id %j with INVALID_ARGUMENT naming job_id',
    async (jobId) => {
      expect(await failureOf(getJob(jobId))).toMatchObject({
        code: status.INVALID_ARGUMENT,
        field: 'job_id',
      });
    },
  );

  it('answers NOT_FOUND for an unknown job, and for a job of another tenant', async () => {
    expect((await failureOf(getJob(newJobId()))).code).toBe(status.NOT_FOUND);
    const foreign = newJobId();
    const ack = await submit(submitRequest());
    const record = (await bed.table.get(key(ack.jobId))) as JobRecord;
    await bed.table.create({ ...record, tenant: 'someone-else', jobId: foreign });
    expect(await failureOf(getJob(foreign))).toMatchObject({
      code: status.NOT_FOUND,
      field: 'job_id',
    });
  });
});

describe('CancelJob', () => {
  it('cancels a QUEUED job', async () => {
    const ack = await submit(submitRequest());
    const { job } = await cancelJob(ack.jobId);
    expect(job).toMatchObject({ state: JobState.JOB_STATE_CANCELLED, version: 2 });
    expect(job?.finishedAt).toBeInstanceOf(Date);
    expect((await bed.table.get(key(ack.jobId)))?.state).toBe('CANCELLED');
  });

  it('returns an already cancelled job as it is (cancel is idempotent)', async () => {
    const ack = await submit(submitRequest());
    const first = await cancelJob(ack.jobId);
    const again = await cancelJob(ack.jobId);
    expect(again.job).toEqual(first.job);
  });

  it('refuses a running or finished job with FAILED_PRECONDITION naming job_id', async () => {
    const ack = await submit(submitRequest());
    await bed.table.markRunning(key(ack.jobId), 1);
    const failure = await failureOf(cancelJob(ack.jobId));
    expect(failure).toMatchObject({ code: status.FAILED_PRECONDITION, field: 'job_id' });
    expect(failure.details).toContain('RUNNING');
  });

  it('answers NOT_FOUND for an unknown job and INVALID_ARGUMENT for a malformed id', async () => {
    expect((await failureOf(cancelJob(newJobId()))).code).toBe(status.NOT_FOUND);
    expect(await failureOf(cancelJob(''))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: 'job_id',
    });
  });
});
