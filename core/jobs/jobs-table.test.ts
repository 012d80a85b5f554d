import { createAwsClients, destroyAwsClients, type AwsClients } from '../aws/aws-clients.js';
import {
  startEmbeddedEmulators,
  type EmbeddedEmulators,
} from '../../local/emulators/embedded-emulators.js';
import { provisionResources } from '../../local/provision/provision-resources.js';
import { CHANNELS } from '../channels/channels.js';
import type { JobRecord } from './job.js';
import { JobsTable } from './jobs-table.js';

let emulators: EmbeddedEmulators;
let clients: AwsClients;
let table: JobsTable;

beforeAll(async () => {
  emulators = await startEmbeddedEmulators();
  clients = createAwsClients({
    region: 'us-east-1',
    sqsEndpoint: emulators.sqsEndpoint,
    dynamoEndpoint: emulators.dynamoEndpoint,
  });
  await provisionResources(clients, CHANNELS, { tableName: 'jobs', queuePrefix: 'sluice' });
  table = new JobsTable({ client: clients.documents, tableName: 'jobs' });
});

afterAll(async () => {
  destroyAwsClients(clients);
  await emulators.stop();
});

let counter = 0;
function queued(overrides: Partial<JobRecord> = {}): JobRecord {
  const transitions: JobRecord['transitions'] = [{ state: 'QUEUED', version: 1, at: 1 }];
  counter += 1;
  return {
    tenant: 'default',
    jobId: `JOB${String(counter).padStart(23, '0')}`,
    channel: 'default',
    type: 'echo',
    state: 'QUEUED',
    version: 1,
    attempts: 0,
    groupKey: '',
    idempotencyKey: '',
    attributes: {},
    contentType: 'application/json',
    sequenceNumber: '1',
    submitToken: 't',
    createdAt: 1,
    updatedAt: 1,
    transitions,
    ...overrides,
  };
}

describe('JobsTable', () => {
  it('creates a record once and leaves an existing one unchanged', async () => {
    const record = queued();
    expect(await table.create(record)).toBe(true);
    expect(await table.create({ ...record, type: 'sleep' })).toBe(false);
    expect((await table.get(record))?.type).toBe('echo');
  });

  it('moves QUEUED → RUNNING → SUCCEEDED with versions and attempts', async () => {
    const record = queued();
    await table.create(record);
    const running = await table.markRunning(record, 1);
    expect(running).toMatchObject({ state: 'RUNNING', version: 2, attempts: 1 });
    const done = await table.markSucceeded(record, 2, Buffer.from('ok'), 'text/plain');
    expect(done?.state).toBe('SUCCEEDED');
    expect(Buffer.from(done!.result!).toString()).toBe('ok');
    expect(done?.transitions.map((t) => [t.state, t.version])).toEqual([
      ['QUEUED', 1],
      ['RUNNING', 2],
      ['SUCCEEDED', 3],
    ]);
  });

  it('bumps the version on progress without recording a transition', async () => {
    const record = queued();
    await table.create(record);
    await table.markRunning(record, 1);
    const progressed = await table.reportProgress(record, 2, { fraction: 0.5, message: 'half' });
    expect(progressed).toMatchObject({ version: 3, progress: { fraction: 0.5 } });
    expect(progressed?.transitions).toHaveLength(2);
  });

  it('refuses a write with a stale version', async () => {
    const record = queued();
    await table.create(record);
    await table.markRunning(record, 1);
    expect(await table.markRunning(record, 1)).toBeUndefined();
  });

  it('never moves a terminal job', async () => {
    const record = queued();
    await table.create(record);
    expect((await table.cancel(record))?.state).toBe('CANCELLED');
    expect(await table.markRunning(record, 2)).toBeUndefined();
    expect(await table.markDeadLettered(record, { code: 13, message: 'x' })).toBeUndefined();
    expect((await table.get(record))?.state).toBe('CANCELLED');
  });

  it('reads many records in one batch, leaving out missing ones', async () => {
    const records = Array.from({ length: 150 }, () => queued());
    await Promise.all(records.map((r) => table.create(r)));
    const found = await table.batchGet([...records, queued()]);
    expect(found).toHaveLength(150);
  });
});
