import type { ChannelQueues } from '../../core/aws/queue-directory.js';
import { PROCESSORS } from '../processors/processor-registry.js';
import {
  receiveEvent,
  sendJob,
  startFunctionTestBed,
  testContext,
  testEnvelope,
  type FunctionTestBed,
} from '../testing/function-test-bed.js';
import { parseEmfLine, type ParsedEmfLine } from '../testing/parse-emf-line.js';
import { createConsumerHandler } from './create-consumer-handler.js';

process.env.SLUICE_LOG_LEVEL = 'silent';

/** The README's table of consumer metrics: name → unit. */
const DOCUMENTED_METRICS = {
  Jobs: 'Count',
  QueueWaitMs: 'Milliseconds',
  RunTimeMs: 'Milliseconds',
  Attempts: 'Count',
};
/** How long before its run the test's jobs were accepted. */
const WAITED_MS = 5_000;
const SLEEP_MS = 50;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

let bed: FunctionTestBed;
let queues: ChannelQueues;
const lines: string[] = [];

beforeAll(async () => {
  bed = await startFunctionTestBed();
  queues = await bed.newChannel();
});

afterAll(async () => {
  await bed.stop();
});

/** Runs one job through a real consumer against the emulators; returns its EMF line. */
async function metricsOf(
  type: string,
  payload: unknown,
  traceparent?: string,
): Promise<ParsedEmfLine> {
  const handler = createConsumerHandler({
    table: bed.table,
    sqs: bed.clients.sqs,
    channel: queues.channel,
    queueUrl: queues.queueUrl,
    processors: PROCESSORS,
    logger: bed.logger,
    metrics: (line) => lines.push(line),
  });
  const envelope = testEnvelope(type, payload, {
    createdAt: Date.now() - WAITED_MS,
    ...(traceparent === undefined ? {} : { traceparent }),
  });
  await sendJob(bed, queues, envelope);
  const before = lines.length;
  await handler(await receiveEvent(bed, queues.queueUrl, 1), testContext());
  const written = lines.slice(before);
  expect(written).toHaveLength(1);
  const line = parseEmfLine(written[0]!);
  expect(line.fields.jobId).toBe(envelope.jobId);
  return line;
}

function unitsOf(line: ParsedEmfLine): Record<string, string> {
  return Object.fromEntries(Object.entries(line.metrics).map(([name, { unit }]) => [name, unit]));
}

describe("the consumer's EMF metrics", () => {
  it('writes one line per attempt with every documented metric and its unit', async () => {
    const line = await metricsOf('sleep', { ms: SLEEP_MS });
    expect(line.namespace).toBe('Sluice');
    expect(unitsOf(line)).toEqual(DOCUMENTED_METRICS);
    expect(line.dimensionSets).toEqual([
      { channel: 'default', outcome: 'succeeded' },
      { channel: 'default' },
    ]);
  });

  it('measures the queue wait from the accepted submit and the run time of the processor', async () => {
    const { metrics } = await metricsOf('sleep', { ms: SLEEP_MS });
    expect(metrics.Jobs?.value).toBe(1);
    expect(metrics.Attempts?.value).toBe(1);
    expect(metrics.QueueWaitMs?.value).toBeGreaterThanOrEqual(WAITED_MS);
    expect(metrics.RunTimeMs?.value).toBeGreaterThanOrEqual(SLEEP_MS);
  });

  it("carries the job's trace id as a property, never its payload", async () => {
    const line = await metricsOf(
      'echo',
      { secret: 'hunter2' },
      `00-${TRACE_ID}-00f067aa0ba902b7-01`,
    );
    expect(line.fields.trace_id).toBe(TRACE_ID);
    expect(JSON.stringify(line.fields)).not.toContain('hunter2');
  });
  // Last: the retried message stays in the queue.
  it('names a permanent failure "failed" and a transient one "retried"', async () => {
    const failed = await metricsOf('fail', {});
    expect(failed.dimensionSets[0]).toEqual({ channel: 'default', outcome: 'failed' });
    const retried = await metricsOf('flaky', { failures: 1 });
    expect(retried.dimensionSets[0]).toEqual({ channel: 'default', outcome: 'retried' });
  });
});
