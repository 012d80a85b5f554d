import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { status, type handleUnaryCall, type ServiceError, Metadata } from '@grpc/grpc-js';
import type { Channel } from '../../core/channels/channel-config.js';
import type { ChannelQueues } from '../../core/aws/queue-directory.js';
import { encodeEnvelope, messageGroupId } from '../../core/envelope/message-envelope.js';
import { SluiceError } from '../../core/errors/index.js';
import { jobRecordFromEnvelope } from '../../core/jobs/job-record-from-envelope.js';
import type { JobsTable } from '../../core/jobs/jobs-table.js';
import { validateSubmission } from '../../core/validation/job-submission.js';
import type { SubmitLimits } from '../../core/validation/limits.js';
import type {
  SubmitJobRequest,
  SubmitJobResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';

/** The open local runtime's only tenant. */
const NAIVE_TENANT = 'default';

/** What the naive producer needs, passed in. */
export interface NaiveProducerDependencies {
  sqs: SQSClient;
  table: JobsTable;
  channels: readonly Channel[];
  queues: ReadonlyMap<string, ChannelQueues>;
  limits: SubmitLimits;
  nextJobId: () => string;
  now: () => number;
}

function toServiceError(error: unknown): Partial<ServiceError> {
  if (error instanceof SluiceError) {
    return { code: status[error.status], details: error.message, metadata: new Metadata() };
  }
  return {
    code: status.INTERNAL,
    details: error instanceof Error ? error.message : 'internal error',
    metadata: new Metadata(),
  };
}

/**
 * The baseline the issue compares the front with: SubmitJob done the obvious
 * way — validate, one SendMessage per request, the record's conditional
 * PutItem, ack — with the same core validation, envelope and record as the
 * front, so only batching (and whatever else the front does) differs.
 *
 * @example
 * ```ts
 * server.addService(JobServiceService, { submitJob: createNaiveSubmitJob(dependencies), ... });
 * ```
 */
export function createNaiveSubmitJob(
  deps: NaiveProducerDependencies,
): handleUnaryCall<SubmitJobRequest, SubmitJobResponse> {
  const submit = async (request: SubmitJobRequest): Promise<SubmitJobResponse> => {
    const submission = validateSubmission(request, deps.channels, deps.limits);
    const queue = deps.queues.get(submission.channel);
    if (queue === undefined) throw new Error(`no queue for channel ${submission.channel}`);
    const jobId = deps.nextJobId();
    const envelope = {
      ...submission,
      jobId,
      tenant: NAIVE_TENANT,
      submitToken: jobId,
      createdAt: deps.now(),
    };
    const sent = await deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.queueUrl,
        MessageBody: encodeEnvelope(envelope),
        MessageGroupId: messageGroupId(envelope),
        MessageDeduplicationId: jobId,
      }),
    );
    const sequenceNumber = sent.SequenceNumber ?? '';
    await deps.table.create(jobRecordFromEnvelope(envelope, { sequenceNumber, now: deps.now() }));
    return { jobId, duplicate: false, sequenceNumber };
  };
  return (call, callback) => {
    submit(call.request).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toServiceError(error)),
    );
  };
}
