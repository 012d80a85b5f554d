import { Metadata, status } from '@grpc/grpc-js';
import { SluiceClient, json } from '../../client/index.js';
import { ApiKeyAuthenticator } from '../../container/auth/api-key-authenticator.js';
import { ApiKeyStore } from '../../core/keys/api-key-store.js';
import {
  failureOf,
  startFrontTestBed,
  submitRequest,
  unary,
  type FrontTestBed,
  type TestFront,
} from '../../container/testing/front-test-bed.js';
import type {
  GetJobResponse,
  SubmitJobResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import { clientFailure } from '../support/client-failure.js';
import { keysTableNameOf } from '../../core/config/aws-config.js';

/** A job id no one ever submitted: what "does not exist" looks like. */
const NEVER_SUBMITTED = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

let bed: FrontTestBed;
let front: TestFront;
let endpoint: string;
let acmeKey: string;
let globexKey: string;
const clients: SluiceClient[] = [];

beforeAll(async () => {
  bed = await startFrontTestBed('tenants');
  const store = new ApiKeyStore({
    client: bed.clients.documents,
    tableName: keysTableNameOf(bed.resources),
  });
  front = await bed.startFront({ authenticator: new ApiKeyAuthenticator({ store }) });
  endpoint = `127.0.0.1:${front.front.grpcPort}`;
  [acmeKey, globexKey] = await Promise.all([
    store.create('acme').then(({ key }) => key),
    store.create('globex').then(({ key }) => key),
  ]);
});

afterAll(async () => {
  for (const client of clients) client.close();
  await bed.stop();
});

function clientFor(apiKey: string | undefined): SluiceClient {
  const client = new SluiceClient({ endpoint, apiKey, retry: { maxAttempts: 1 } });
  clients.push(client);
  return client;
}

/** A failure with the job id taken out, to compare "another tenant's" with "never existed". */
async function shapeOf(call: Promise<unknown>, jobId: string): Promise<unknown> {
  const failure = await clientFailure(call);
  return {
    code: failure.code,
    field: failure.field,
    details: failure.details.replace(jobId, '<id>'),
  };
}

async function drain(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of iterable) {
    // Only the outcome matters.
  }
}

describe('API keys and tenants', () => {
  it('refuses every RPC without a key as UNAUTHENTICATED, saying how to authenticate', async () => {
    const anonymous = clientFor(undefined);
    const failures = await Promise.all([
      clientFailure(anonymous.submit({ type: 'echo', payload: json({}) })),
      clientFailure(anonymous.get(NEVER_SUBMITTED)),
      clientFailure(anonymous.cancel(NEVER_SUBMITTED)),
      clientFailure(drain(anonymous.watch(NEVER_SUBMITTED))),
      clientFailure(drain(anonymous.submitMany([{ ref: '1', job: { type: 'echo' } }]))),
    ]);
    for (const failure of failures) {
      expect(failure.codeName).toBe('UNAUTHENTICATED');
      expect(failure.details).toContain('authorization: Bearer <key>');
    }
  });

  it('refuses a bad key without repeating it', async () => {
    const forged = `${acmeKey.slice(0, -4)}AAAA`;
    const failure = await clientFailure(clientFor(forged).get(NEVER_SUBMITTED));
    expect(failure.codeName).toBe('UNAUTHENTICATED');
    expect(failure.details).not.toContain(forged.slice(7));
  });

  it("answers another tenant's job exactly as one that does not exist, on GetJob, WatchJobs and CancelJob", async () => {
    const { jobId } = await clientFor(acmeKey).submit({ type: 'echo', payload: json({}) });
    const globex = clientFor(globexKey);
    const asOther = await Promise.all([
      shapeOf(globex.get(jobId), jobId),
      shapeOf(drain(globex.watch(jobId)), jobId),
      shapeOf(globex.cancel(jobId), jobId),
    ]);
    const asMissing = await Promise.all([
      shapeOf(globex.get(NEVER_SUBMITTED), NEVER_SUBMITTED),
      shapeOf(drain(globex.watch(NEVER_SUBMITTED)), NEVER_SUBMITTED),
      shapeOf(globex.cancel(NEVER_SUBMITTED), NEVER_SUBMITTED),
    ]);
    expect(asOther).toEqual(asMissing);
    for (const failure of asOther) expect(failure).toMatchObject({ code: status.NOT_FOUND });
  });

  it('leaves a job untouched when another tenant tries to cancel it', async () => {
    const acme = clientFor(acmeKey);
    const { jobId } = await acme.submit({ type: 'echo', payload: json({}) });
    await clientFailure(clientFor(globexKey).cancel(jobId));
    expect((await acme.get(jobId)).state).toBe('QUEUED');
  });

  it('gives one idempotency key under two tenants two jobs', async () => {
    const job = { type: 'echo', payload: json({}) };
    const [ofAcme, ofGlobex] = await Promise.all([
      clientFor(acmeKey).submit(job, { idempotencyKey: 'order-1' }),
      clientFor(globexKey).submit(job, { idempotencyKey: 'order-1' }),
    ]);
    expect(ofAcme.jobId).not.toBe(ofGlobex.jobId);
    expect([ofAcme.duplicate, ofGlobex.duplicate]).toEqual([false, false]);
    expect(await bed.table.get({ tenant: 'acme', jobId: ofAcme.jobId })).toBeDefined();
    expect(await bed.table.get({ tenant: 'globex', jobId: ofGlobex.jobId })).toBeDefined();
    expect(await bed.table.get({ tenant: 'acme', jobId: ofGlobex.jobId })).toBeUndefined();
  });

  it('files a job under the tenant of the key, whatever else the call carries', async () => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${acmeKey}`);
    metadata.set('x-tenant', 'globex');
    const ack = await unary<SubmitJobResponse>((callback) =>
      front.client.submitJob(submitRequest(), metadata, callback),
    );
    expect(await bed.table.get({ tenant: 'acme', jobId: ack.jobId })).toBeDefined();
    const asGlobex = new Metadata();
    asGlobex.set('authorization', `Bearer ${globexKey}`);
    const failure = await failureOf(
      unary<GetJobResponse>((callback) =>
        front.client.getJob({ jobId: ack.jobId }, asGlobex, callback),
      ),
    );
    expect(failure.code).toBe(status.NOT_FOUND);
  });
});
