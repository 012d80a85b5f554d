import { status, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import type {
  JobServiceClient,
  SubmitJobsRequest,
  SubmitJobsResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import { testSqsClient } from '../testing/aws-test-bed.js';
import {
  eventually,
  startFrontTestBed,
  submitRequest,
  type FrontTestBed,
} from '../testing/front-test-bed.js';
import { startAwsProxy } from '../../local/aws-proxy/aws-proxy.js';

let bed: FrontTestBed;
let client: JobServiceClient;

beforeAll(async () => {
  bed = await startFrontTestBed('bulk');
  ({ client } = await bed.startFront());
});

afterAll(() => bed.stop());

type BulkCall = ClientDuplexStream<SubmitJobsRequest, SubmitJobsResponse>;

/** Collects a SubmitJobs call's answers until it ends (or fails). */
function collect(
  call: BulkCall,
): Promise<{ responses: SubmitJobsResponse[]; error?: ServiceError }> {
  const responses: SubmitJobsResponse[] = [];
  return new Promise((resolve) => {
    call.on('data', (response: SubmitJobsResponse) => responses.push(response));
    call.on('error', (error: ServiceError) => resolve({ responses, error }));
    call.on('end', () => resolve({ responses }));
  });
}

/** Writes every item honouring flow control, then half-closes. */
async function writeAll(call: BulkCall, items: SubmitJobsRequest[]): Promise<void> {
  for (const item of items) {
    if (!call.write(item)) await new Promise((resolve) => call.once('drain', resolve));
  }
  call.end();
}

describe('SubmitJobs', () => {
  it('answers every ref exactly once, rejecting only the bad items, and goes on', async () => {
    const items: SubmitJobsRequest[] = Array.from({ length: 300 }, (_, i) => ({
      ref: `r${i}`,
      job: submitRequest({ payload: Buffer.from(JSON.stringify({ i })) }),
    }));
    items[17] = { ref: 'r17', job: submitRequest({ type: 'no-such-type' }) };
    items[120] = { ref: 'r120', job: submitRequest({ channel: '' }) };
    items[250] = { ref: 'r250', job: undefined };
    items.push({ ref: 'twice', job: submitRequest() }, { ref: 'twice', job: submitRequest() });

    const call = client.submitJobs();
    const done = collect(call);
    await writeAll(call, items);
    const { responses, error } = await done;

    expect(error).toBeUndefined();
    expect(responses).toHaveLength(items.length);
    const byRef = new Map(responses.map((r) => [r.ref, r]));
    expect(byRef.get('r17')?.error).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: 'job.type',
    });
    expect(byRef.get('r120')?.error).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: 'job.channel',
    });
    expect(byRef.get('r250')?.error).toMatchObject({ code: status.INVALID_ARGUMENT, field: 'job' });
    expect(responses.filter((r) => r.ref === 'twice' && r.accepted !== undefined)).toHaveLength(2);
    const accepted = responses.flatMap((r) => (r.accepted === undefined ? [] : [r.accepted.jobId]));
    expect(new Set(accepted).size).toBe(items.length - 3);
    const records = await bed.table.batchGet(
      accepted.map((jobId) => ({ tenant: 'default', jobId })),
    );
    expect(records).toHaveLength(accepted.length);
  });

  it('sends the jobs of one group to the queue in stream order', async () => {
    const items = Array.from({ length: 40 }, (_, i) => ({
      ref: String(i),
      // Idempotency keys add a table read per item: items overtake each other before the queue.
      job: submitRequest({ groupKey: 'ordered', idempotencyKey: `bulk-order-${i}` }),
    }));
    const call = client.submitJobs();
    const done = collect(call);
    await writeAll(call, items);
    const { responses } = await done;
    const sequence = new Map(
      responses.map((r) => [Number(r.ref), BigInt(r.accepted?.sequenceNumber ?? '0')]),
    );
    for (let i = 1; i < items.length; i++) {
      expect(sequence.get(i)).toBeGreaterThan(sequence.get(i - 1) ?? 0n);
    }
  });

  it('ends OK after answering everything once the client half-closes, even with nothing sent', async () => {
    const call = client.submitJobs();
    const done = collect(call);
    call.end();
    expect(await done).toEqual({ responses: [] });
  });

  it('reads no more items than its in-flight bound while the queue is stalled, then answers them all', async () => {
    let release: () => void = () => undefined;
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    const proxy = await startAwsProxy({
      sqs: bed.emulators.sqsEndpoint,
      plan: () => ({
        kind: 'forward',
        until: stalled,
      }),
    });
    const sqs = testSqsClient(proxy.endpoint);
    const { client: slow, front } = await bed.startFront({ sqs, streamMaxInFlight: 16 });
    const call = slow.submitJobs();
    const done = collect(call);
    const items = Array.from({ length: 400 }, (_, i) => ({ ref: String(i), job: submitRequest() }));
    for (const item of items) call.write(item);
    call.end();

    await eventually(() => front.producers.metrics.pending === 16);
    // Nothing should change while SQS does not answer: give the server time to misbehave.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(front.producers.metrics.pending).toBe(16);

    release();
    const { responses } = await done;
    expect(responses.filter((r) => r.accepted !== undefined)).toHaveLength(400);
    await front.shutdown();
    sqs.destroy();
    await proxy.close();
  });
});
