import { SluiceClientError } from '../../client/index.js';
import { BulkSummary } from './bulk-summary.js';

describe('BulkSummary', () => {
  it('counts accepted items, duplicates and rejections grouped by reason', () => {
    const summary = new BulkSummary();
    summary.addResult({
      ref: 'a',
      jobId: 'J1',
      duplicate: false,
      sequenceNumber: '1',
      idempotencyKey: '',
    });
    summary.addResult({
      ref: 'b',
      jobId: 'J1',
      duplicate: true,
      sequenceNumber: '1',
      idempotencyKey: 'k',
    });
    const error = new SluiceClientError({
      code: 3,
      details: 'unknown job type',
      field: 'job.type',
    });
    summary.addResult({ ref: 'c', error });
    summary.addResult({ ref: 'd', error });
    summary.addInvalidLine({ ref: 'line:9', line: 9, reason: 'not JSON' });
    summary.elapsedMs = 1_000;
    expect(summary.toJson()).toMatchObject({
      accepted: 2,
      duplicates: 1,
      rejected: 3,
      jobsPerSecond: 2,
    });
    expect(summary.toText()).toContain(
      'rejected 2× INVALID_ARGUMENT: unknown job type (field job.type) — c, d',
    );
  });

  it('counts jobs that did not succeed', () => {
    const summary = new BulkSummary();
    const job = { jobId: 'J', channel: 'c', type: 't', attempts: 1, attributes: {}, version: 3 };
    summary.addTerminal({ ...job, state: 'SUCCEEDED' });
    summary.addTerminal({ ...job, state: 'FAILED' });
    summary.addTerminal({ ...job, state: 'CANCELLED' });
    expect(summary.unsuccessful).toBe(2);
  });
});
