import { Metadata, status, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import type {
  SubmitJobsRequest,
  SubmitJobsResponse,
  WatchJobsResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import {
  startFrontTestBed,
  submitRequest,
  unary,
  type FrontTestBed,
  type TestFront,
} from '../testing/front-test-bed.js';
import { healthClient, reflect } from '../testing/grpc-probes.js';
import { parsePrometheusText, sumOf, type MetricFamily } from '../metrics/prometheus-text.js';
import { JOB_SERVICE_NAME } from './start-front.js';

let bed: FrontTestBed;

beforeAll(async () => {
  bed = await startFrontTestBed('front');
});

afterAll(() => bed.stop());

async function scrape(port: number): Promise<MetricFamily[]> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

async function httpHealth(port: number): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}/`);
  return { status: response.status, body: await response.json() };
}

describe('startFront', () => {
  let served: TestFront;
  beforeAll(async () => {
    served = await bed.startFront();
  });

  it('serves gRPC health SERVING overall and for the JobService', async () => {
    const health = healthClient(served.front.grpcPort);
    for (const service of ['', JOB_SERVICE_NAME]) {
      const response = await unary<{ status: string }>((callback) =>
        health.check({ service }, callback),
      );
      expect(response.status).toBe('SERVING');
    }
    health.close();
  });

  it('answers plain HTTP health with 200 while serving', async () => {
    expect(await httpHealth(served.front.healthPort)).toEqual({
      status: 200,
      body: { status: 'SERVING' },
    });
  });

  it('serves Prometheus text at /metrics whose counters move with a submit', async () => {
    const before = await scrape(served.front.healthPort);
    await unary((callback) => served.client.submitJob(submitRequest(), callback));
    const after = await scrape(served.front.healthPort);
    const moved = (name: string, labels: Record<string, string> = {}): number =>
      sumOf(after, name, labels) - sumOf(before, name, labels);
    expect(moved('sluice_submits_total', { channel: 'default', outcome: 'accepted' })).toBe(1);
    expect(moved('sluice_submit_duration_seconds_count', { channel: 'default' })).toBe(1);
    expect(moved('sluice_producer_entries_sent_total')).toBe(1);
    expect(moved('sluice_producer_batch_entries_count', { channel: 'default' })).toBe(1);
    expect(moved('sluice_aws_call_duration_seconds_count', { service: 'SQS' })).toBe(1);
    expect(
      moved('sluice_aws_call_duration_seconds_count', {
        service: 'DynamoDB',
        operation: 'PutItem',
      }),
    ).toBe(1);
    expect(sumOf(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts a refused submit by its outcome, under channel "unknown" for a name it does not serve', async () => {
    const before = await scrape(served.front.healthPort);
    await expect(
      unary((callback) =>
        served.client.submitJob(submitRequest({ channel: 'no-such-channel' }), callback),
      ),
    ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    const after = await scrape(served.front.healthPort);
    const labels = { channel: 'unknown', outcome: 'invalid_argument' };
    expect(sumOf(after, 'sluice_submits_total', labels)).toBe(
      sumOf(before, 'sluice_submits_total', labels) + 1,
    );
    expect(
      after.flatMap((f) => f.samples).some((s) => s.labels.channel === 'no-such-channel'),
    ).toBe(false);
  });

  it('lists the JobService and the health service through reflection, and describes them', async () => {
    const listed = await reflect(served.front.grpcPort, { list_services: '*' });
    const names = listed.list_services_response?.service.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining([JOB_SERVICE_NAME, 'grpc.health.v1.Health']));
    const described = await reflect(served.front.grpcPort, {
      file_containing_symbol: JOB_SERVICE_NAME,
    });
    expect(described.file_descriptor_response?.file_descriptor_proto.length).toBeGreaterThan(0);
  });

  it('reports the ports it bound when asked for any free port', () => {
    expect(served.front.grpcPort).toBeGreaterThan(0);
    expect(served.front.healthPort).toBeGreaterThan(0);
    expect(served.front.grpcPort).not.toBe(served.front.healthPort);
  });
});

describe('shutdown', () => {
  it('reports NOT_SERVING on both health endpoints while it drains', async () => {
    const { front } = await bed.startFront({ shutdownGraceMs: 1_000 });
    const health = healthClient(front.grpcPort);
    // An open health watch keeps the drain going until the grace ends.
    const watch = health.watch({ service: '' });
    const statuses: string[] = [];
    const notServing = new Promise<void>((resolve) => {
      watch.on('data', (response: { status: string }) => {
        statuses.push(response.status);
        if (response.status === 'NOT_SERVING') resolve();
      });
      watch.on('error', () => undefined);
    });
    await new Promise((resolve) => watch.once('data', resolve));

    const stopped = front.shutdown();
    await notServing;
    expect(front.serving).toBe(false);
    expect(await httpHealth(front.healthPort)).toEqual({
      status: 503,
      body: { status: 'NOT_SERVING' },
    });
    await stopped;
    expect(statuses).toEqual(['SERVING', 'NOT_SERVING']);
    health.close();
  });

  it('ends watch streams with UNAVAILABLE', async () => {
    const { front, client } = await bed.startFront();
    const ack = await unary<{ jobId: string }>((callback) =>
      client.submitJob(submitRequest(), callback),
    );
    const stream = client.watchJobs({ jobIds: [ack.jobId] });
    const ended = new Promise<number>((resolve) => {
      stream.on('data', (_response: WatchJobsResponse) => undefined);
      stream.on('error', (error: ServiceError) => resolve(error.code));
      stream.on('end', () => resolve(status.OK));
    });
    await new Promise((resolve) => stream.once('data', resolve));
    await front.shutdown();
    expect(await ended).toBe(status.UNAVAILABLE);
  });

  it('answers the SubmitJobs items it read, then ends the stream with UNAVAILABLE', async () => {
    const { front, client } = await bed.startFront();
    const call: ClientDuplexStream<SubmitJobsRequest, SubmitJobsResponse> = client.submitJobs();
    const responses: SubmitJobsResponse[] = [];
    const ended = new Promise<number>((resolve) => {
      call.on('data', (response: SubmitJobsResponse) => responses.push(response));
      call.on('error', (error: ServiceError) => resolve(error.code));
      call.on('end', () => resolve(status.OK));
    });
    call.write({ ref: 'a', job: submitRequest() });
    await new Promise((resolve) => call.once('data', resolve));
    call.write({ ref: 'b', job: submitRequest() });
    const stopped = front.shutdown();
    expect(await ended).toBe(status.UNAVAILABLE);
    await stopped;
    expect(responses.map((r) => r.ref)).toContain('a');
    for (const response of responses) expect(response.accepted).toBeDefined();
  });

  it('flushes the producers: a submit waiting for its batch is sent and acknowledged', async () => {
    // A linger far longer than the test may run: only the shutdown's flush can send the batch.
    const { front, client } = await bed.startFront({ producer: { lingerMs: 600_000 } });
    const before = await bed.queueDepth();
    const ack = unary<{ jobId: string }>((callback) => client.submitJob(submitRequest(), callback));
    await new Promise<void>((resolve) => {
      const check = (): void =>
        front.producers.metrics.pending === 1 ? resolve() : void setImmediate(check);
      check();
    });
    await front.shutdown();
    await expect(ack).resolves.toMatchObject({ jobId: expect.any(String) as string });
    expect(await bed.queueDepth()).toBe(before + 1);
  });

  it('refuses new calls once it has stopped', async () => {
    const { front, client } = await bed.startFront();
    await front.shutdown();
    const failure = await unary((callback) =>
      client.getJob(
        { jobId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' },
        new Metadata(),
        { deadline: Date.now() + 1_000 },
        callback,
      ),
    ).catch((error: ServiceError) => error.code);
    expect([status.UNAVAILABLE, status.DEADLINE_EXCEEDED]).toContain(failure);
  });
});
