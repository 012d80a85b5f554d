import {
  CancelJobRequest,
  SubmitJobRequest,
  SubmitJobsRequest,
  WatchJobsRequest,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import {
  encodeJobIdRequest,
  encodeSubmitJob,
  encodeSubmitJobsItem,
  encodeWatchJobs,
} from './raw-requests.js';

const JOB = {
  channel: 'default',
  type: 'echo',
  payload: Buffer.from('{}'),
  contentType: 'application/json',
  groupKey: 'g',
  idempotencyKey: 'k',
  attributes: { a: '1', b: '2' },
};

describe('hand-made request encoders', () => {
  it('encode a submit exactly as the generated code does', () => {
    const raw = encodeSubmitJob({ ...JOB, attributes: Object.entries(JOB.attributes) });
    expect(Buffer.from(raw)).toEqual(Buffer.from(SubmitJobRequest.encode(JOB).finish()));
  });

  it('encode a bulk item, a job id and a watch as the generated code does', () => {
    const item = encodeSubmitJobsItem('r1', { ...JOB, attributes: Object.entries(JOB.attributes) });
    expect(Buffer.from(item)).toEqual(
      Buffer.from(SubmitJobsRequest.encode({ ref: 'r1', job: JOB }).finish()),
    );
    const id = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    expect(Buffer.from(encodeJobIdRequest(id))).toEqual(
      Buffer.from(CancelJobRequest.encode({ jobId: id }).finish()),
    );
    expect(Buffer.from(encodeWatchJobs([id, id]))).toEqual(
      Buffer.from(WatchJobsRequest.encode({ jobIds: [id, id] }).finish()),
    );
  });
});
