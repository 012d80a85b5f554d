import type { EventSourceRunner } from '../../local/runner/start-event-source-runner.js';
import { JobState } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { submitRequest } from '../support/grpc-test-client.js';
import { OPEN_TENANT, readRecords } from '../support/job-records.js';
import { lastSnapshots } from '../support/job-states.js';
import { startLocalConsumers } from '../support/local-consumers.js';
import { startProxiedTestSystem, type ProxiedTestSystem } from '../support/proxied-test-system.js';
import type { AwsFaultPlan } from '../../local/aws-proxy/aws-faults.js';

/**
 * How long the proxy holds each of the front's record writes: an ack sent
 * before its write landed would arrive this long before the record exists.
 */
const RECORD_WRITE_DELAY_MS = 300;
const CONCURRENT_SUBMITS = 50;
/** Every record write of the front (a `PutItem`) reaches the table late. */
const HOLD_RECORD_WRITES: AwsFaultPlan = ({ action }) =>
  action === 'PutItem' ? { kind: 'forward', delayMs: RECORD_WRITE_DELAY_MS } : { kind: 'forward' };

let bed: ProxiedTestSystem;
let consumers: EventSourceRunner | undefined;
beforeAll(async () => {
  // No consumers: a consumer creates the record of a message it finds without one, so
  // with consumers running a record could exist without the front having written it.
  bed = await startProxiedTestSystem({ consumers: false });
  bed.proxy.setPlan(HOLD_RECORD_WRITES);
});
afterEach(async () => {
  await consumers?.stop();
  consumers = undefined;
});
afterAll(() => bed.stop());

describe('contract 1: an acknowledged submit is durable', () => {
  it('has the record in place when the ack arrives', async () => {
    // Each record is read the moment its ack arrives, straight from the table (not
    // through the proxy that holds the front's writes back).
    const atAck = await Promise.all(
      Array.from({ length: CONCURRENT_SUBMITS }, async (_, i) => {
        const ack = await bed.system.client.submit(submitRequest({ type: 'echo' }, { i }));
        const record = await bed.directTable.get({ tenant: OPEN_TENANT, jobId: ack.jobId });
        return { jobId: ack.jobId, state: record?.state };
      }),
    );
    expect(atAck.filter((seen) => seen.state !== 'QUEUED')).toEqual([]);
    // The front's writes really were held back.
    expect(bed.proxy.faults.get('delay')).toBeGreaterThanOrEqual(CONCURRENT_SUBMITS);
  });

  it('loses no acknowledged job when the front is killed mid-submit', async () => {
    const acked: string[] = [];
    const total = 400;
    let kill: Promise<void> | undefined;
    const submits = Array.from({ length: total }, (_, i) =>
      bed.system.client
        .submit(submitRequest({ type: 'echo', idempotencyKey: `durable-${i}` }, { i }))
        .then((ack) => {
          acked.push(ack.jobId);
          if (acked.length === 100 && kill === undefined) kill = bed.system.runtime.killFront();
        })
        .catch(() => undefined),
    );
    await Promise.all(submits);
    expect(kill).toBeDefined();
    // The last submits can fail before the kill has been reaped.
    await kill;
    expect(acked.length).toBeGreaterThanOrEqual(100);

    // Killed while writes were held back, and nothing but the front has written yet:
    // every acknowledged job has its record all the same.
    const records = await readRecords(bed.directTable, acked);
    expect(acked.filter((jobId) => !records.has(jobId))).toEqual([]);

    await bed.system.runtime.startFront();
    const { runtime } = bed.system;
    consumers = await startLocalConsumers({
      sqs: bed.direct.sqs,
      table: bed.directTable,
      region: runtime.aws.region,
      queues: runtime.queues,
    });
    const last = lastSnapshots(await bed.system.client.watchAll(acked));
    expect(last.size).toBe(acked.length);
    for (const job of last.values()) expect(job.state).toBe(JobState.JOB_STATE_SUCCEEDED);
  });
});
