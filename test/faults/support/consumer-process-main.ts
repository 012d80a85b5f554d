// A consumer as its own process, so a test can SIGKILL it mid-batch as a crashed
// Lambda would die: `node --import tsx test/faults/support/consumer-process-main.ts`.
// Reads the AWS settings like every Sluice process, runs the event-source runner
// with the real handlers, and appends every processor run to SLUICE_FAULTS_RUN_LOG
// (one JSON line at start and one at end, written synchronously so a SIGKILL
// cannot lose a line that was written). Prints {"sluice":"ready"} once polling.
import { appendFileSync } from 'node:fs';
import {
  createAwsClients,
  destroyAwsClients,
  resolveAwsRegion,
} from '../../../core/aws/aws-clients.js';
import { resolveChannelQueues } from '../../../core/aws/queue-directory.js';
import { CHANNELS } from '../../../core/channels/channels.js';
import { readAwsEnvironment } from '../../../core/config/aws-config.js';
import { JobsTable } from '../../../core/jobs/jobs-table.js';
import type { Processor } from '../../../functions/processors/processor.js';
import { PROCESSORS } from '../../../functions/processors/processor-registry.js';
import { startLocalConsumers } from '../../support/local-consumers.js';
import type { LoggedRun } from './run-log.js';

const runLog = process.env.SLUICE_FAULTS_RUN_LOG;
if (runLog === undefined) throw new Error('SLUICE_FAULTS_RUN_LOG is required');
const processName = process.env.SLUICE_FAULTS_PROCESS_NAME ?? String(process.pid);

const append = (line: LoggedRun): void => appendFileSync(runLog, `${JSON.stringify(line)}\n`);
const logged = (type: string, processor: Processor): Processor => {
  return async (input, ctx) => {
    const run = { jobId: ctx.jobId, attempt: ctx.attempt, group: ctx.attributes.group ?? '' };
    append({ ...run, event: 'start', at: Date.now(), process: processName });
    const output = await processor(input, ctx);
    append({ ...run, event: 'end', at: Date.now(), process: processName });
    return output;
  };
};

const { aws, resources } = readAwsEnvironment(process.env);
const clients = createAwsClients(aws);
const region = await resolveAwsRegion(clients);
const consumers = await startLocalConsumers({
  sqs: clients.sqs,
  table: new JobsTable({ client: clients.documents, tableName: resources.tableName }),
  region,
  queues: await resolveChannelQueues(clients.sqs, CHANNELS, resources.queuePrefix),
  processors: new Map([...PROCESSORS].map(([type, processor]) => [type, logged(type, processor)])),
});
process.stdout.write(`${JSON.stringify({ sluice: 'ready', pid: process.pid })}\n`);

process.once('SIGTERM', () => {
  void consumers.stop().then(() => {
    destroyAwsClients(clients);
    process.exit(0);
  });
});
