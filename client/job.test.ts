import { JobState } from '../proto/gen/ts/sluice/v1/job_service.js';
import { Job as ProtoJob } from '../proto/gen/ts/sluice/v1/job_service.js';
import { isTerminalState, jobFromProto } from './job.js';

describe('jobFromProto', () => {
  it('names the state, drops empty strings and decodes the result', () => {
    const job = jobFromProto(
      ProtoJob.fromPartial({
        jobId: 'J1',
        channel: 'default',
        type: 'echo',
        state: JobState.JOB_STATE_SUCCEEDED,
        attempts: 1,
        result: Buffer.from('{"a":1}'),
        resultContentType: 'application/json',
        version: 3,
      }),
    );
    expect(job).toMatchObject({ jobId: 'J1', state: 'SUCCEEDED', attempts: 1, version: 3 });
    expect(job.groupKey).toBeUndefined();
    expect(job.idempotencyKey).toBeUndefined();
    expect(job.result?.json()).toEqual({ a: 1 });
  });

  it('names the code of a recorded error', () => {
    const job = jobFromProto(
      ProtoJob.fromPartial({
        jobId: 'J2',
        state: JobState.JOB_STATE_FAILED,
        error: { code: 3, message: 'bad', field: '' },
      }),
    );
    expect(job.error).toEqual({
      code: 3,
      codeName: 'INVALID_ARGUMENT',
      message: 'bad',
      field: undefined,
    });
    expect(job.result).toBeUndefined();
  });

  it('rejects a job without a state as INTERNAL', () => {
    expect(() => jobFromProto(ProtoJob.fromPartial({ jobId: 'J3' }))).toThrow(/INTERNAL/);
  });
});

describe('isTerminalState', () => {
  it('holds for the four end states only', () => {
    expect(
      ['SUCCEEDED', 'FAILED', 'DEAD_LETTERED', 'CANCELLED'].every((s) =>
        isTerminalState(s as never),
      ),
    ).toBe(true);
    expect(isTerminalState('QUEUED')).toBe(false);
    expect(isTerminalState('RUNNING')).toBe(false);
  });
});
