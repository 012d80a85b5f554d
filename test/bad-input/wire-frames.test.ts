import { connect as netConnect } from 'node:net';
import { status } from '@grpc/grpc-js';
import fc from 'fast-check';
import { DEFAULT_MAX_RECEIVE_MESSAGE_BYTES } from '../../container/server/start-front.js';
import { queueDepth } from '../support/queue-depth.js';
import { submitRequest } from '../support/grpc-test-client.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';
import { RawJobServiceClient } from './raw-job-service-client.js';
import { grpcFrame, RawHttp2Connection } from './raw-http2-call.js';

const SEED = 20_260_512;
const RUNS = 100;
const SERVICE = '/sluice.v1.JobService/';
/** A GetJobRequest with job_id "A": a well-formed message. */
const SMALL_MESSAGE = Buffer.from([0x0a, 0x01, 0x41]);

let system: TestSystem;
let raw: RawJobServiceClient;
let http2: RawHttp2Connection;
let knownJobId: string;
let baselineDepth: number;
const inputsTried = new Map<string, number>();
const count = (kind: string, n = 1): void => {
  inputsTried.set(kind, (inputsTried.get(kind) ?? 0) + n);
};
const defaultQueueDepth = (): Promise<number> =>
  queueDepth(system.runtime.clients.sqs, system.runtime.queues.get('default')?.queueUrl ?? '');

beforeAll(async () => {
  system = await startTestSystem({ consumers: false });
  raw = new RawJobServiceClient(system.runtime.endpoint);
  http2 = await RawHttp2Connection.open(system.runtime.endpoint);
  knownJobId = (await system.client.submit(submitRequest({ type: 'echo' }))).jobId;
  baselineDepth = await defaultQueueDepth();
});

afterEach(async () => {
  expect(await defaultQueueDepth()).toBe(baselineDepth);
  expect(() => process.kill(system.runtime.frontPid(), 0)).not.toThrow();
  expect((await system.client.get(knownJobId)).jobId).toBe(knownJobId);
});

afterAll(async () => {
  raw?.close();
  http2?.close();
  await system?.stop();
  const lines = [...inputsTried].map(([kind, n]) => `${kind}: ${n}`);
  process.stderr.write(`wire-level inputs tried (seed ${SEED}): ${lines.join(', ')}\n`);
});

const property = <T>(arbitrary: fc.Arbitrary<T>, check: (value: T) => Promise<void>) =>
  fc.assert(fc.asyncProperty(arbitrary, check), { seed: SEED, numRuns: RUNS });

describe('messages that are not protobuf', () => {
  it.each(['SubmitJob', 'GetJob', 'CancelJob'] as const)(
    '%s answers random bytes with INVALID_ARGUMENT',
    async (method) => {
      await property(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        count('random messages');
        expect((await raw.unary(method, bytes)).code).toBe(status.INVALID_ARGUMENT);
      });
    },
  );

  it('WatchJobs answers random bytes with INVALID_ARGUMENT', async () => {
    await property(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
      count('random messages');
      expect((await raw.watch(bytes)).code).toBe(status.INVALID_ARGUMENT);
    });
  });

  it('SubmitJobs answers each random item with an INVALID_ARGUMENT item and goes on', async () => {
    await property(
      fc.array(fc.uint8Array({ maxLength: 200 }), { minLength: 1, maxLength: 4 }),
      async (items) => {
        count('random messages', items.length);
        const { responses, outcome } = await raw.submitJobs(items);
        expect(outcome.code).toBe(status.OK);
        expect(responses.map((response) => response.error?.code)).toEqual(
          items.map(() => status.INVALID_ARGUMENT),
        );
      },
    );
  });

  it('says which message type the bytes failed to be', async () => {
    count('hand-made frames');
    const answer = await http2.request(
      `${SERVICE}GetJob`,
      grpcFrame(Buffer.from([0xff, 0xff, 0xff])),
    );
    expect(answer).toMatchObject({
      grpcStatus: status.INVALID_ARGUMENT,
      grpcMessage: 'the request is not a well-formed sluice.v1.GetJobRequest message',
    });
  });
});

