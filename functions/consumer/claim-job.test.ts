import {
  createAwsClients,
  destroyAwsClients,
  type AwsClients,
} from '../../core/aws/aws-clients.js';
import { jobRecordFromEnvelope } from '../../core/jobs/job-record-from-envelope.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import {
  keyOf,
  startFunctionTestBed,
  testEnvelope,
  TEST_REGION,
  type FunctionTestBed,
} from '../testing/function-test-bed.js';
import { claimJob, type JobClaim } from './claim-job.js';

process.env.SLUICE_LOG_LEVEL = 'silent';

let bed: FunctionTestBed;
/** A client of its own, so the DynamoDB calls of one claim can be told apart. */
let counted: AwsClients;
let table: JobsTable;
let calls: string[] = [];

beforeAll(async () => {
  bed = await startFunctionTestBed();
  counted = createAwsClients({ region: TEST_REGION, dynamoEndpoint: bed.endpoints.dynamo });
  counted.documents.middlewareStack.add(
    (next, context) => (args) => {
      calls.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'recordCommandNames' },
  );
  table = new JobsTable({ client: counted.documents, tableName: bed.tableName });
});

afterAll(async () => {
  destroyAwsClients(counted);
  await bed.stop();
});

async function claim(envelope: ReturnType<typeof testEnvelope>): Promise<JobClaim> {
  calls = [];
  return claimJob({ table, envelope, sequenceNumber: '7', clock: Date.now, logger: bed.logger });
}

function created(envelope: ReturnType<typeof testEnvelope>): Promise<boolean> {
  return bed.table.create(jobRecordFromEnvelope(envelope, { sequenceNumber: '7', now: 1 }));
}

describe('claimJob', () => {
  it('claims a job the front just recorded with one conditional write and no read', async () => {
    const envelope = testEnvelope('echo', {});
    await created(envelope);

    const result = await claim(envelope);

    expect(result).toMatchObject({ kind: 'claimed', record: { state: 'RUNNING', attempts: 1 } });
    expect(calls).toEqual(['UpdateItemCommand']);
    expect((await bed.table.get(keyOf(envelope)))?.transitions.map((t) => t.state)).toEqual([
      'QUEUED',
      'RUNNING',
    ]);
  });

  it('creates the record of a job the front has not recorded yet, then claims it', async () => {
    const envelope = testEnvelope('echo', {});

    const result = await claim(envelope);

    expect(result).toMatchObject({
      kind: 'claimed',
      record: { state: 'RUNNING', attempts: 1, sequenceNumber: '7' },
    });
  });

  it('claims a requeued job for its next attempt', async () => {
    const envelope = testEnvelope('echo', {});
    await created(envelope);
    await bed.table.markRunning(keyOf(envelope), 1);
    await bed.table.requeue(keyOf(envelope), 2, { code: 14, message: 'try again' });

    const result = await claim(envelope);

    expect(result).toMatchObject({ kind: 'claimed', record: { state: 'RUNNING', attempts: 2 } });
  });

  it('takes over a job left RUNNING by a crashed attempt', async () => {
    const envelope = testEnvelope('echo', {});
    await created(envelope);
    await bed.table.markRunning(keyOf(envelope), 1);

    const result = await claim(envelope);

    expect(result).toMatchObject({ kind: 'claimed', record: { state: 'RUNNING', attempts: 2 } });
  });

  it('leaves a cancelled job alone', async () => {
    const envelope = testEnvelope('echo', {});
    await created(envelope);
    await bed.table.cancel(keyOf(envelope));

    const result = await claim(envelope);

    expect(result).toMatchObject({ kind: 'terminal', record: { state: 'CANCELLED' } });
    expect((await bed.table.get(keyOf(envelope)))?.attempts).toBe(0);
  });
});
