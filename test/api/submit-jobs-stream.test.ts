import { status } from '@grpc/grpc-js';
import { submitRequest } from '../support/grpc-test-client.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({ consumers: false });
});
afterAll(() => system.stop());

describe('SubmitJobs', () => {
  it('answers every one of 5,000 refs exactly once, rejecting only the invalid ones', async () => {
    const invalid = new Set([7, 1234, 4999]);
    const items = Array.from({ length: 5000 }, (_, i) => ({
      ref: `r${i}`,
      job: invalid.has(i)
        ? submitRequest({ type: 'no-such-type' })
        : submitRequest({ type: 'echo' }, { i }),
    }));
    items.push({ ref: 'missing-job', job: undefined as never });
    const responses = await system.client.submitMany(items);

    expect(responses).toHaveLength(items.length);
    const byRef = new Map(responses.map((r) => [r.ref, r]));
    expect(byRef.size).toBe(items.length);
    for (const [i] of items.entries()) {
      const response = byRef.get(`r${i}`);
      if (response === undefined) continue;
      if (invalid.has(i)) {
        expect(response.error).toMatchObject({ code: status.INVALID_ARGUMENT, field: 'job.type' });
        expect(response.accepted).toBeUndefined();
      } else {
        expect(response.accepted?.jobId).toMatch(/^[0-9A-Z]{26}$/);
      }
    }
    expect(byRef.get('missing-job')?.error).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: 'job',
    });
    const accepted = responses.flatMap((r) => (r.accepted ? [r.accepted.jobId] : []));
    expect(new Set(accepted).size).toBe(4997);
    const records = await system.runtime.table.batchGet(
      accepted.map((jobId) => ({ tenant: 'default', jobId })),
    );
    expect(records).toHaveLength(4997);
  });
});
