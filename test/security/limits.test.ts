import { setTimeout as delay } from 'node:timers/promises';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import type { Authenticator, CallerIdentity } from '../../container/auth/authenticator.js';
import { OpenAuthenticator } from '../../container/auth/open-authenticator.js';
import { RETRY_INFO_TYPE_URL } from '../../container/service/retry-info.js';
import {
  failureOf,
  startFrontTestBed,
  submitRequest,
  unary,
  type FrontTestBed,
} from '../../container/testing/front-test-bed.js';
import { deterministicJobId } from '../../core/jobs/job-ids.js';
import { waitUntil } from '../support/wait-until.js';
import type {
  GetJobResponse,
  SubmitJobResponse,
  SubmitJobsResponse,
  WatchJobsResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';

/** Tests of limits pick the tenant by a header; API keys are tested on their own. */
class HeaderTenantAuthenticator implements Authenticator {
  authenticate(metadata: Metadata): Promise<CallerIdentity> {
    return Promise.resolve({
      tenant: String(metadata.get('x-tenant')[0] ?? 'default'),
      role: 'tenant',
    });
  }
}

/** Holds every call at authentication until `open()`: a front that is slow to start a call's work. */
class GatedAuthenticator implements Authenticator {
  #open!: () => void;
  readonly #gate = new Promise<void>((resolve) => (this.#open = resolve));
  #arrived!: (at: number) => void;
  /** When the first call reached authentication (epoch ms): the server had its deadline by then. */
  readonly arrived = new Promise<number>((resolve) => (this.#arrived = resolve));

  async authenticate(metadata: Metadata): Promise<CallerIdentity> {
    this.#arrived(Date.now());
    await this.#gate;
    return new OpenAuthenticator().authenticate(metadata);
  }

  open(): void {
    this.#open();
  }
}

/** The client deadline of the late submit. */
const DEADLINE_MS = 100;
/** Past the server's deadline by this much, whatever the clocks' rounding. */
const CLOCK_MARGIN_MS = 20;

function as(tenant: string): Metadata {
  const metadata = new Metadata();
  metadata.set('x-tenant', tenant);
  return metadata;
}

async function serviceError(call: Promise<unknown>): Promise<ServiceError> {
  try {
    await call;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('the call succeeded but was expected to fail');
}

/** Reads google.rpc.Status → details[0] (Any) → RetryInfo.retry_delay as milliseconds. */
function retryDelayMs(statusDetails: Buffer): { typeUrl: string; delayMs: number; code: number } {
  const fields = (bytes: Uint8Array): Map<number, Uint8Array | bigint> => {
    const reader = new BinaryReader(bytes);
    const out = new Map<number, Uint8Array | bigint>();
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      out.set(
        field,
        wireType === WireType.LengthDelimited ? reader.bytes() : BigInt(reader.int64()),
      );
    }
    return out;
  };
  const rpcStatus = fields(statusDetails);
  const any = fields(rpcStatus.get(3) as Uint8Array);
  const retryInfo = fields(any.get(2) as Uint8Array);
  const duration = fields(retryInfo.get(1) as Uint8Array);
  const seconds = Number(duration.get(1) ?? 0n);
  const nanos = Number(duration.get(2) ?? 0n);
  return {
    code: Number(rpcStatus.get(1)),
    typeUrl: new TextDecoder().decode(any.get(1) as Uint8Array),
    delayMs: seconds * 1_000 + nanos / 1_000_000,
  };
}

let bed: FrontTestBed;
beforeAll(async () => {
  bed = await startFrontTestBed('limits');
});
afterAll(() => bed.stop());

describe('per-tenant submit rate', () => {
  it('refuses a submit over the rate with RESOURCE_EXHAUSTED, a retry-after-ms trailer and RetryInfo, enqueuing nothing', async () => {
    const { client } = await bed.startFront({
      authenticator: new HeaderTenantAuthenticator(),
      submitRate: { ratePerSecond: 1, burst: 2 },
    });
    const submit = (tenant: string): Promise<SubmitJobResponse> =>
      unary((callback) => client.submitJob(submitRequest(), as(tenant), callback));
    await submit('acme');
    await submit('acme');
    const before = await bed.queueDepth();

    const refused = await serviceError(submit('acme'));
    expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(refused.details).toContain('retry after');
    const retryAfterMs = Number(refused.metadata.get('retry-after-ms')[0]);
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(1_000);
    const detail = retryDelayMs(refused.metadata.get('grpc-status-details-bin')[0] as Buffer);
    expect(detail).toEqual({
      code: status.RESOURCE_EXHAUSTED,
      typeUrl: RETRY_INFO_TYPE_URL,
      delayMs: retryAfterMs,
    });
    expect(await bed.queueDepth()).toBe(before);

    // Another tenant has its own bucket.
    expect((await submit('globex')).jobId).toHaveLength(26);
  });

  it('slows a SubmitJobs stream to the rate instead of failing its items', async () => {
    const { client } = await bed.startFront({ submitRate: { ratePerSecond: 20, burst: 1 } });
    const call = client.submitJobs();
    const responses: SubmitJobsResponse[] = [];
    const started = Date.now();
    const ended = new Promise<void>((resolve, reject) => {
      call.on('data', (response: SubmitJobsResponse) => responses.push(response));
      call.on('error', reject);
      call.on('end', resolve);
    });
    for (let index = 0; index < 5; index += 1) {
      call.write({ ref: String(index), job: submitRequest() });
    }
    call.end();
    await ended;
    expect(responses.filter((response) => response.accepted !== undefined)).toHaveLength(5);
    // One token at once, then one every 50 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});

describe('client deadlines', () => {
  it('does not enqueue or record a submit whose deadline passed before its work began', async () => {
    const gate = new GatedAuthenticator();
    const { client } = await bed.startFront({ authenticator: gate });
    const before = await bed.queueDepth();
    const late = submitRequest({ idempotencyKey: 'too-late' });
    const failure = await failureOf(
      unary<SubmitJobResponse>((callback) =>
        client.submitJob(late, new Metadata(), { deadline: Date.now() + DEADLINE_MS }, callback),
      ),
    );
    expect(failure.code).toBe(status.DEADLINE_EXCEEDED);
    // The server's deadline counts from when it received the call, after the
    // client's: the gate opens once that one has passed too.
    const serverDeadlinePassed = (await gate.arrived) + DEADLINE_MS + CLOCK_MARGIN_MS;
    await delay(Math.max(0, serverDeadlinePassed - Date.now()));
    gate.open();
    // A later submit goes through the same gate after the late one resumed.
    await unary<SubmitJobResponse>((callback) => client.submitJob(submitRequest(), callback));
    expect(await bed.queueDepth()).toBe(before + 1);
    const lateId = deterministicJobId('default', 'default', 'too-late');
    expect(await bed.table.get({ tenant: 'default', jobId: lateId })).toBeUndefined();
  });
});

describe('concurrent streams per connection', () => {
  it('serves no call beyond grpc.max_concurrent_streams until a stream ends', async () => {
    const { client } = await bed.startFront({ grpc: { maxConcurrentStreams: 2 } });
    const { jobId } = await unary<SubmitJobResponse>((callback) =>
      client.submitJob(submitRequest(), callback),
    );
    const watches = [client.watchJobs({ jobIds: [jobId] }), client.watchJobs({ jobIds: [jobId] })];
    await Promise.all(
      watches.map(
        (watch) =>
          new Promise((resolve) =>
            watch.once('data', (response: WatchJobsResponse) => resolve(response)),
          ),
      ),
    );
    for (const watch of watches) watch.on('error', () => undefined);

    const held = await failureOf(
      unary<GetJobResponse>((callback) =>
        client.getJob({ jobId }, new Metadata(), { deadline: Date.now() + 300 }, callback),
      ),
    );
    // Node ≤ 22's HTTP/2 client holds the call until a stream is free (the
    // deadline passes first); Node 24's opens it anyway and the server refuses
    // the stream, which grpc-js reports as RESOURCE_EXHAUSTED. Either way the
    // server ran nothing beyond its limit.
    expect([status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED]).toContain(held.code);

    watches[0]?.cancel();
    // The server frees the stream once the cancel reached it; until then a
    // Node 24 client's call is refused again.
    let got: GetJobResponse | undefined;
    await waitUntil(
      async () => {
        got = await unary<GetJobResponse>((callback) => client.getJob({ jobId }, callback)).catch(
          (error: ServiceError) => {
            if (error.code !== status.RESOURCE_EXHAUSTED) throw error;
            return undefined;
          },
        );
        return got !== undefined;
      },
      { what: 'a call served once a stream ended' },
    );
    expect(got?.job?.jobId).toBe(jobId);
    watches[1]?.cancel();
  });
});

describe('message size', () => {
  it('answers a request over grpc.max_receive_message_length with RESOURCE_EXHAUSTED and keeps serving', async () => {
    const { client } = await bed.startFront({ grpc: { maxReceiveMessageBytes: 64 * 1024 } });
    const before = await bed.queueDepth();
    const failure = await failureOf(
      unary<SubmitJobResponse>((callback) =>
        client.submitJob(submitRequest({ payload: Buffer.alloc(65 * 1024) }), callback),
      ),
    );
    expect(failure.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(await bed.queueDepth()).toBe(before);
    await unary<SubmitJobResponse>((callback) => client.submitJob(submitRequest(), callback));
  });
});
