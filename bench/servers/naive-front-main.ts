// The naive producer as a gRPC server process on 127.0.0.1, port 0: SubmitJob only.
// AWS settings come from the same env as the front's (AWS_ENDPOINT_URL, SLUICE_TABLE_NAME, ...).
// Prints {"sluice":"ready","port":N}; SIGTERM stops it.
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { createAwsClients, destroyAwsClients } from '../../core/aws/aws-clients.js';
import { resolveChannelQueues } from '../../core/aws/queue-directory.js';
import { CHANNELS } from '../../core/channels/channels.js';
import { readAwsEnvironment } from '../../core/config/aws-config.js';
import { createJobIdGenerator } from '../../core/jobs/job-ids.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import { DEFAULT_SUBMIT_LIMITS } from '../../core/validation/limits.js';
import { JobServiceService } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { createNaiveSubmitJob } from './naive-producer.js';

const { aws, resources } = readAwsEnvironment(process.env);
const clients = createAwsClients(aws);
const queues = await resolveChannelQueues(clients.sqs, CHANNELS, resources.queuePrefix);
const server = new Server();
// The other methods get grpc-js's default handler: UNIMPLEMENTED.
server.addService(JobServiceService, {
  submitJob: createNaiveSubmitJob({
    sqs: clients.sqs,
    table: new JobsTable({ client: clients.documents, tableName: resources.tableName }),
    channels: CHANNELS,
    queues,
    limits: DEFAULT_SUBMIT_LIMITS,
    nextJobId: createJobIdGenerator(),
    now: Date.now,
  }),
});
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
  if (error !== null) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify({ sluice: 'ready', port })}\n`);
});
const stop = (): void => {
  server.tryShutdown(() => {
    destroyAwsClients(clients);
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
