import { Metadata } from '@grpc/grpc-js';
import { trace } from '@opentelemetry/api';
import { startTelemetry, type Telemetry } from '../../core/telemetry/start-telemetry.js';
import { PROCESSORS } from '../../functions/processors/processor-registry.js';
import type { Processor } from '../../functions/processors/processor.js';
import { formatSpanTree } from '../../local/telemetry/format-span-tree.js';
import {
  startOtlpJsonReceiver,
  type OtlpJsonReceiver,
  type ReceivedSpan,
} from '../../local/telemetry/otlp-json-receiver.js';
import { JobState, SubmitJobRequest } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';
import { waitUntil } from '../support/wait-until.js';

/** A trace the test makes up, as a caller with its own tracing would send it. */
const CLIENT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`;
/** OTLP span kinds. */
const KIND_SERVER = 2;
const KIND_CONSUMER = 5;
/** Export quickly, so the spans arrive while the test waits. */
const EXPORT_DELAY_MS = '50';

/** The `echo` job type, run by a processor with a span of its own, as users write them. */
const tracedEcho: Processor = (input) =>
  trace.getTracer('test-processor').startActiveSpan('traced work', (span) => {
    span.end();
    return Promise.resolve({ bytes: input, contentType: 'application/octet-stream' });
  });

let receiver: OtlpJsonReceiver;
let telemetry: Telemetry;
let system: TestSystem;
const saved = { ...process.env };

beforeAll(async () => {
  receiver = await startOtlpJsonReceiver({ port: 0 });
  // The consumers run in this process, the front in a child that inherits these.
  Object.assign(process.env, {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: EXPORT_DELAY_MS,
    OTEL_NODE_RESOURCE_DETECTORS: 'none',
  });
  telemetry = await startTelemetry({ serviceName: 'test-consumers' });
  system = await startTestSystem({
    processors: new Map([...PROCESSORS, ['echo', tracedEcho]]),
    frontEnv: { OTEL_SERVICE_NAME: 'test-front' },
  });
}, 120_000);

afterAll(async () => {
  await system.stop();
  await telemetry.shutdown();
  await receiver.close();
  process.env = saved;
});

function inClientTrace(): ReceivedSpan[] {
  return receiver.spans.filter((span) => span.traceId === CLIENT_TRACE_ID);
}

async function spanNamed(name: string, from: () => ReceivedSpan[]): Promise<ReceivedSpan> {
  let found: ReceivedSpan | undefined;
  await waitUntil(
    async () => {
      await telemetry.flush();
      found = from().find((span) => span.name === name);
      return found !== undefined;
    },
    { what: `span "${name}"`, timeoutMs: 60_000 },
  );
  return found as ReceivedSpan;
}

describe('a job submitted with a traceparent', () => {
  let jobId: string;

  beforeAll(async () => {
    const metadata = new Metadata();
    metadata.set('traceparent', TRACEPARENT);
    ({ jobId } = await system.client.submit(
      SubmitJobRequest.fromPartial({
        channel: 'default',
        type: 'echo',
        payload: Buffer.from('{}'),
      }),
      metadata,
    ));
    const [last] = (await system.client.watchAll([jobId])).slice(-1);
    expect(last?.state).toBe(JobState.JOB_STATE_SUCCEEDED);
  }, 120_000);

  it("continues the client's trace in the front's server span", async () => {
    const server = await spanNamed('sluice.v1.JobService/SubmitJob', inClientTrace);
    expect(server).toMatchObject({ serviceName: 'test-front', kind: KIND_SERVER });
    expect(server.parentSpanId).toBe(CLIENT_SPAN_ID);
  });

  it('has the queue send and the record write as children of the submit', async () => {
    const server = await spanNamed('sluice.v1.JobService/SubmitJob', inClientTrace);
    const send = await spanNamed('send default', inClientTrace);
    expect(send.parentSpanId).toBe(server.spanId);
    expect(send.attributes['sluice.job.id']).toBe(jobId);
    const sqs = await spanNamed('SQS SendMessageBatch', inClientTrace);
    expect(sqs.parentSpanId).toBe(send.spanId);
    const put = await spanNamed('DynamoDB PutItem', inClientTrace);
    expect(put.parentSpanId).toBe(server.spanId);
  });

  it("runs the job in a consumer span in the submit's trace that links to its message", async () => {
    const send = await spanNamed('send default', inClientTrace);
    const process = await spanNamed('process default', inClientTrace);
    expect(process).toMatchObject({ serviceName: 'test-consumers', kind: KIND_CONSUMER });
    expect(process.parentSpanId).toBe(send.spanId);
    expect(process.links).toContainEqual({ traceId: CLIENT_TRACE_ID, spanId: send.spanId });
    expect(process.attributes['sluice.job.id']).toBe(jobId);
  });

  it("nests the processor's own span under the job's processing span", async () => {
    const process = await spanNamed('process default', inClientTrace);
    const work = await spanNamed('traced work', inClientTrace);
    expect(work.parentSpanId).toBe(process.spanId);
  });

  it('prints as a tree with the job under its submit, as npm run traces shows it', async () => {
    await spanNamed('traced work', inClientTrace);
    await spanNamed('DynamoDB PutItem', inClientTrace);
    const lines = formatSpanTree(inClientTrace());
    const depthOf = (name: string): number => {
      const line = lines.find((text) => text.replace(/^[│├└─ ]*/, '').startsWith(`${name} [`));
      if (line === undefined) throw new Error(`no line for ${name} in:\n${lines.join('\n')}`);
      return line.length - line.replace(/^[│├└─ ]*/, '').length;
    };
    expect(lines[0]).toContain(`(parent ${CLIENT_SPAN_ID} not received)`);
    expect(depthOf('sluice.v1.JobService/SubmitJob')).toBe(0);
    expect(depthOf('send default')).toBeGreaterThan(0);
    expect(depthOf('SQS SendMessageBatch')).toBeGreaterThan(depthOf('send default'));
    expect(depthOf('process default')).toBe(depthOf('SQS SendMessageBatch'));
    expect(depthOf('traced work')).toBeGreaterThan(depthOf('process default'));
    expect(lines.join('\n')).toContain(`sluice.job.id=${jobId}`);
  });

  it('keeps the trace id on the job', async () => {
    expect((await system.client.get(jobId)).traceId).toBe(CLIENT_TRACE_ID);
  });
});
