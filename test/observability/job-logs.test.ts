import { Metadata } from '@grpc/grpc-js';
import { createLogger } from '../../core/logging/logger.js';
import { startTelemetry, type Telemetry } from '../../core/telemetry/start-telemetry.js';
import {
  startOtlpJsonReceiver,
  type OtlpJsonReceiver,
} from '../../local/telemetry/otlp-json-receiver.js';
import { JobState, SubmitJobRequest } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';
import { waitUntil } from '../support/wait-until.js';

/** Each job's own trace, as a caller with tracing would send it. */
const ECHO_TRACE_ID = '5bf92f3577b34da6a3ce929d0e0e4736';
const FAIL_TRACE_ID = '6bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';
/** What a tenant sends that no log line may show. */
const SECRETS = {
  payload: 'payload-secret-7f3a',
  attribute: 'attribute-secret-91c2',
  idempotencyKey: 'key-secret-44d0',
  processorMessage: 'processor-secret-e5b8',
};
const SPAN_ID_PATTERN = /^[0-9a-f]{16}$/;

interface LogLine {
  msg?: string;
  method?: string;
  jobId?: string;
  trace_id?: string;
  span_id?: string;
  raw: string;
}

const lines: LogLine[] = [];
function collect(raw: string): void {
  try {
    lines.push({ ...(JSON.parse(raw) as Omit<LogLine, 'raw'>), raw });
  } catch {
    // Not a log line (a child's plain output).
  }
}

let receiver: OtlpJsonReceiver;
let telemetry: Telemetry;
let system: TestSystem;
const saved = { ...process.env };
const jobs = { echo: '', fail: '' };

function traced(traceId: string): Metadata {
  const metadata = new Metadata();
  metadata.set('traceparent', `00-${traceId}-${PARENT_SPAN_ID}-01`);
  return metadata;
}

beforeAll(async () => {
  receiver = await startOtlpJsonReceiver({ port: 0 });
  Object.assign(process.env, {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_NODE_RESOURCE_DETECTORS: 'none',
  });
  telemetry = await startTelemetry({ serviceName: 'test-consumers' });
  system = await startTestSystem({
    // The consumers log in this process, the front in its child: both are read.
    logger: createLogger('consumers', 'debug', { write: (line: string) => collect(line) }),
    onOutput: collect,
    frontEnv: { SLUICE_LOG_LEVEL: 'debug' },
  });
  const submit = async (type: string, payload: object, traceId: string): Promise<string> =>
    (
      await system.client.submit(
        SubmitJobRequest.fromPartial({
          channel: 'default',
          type,
          payload: Buffer.from(JSON.stringify(payload)),
          attributes: { note: SECRETS.attribute },
          idempotencyKey: `${SECRETS.idempotencyKey}-${type}`,
        }),
        traced(traceId),
      )
    ).jobId;
  jobs.echo = await submit('echo', { secret: SECRETS.payload }, ECHO_TRACE_ID);
  jobs.fail = await submit('fail', { message: SECRETS.processorMessage }, FAIL_TRACE_ID);
  const ended = await system.client.watchAll([jobs.echo, jobs.fail]);
  expect(ended.filter((job) => job.state === JobState.JOB_STATE_SUCCEEDED)).toHaveLength(1);
  // The front's lines arrive through a pipe: wait for its answer to the second submit.
  await waitUntil(
    () => Promise.resolve(lines.some((line) => line.trace_id === FAIL_TRACE_ID && line.method)),
    { what: "the front's log line of the second submit", timeoutMs: 30_000 },
  );
}, 120_000);

afterAll(async () => {
  await system.stop();
  await telemetry.shutdown();
  await receiver.close();
  process.env = saved;
});

describe('log lines about a job', () => {
  it.each([
    ['echo', ECHO_TRACE_ID, 'job succeeded'],
    ['fail', FAIL_TRACE_ID, 'job failed permanently'],
  ] as const)(
    'of the %s job, from the front and the consumer, all carry its job id',
    (name, traceId, outcome) => {
      const inTrace = lines.filter((line) => line.trace_id === traceId);
      expect(inTrace.map((line) => line.msg)).toEqual(
        expect.arrayContaining(['call answered', 'job started', outcome]),
      );
      for (const line of inTrace)
        expect({ line: line.raw, jobId: line.jobId }).toEqual({
          line: line.raw,
          jobId: jobs[name],
        });
    },
  );

  it('carry the trace and span ids of the span they were written in', () => {
    const about = lines.filter((line) => line.jobId === jobs.echo || line.jobId === jobs.fail);
    expect(about.length).toBeGreaterThan(0);
    for (const line of about) {
      expect({ line: line.raw, traced: line.trace_id !== undefined }).toEqual({
        line: line.raw,
        traced: true,
      });
      expect(line.span_id).toMatch(SPAN_ID_PATTERN);
    }
  });

  it("never show a payload, an attribute, an idempotency key or a processor's message", () => {
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of Object.values(SECRETS)) {
      expect(lines.filter((line) => line.raw.includes(secret)).map((line) => line.raw)).toEqual([]);
    }
  });
});
