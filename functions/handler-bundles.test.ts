import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { SQSEvent } from 'aws-lambda';
import type { ChannelQueues } from '../core/aws/queue-directory.js';
import { encodeEnvelope } from '../core/envelope/message-envelope.js';
import { buildSqsEvent } from '../local/runner/build-sqs-event.js';
import { isEmfLine, parseEmfLine } from './testing/parse-emf-line.js';
import { RUNTIME_NODE } from '../test/support/runtime-node.js';
import {
  keyOf,
  receiveEvent,
  sendJob,
  startFunctionTestBed,
  TEST_REGION,
  testEnvelope,
  type FunctionTestBed,
} from './testing/function-test-bed.js';

/** Imports a bundle, invokes its handler with the event on stdin, prints the response. */
const INVOKE_SCRIPT = `
const { handler } = await import(process.argv[1]);
let input = '';
for await (const chunk of process.stdin) input += chunk;
const deadline = Date.now() + 30000;
const context = { awsRequestId: 'bundle-test', getRemainingTimeInMillis: () => deadline - Date.now() };
const response = await handler(JSON.parse(input), context);
process.stdout.write(JSON.stringify(response ?? null) + '\\n');
process.exit(0);
`;

/** What NodejsFunction's `bundling.banner` must hold for ESM output. */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

let bed: FunctionTestBed;
let queues: ChannelQueues;
let outdir: string;

beforeAll(async () => {
  bed = await startFunctionTestBed();
  queues = await bed.newChannel();
  outdir = await mkdtemp(join(tmpdir(), 'sluice-bundles-'));
  // As the CDK app bundles them: ESM, one file per function, for Node on Lambda.
  // The AWS SDK and pino are CommonJS and require Node built-ins, which an ESM
  // bundle can only do through a `require` made by createRequire (the banner).
  await build({
    entryPoints: {
      consumer: 'functions/consumer/handler.ts',
      'dead-letter': 'functions/dead-letter/handler.ts',
    },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    banner: { js: ESM_REQUIRE_BANNER },
    logLevel: 'warning',
  });
});

afterAll(async () => {
  await bed.stop();
  await rm(outdir, { recursive: true, force: true });
});

/** What a bundle's process wrote to stdout: its EMF lines, and its response (the last other line). */
interface BundleOutput {
  response: unknown;
  emfLines: string[];
}

function splitStdout(stdout: string): BundleOutput {
  const lines = stdout.split('\n').filter((line) => line !== '');
  const other = lines.filter((line) => !isEmfLine(line));
  return { response: JSON.parse(other.at(-1) ?? 'undefined'), emfLines: lines.filter(isEmfLine) };
}

/** Runs a bundled handler in its own process, as Lambda would, configured only by environment. */
function invokeBundle(name: string, event: SQSEvent): Promise<BundleOutput> {
  const prefix = queues.queueUrl
    .split('/')
    .at(-1)!
    .replace(/-default\.fifo$/, '');
  // On the function runtime's Node line when .ci/run provides it (SLUICE_RUNTIME_NODE).
  const child = spawn(
    RUNTIME_NODE,
    ['--input-type=module', '-e', INVOKE_SCRIPT, join(outdir, `${name}.mjs`)],
    {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: TEST_REGION,
        AWS_ENDPOINT_URL_SQS: bed.endpoints.sqs,
        AWS_ENDPOINT_URL_DYNAMODB: bed.endpoints.dynamo,
        SLUICE_TABLE_NAME: bed.tableName,
        SLUICE_QUEUE_PREFIX: prefix,
        SLUICE_CHANNEL: queues.channel.name,
        SLUICE_LOG_LEVEL: 'silent',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(JSON.stringify(event));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(splitStdout(stdout));
      else reject(new Error(`bundle ${name} exited ${String(code)}: ${stderr}`));
    });
  });
}

describe('bundled Lambda handlers', () => {
  it('the consumer bundle runs a job configured only by its environment', async () => {
    const envelope = testEnvelope('sha256', Buffer.from('abc'));
    await sendJob(bed, queues, envelope);
    const event = await receiveEvent(bed, queues.queueUrl, 1);

    const { response } = await invokeBundle('consumer', event);

    expect(response).toEqual({ batchItemFailures: [] });
    const record = await bed.table.get(keyOf(envelope));
    expect(record?.state).toBe('SUCCEEDED');
    expect(Buffer.from(record!.result!).toString()).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it("the consumer bundle writes its job's metrics to stdout in CloudWatch EMF", async () => {
    const envelope = testEnvelope('echo', {});
    await sendJob(bed, queues, envelope);
    const event = await receiveEvent(bed, queues.queueUrl, 1);

    const { emfLines } = await invokeBundle('consumer', event);

    expect(emfLines).toHaveLength(1);
    const line = parseEmfLine(emfLines[0]!);
    expect(line.namespace).toBe('Sluice');
    expect(line.fields.jobId).toBe(envelope.jobId);
    expect(Object.keys(line.metrics).sort()).toEqual([
      'Attempts',
      'Jobs',
      'QueueWaitMs',
      'RunTimeMs',
    ]);
    expect(line.dimensionSets).toContainEqual({ channel: 'default', outcome: 'succeeded' });
  });

  it('the dead-letter bundle dead-letters a job configured only by its environment', async () => {
    const envelope = testEnvelope('echo', {});
    const event = buildSqsEvent(
      [{ MessageId: 'm1', ReceiptHandle: 'r1', Body: encodeEnvelope(envelope) }],
      { queueArn: 'arn:aws:sqs:us-east-1:000000000000:dlq.fifo', region: TEST_REGION },
    );

    const { response } = await invokeBundle('dead-letter', event);

    expect(response).toEqual({ batchItemFailures: [] });
    expect((await bed.table.get(keyOf(envelope)))?.state).toBe('DEAD_LETTERED');
  });
});