describe('frames no gRPC library would send', () => {
  const path = `${SERVICE}GetJob`;
  it.each<[string, Buffer, Record<string, string>, status]>([
    [
      'a frame shorter than its declared length',
      grpcFrame(SMALL_MESSAGE, { declaredLength: 100 }),
      {},
      status.UNIMPLEMENTED,
    ],
    ['half a frame header', Buffer.from([0, 0, 0]), {}, status.UNIMPLEMENTED],
    ['no frame at all', Buffer.alloc(0), {}, status.UNIMPLEMENTED],
    [
      'two messages on a unary call',
      Buffer.concat([grpcFrame(SMALL_MESSAGE), grpcFrame(SMALL_MESSAGE)]),
      {},
      status.UNIMPLEMENTED,
    ],
    [
      'a frame declaring more than the receive limit',
      grpcFrame(Buffer.alloc(16), { declaredLength: DEFAULT_MAX_RECEIVE_MESSAGE_BYTES * 2 }),
      {},
      status.RESOURCE_EXHAUSTED,
    ],
    [
      'a frame larger than the receive limit',
      grpcFrame(Buffer.alloc(DEFAULT_MAX_RECEIVE_MESSAGE_BYTES + 1)),
      {},
      status.RESOURCE_EXHAUSTED,
    ],
    [
      'a compressed frame that does not decompress',
      grpcFrame(SMALL_MESSAGE, { compressed: true }),
      { 'grpc-encoding': 'gzip' },
      status.INTERNAL,
    ],
    [
      'an unknown compression',
      grpcFrame(SMALL_MESSAGE, { compressed: true }),
      { 'grpc-encoding': 'lz77' },
      status.UNIMPLEMENTED,
    ],
    [
      'a malformed grpc-timeout',
      grpcFrame(SMALL_MESSAGE),
      { 'grpc-timeout': 'soon' },
      status.INTERNAL,
    ],
  ])('answers %s with a gRPC status', async (_name, body, headers, expected) => {
    count('hand-made frames');
    const answer = await http2.request(path, body, headers);
    expect(answer.httpStatus).toBe(200);
    expect(answer.grpcStatus).toBe(expected);
  });

  it('answers an unknown method with UNIMPLEMENTED', async () => {
    count('hand-made frames');
    const answer = await http2.request(`${SERVICE}DropTables`, grpcFrame(Buffer.alloc(0)));
    expect(answer.grpcStatus).toBe(status.UNIMPLEMENTED);
  });

  it('answers a request that is not gRPC with HTTP 415', async () => {
    count('hand-made frames');
    const answer = await http2.request(path, grpcFrame(SMALL_MESSAGE), {
      'content-type': 'text/plain',
    });
    expect(answer.httpStatus).toBe(415);
  });

  it.each(['SubmitJob', 'SubmitJobs', 'GetJob', 'WatchJobs', 'CancelJob'])(
    'answers any body bytes on %s with a gRPC status',
    async (method) => {
      await property(fc.uint8Array({ maxLength: 64 }), async (body) => {
        count('random bodies');
        const answer = await http2.request(`${SERVICE}${method}`, body);
        expect(answer.httpStatus).toBe(200);
        expect(answer.grpcStatus).toBeDefined();
      });
    },
  );
});

describe('bytes that are not HTTP/2', () => {
  it('closes a connection that speaks HTTP/1.1 or garbage, and keeps serving others', async () => {
    for (const greeting of [
      'GET / HTTP/1.1\r\nHost: sluice\r\n\r\n',
      // At least the 24 bytes of the HTTP/2 preface, so the server can tell it is not one.
      `\u0000\u00ff ${'garbage '.repeat(4)}\u0001`,
    ]) {
      count('non-HTTP/2 connections');
      const socket = netConnect(system.runtime.grpcPort, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.on('error', () => undefined);
      // Read what the server says (a GOAWAY), so its closing is seen.
      socket.resume();
      socket.write(greeting);
      await new Promise((resolve) => socket.once('close', resolve));
    }
  });
});
