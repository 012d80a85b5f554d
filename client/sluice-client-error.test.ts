import { Metadata, status as Status } from '@grpc/grpc-js';
import { SluiceClientError } from './sluice-client-error.js';

describe('SluiceClientError', () => {
  it('takes the field from the sluice-field trailer', () => {
    const metadata = new Metadata();
    metadata.set('sluice-field', 'job.type');
    const error = SluiceClientError.fromStatus({
      code: Status.INVALID_ARGUMENT,
      details: 'unknown job type',
      metadata,
    });
    expect(error).toMatchObject({
      code: Status.INVALID_ARGUMENT,
      codeName: 'INVALID_ARGUMENT',
      details: 'unknown job type',
      field: 'job.type',
    });
    expect(error.message).toBe('INVALID_ARGUMENT: unknown job type (field job.type)');
  });

  it('wraps a foreign error as UNKNOWN with the original as cause', () => {
    const cause = new Error('boom');
    const error = SluiceClientError.from(cause);
    expect(error).toMatchObject({ codeName: 'UNKNOWN', details: 'boom', cause });
  });
});
