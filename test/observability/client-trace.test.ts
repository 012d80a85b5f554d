import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { encodeEnvelope, messageGroupId } from '../../core/envelope/message-envelope.js';
import { createLogger } from '../../core/logging/logger.js';
import { startTelemetry, type Telemetry } from '../../core/telemetry/start-telemetry.js';
import { createConsumerHandler } from '../../functions/consumer/create-consumer-handler.js';
import { PROCESSORS } from '../../functions/processors/processor-registry.js';
import { testContext, testEnvelope } from '../../functions/testing/function-test-bed.js';
import { SluiceClient } from '../../client/index.js';
import { buildSqsEvent } from '../../local/runner/build-sqs-event.js';
import {
  startOtlpJsonReceiver,
  type OtlpJsonReceiver,
  type ReceivedSpan,
} from '../../local/telemetry/otlp-json-receiver.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';
import { waitUntil } from '../support/wait-until.js';

/** OTLP span kinds. */
const KIND_SERVER = 2;
const KIND_CONSUMER = 5;
const EXPORT_DELAY_MS = '50';
/** The job's own trace context, as the front put it in the envelope. */
const ENVELOPE_TRACE_ID = '7bf92f3577b34da6a3ce929d0e0e4736';
const ENVELOPE_SPAN_ID = '10f067aa0ba902b7';
/** A different trace in the record's X-Ray header (what Lambda's instrumentation would read). */
const XRAY_TRACE_ID = '5759e988bd862e3fe1be46a994272793';
const AWS_TRACE_HEADER =
  'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

let receiver: OtlpJsonReceiver;
let telemetry: Telemetry;
let system: TestSystem;
let client: SluiceClient;
const saved = { ...process.env };

beforeAll(async () => {
  receiver = await startOtlpJsonReceiver({ port: 0 });
  Object.assign(process.env, {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: EXPORT_DELAY_MS,
    OTEL_NODE_RESOURCE_DETECTORS: 'none',
  });
  // The caller (client) and the consumers run in this process, the front in a child.
  telemetry = await startTelemetry({ serviceName: 'test-caller' });
  system = await startTestSystem({ frontEnv: { OTEL_SERVICE_NAME: 'test-front' } });
  client = new SluiceClient({ endpoint: system.runtime.endpoint });
}, 120_000);

afterAll(async () => {
  client.close();
  await system.stop();
  await telemetry.shutdown();
  await receiver.close();
  process.env = saved;
});

async function spanWhere(
  what: string,
  matches: (span: ReceivedSpan) => boolean,
): Promise<ReceivedSpan> {
  let found: ReceivedSpan | undefined;
  await waitUntil(
    async () => {
      await telemetry.flush();
      found = receiver.spans.find(matches);
      return found !== undefined;
    },
    { what, timeoutMs: 60_000 },
  );
  return found as ReceivedSpan;
}

describe('the TypeScript client', () => {
  it("carries the caller's active span to the front: the server span is its child", async () => {
    const caller = await trace
      .getTracer('test-caller')
      .startActiveSpan('caller work', async (span) => {
        try {
          await client.submit({ type: 'echo', payload: { json: {} } });
          return span.spanContext();
        } finally {
          span.end();
        }
      });

    const server = await spanWhere(
      'the front span of the submit',
      (span) => span.traceId === caller.traceId && span.name === 'sluice.v1.JobService/SubmitJob',
    );
    expect(server).toMatchObject({ serviceName: 'test-front', kind: KIND_SERVER });
    expect(server.parentSpanId).toBe(caller.spanId);
  });
});

describe('the consumer', () => {
  it("continues and links to the envelope's trace context, not the record's AWSTraceHeader", async () => {
    const queues = system.runtime.queues.get('default')!;
    const envelope = testEnvelope(
      'echo',
      {},
      { traceparent: `00-${ENVELOPE_TRACE_ID}-${ENVELOPE_SPAN_ID}-01` },
    );
    const event = buildSqsEvent(
      [
        {
          MessageId: randomUUID(),
          ReceiptHandle: `made-up-${randomUUID()}`,
          Body: encodeEnvelope(envelope),
          Attributes: {
            AWSTraceHeader: AWS_TRACE_HEADER,
            SequenceNumber: '1'.padStart(20, '0'),
            MessageGroupId: messageGroupId(envelope),
          },
        },
      ],
      { queueArn: 'arn:aws:sqs:us-east-1:000000000000:made-up.fifo', region: 'us-east-1' },
    );
    const consumer = createConsumerHandler({
      table: system.runtime.table,
      sqs: system.runtime.clients.sqs,
      channel: queues.channel,
      queueUrl: queues.queueUrl,
      processors: PROCESSORS,
      logger: createLogger('test', 'silent'),
    });

    expect(await consumer(event, testContext())).toEqual({ batchItemFailures: [] });

    const process = await spanWhere(
      'the processing span of the job',
      (span) => span.kind === KIND_CONSUMER && span.attributes['sluice.job.id'] === envelope.jobId,
    );
    expect(process.traceId).toBe(ENVELOPE_TRACE_ID);
    expect(process.parentSpanId).toBe(ENVELOPE_SPAN_ID);
    expect(process.links).toEqual([{ traceId: ENVELOPE_TRACE_ID, spanId: ENVELOPE_SPAN_ID }]);
    expect(receiver.spans.filter((span) => span.traceId === XRAY_TRACE_ID)).toEqual([]);
  });
});
