import type { EventEmitter } from 'node:events';
import { JobNotFoundError, JobStateConflictError } from '../../core/errors/index.js';
import type { JobKey, JobRecord } from '../../core/jobs/job.js';
import type { JobsTable } from '../../core/jobs/jobs-table.js';
import type { Logger } from '../../core/logging/logger.js';
import type { JobServiceServer } from '../../proto/gen/ts/sluice/v1/job_service.js';
import type { Authenticator } from '../auth/authenticator.js';
import { requireOperator } from '../auth/require-operator.js';
import type { ChannelListing } from '../channels/channel-listing.js';
import type { JobLister } from '../list/job-lister.js';
import { parseListJobsQuery } from '../list/list-jobs-query.js';
import type { JobRetrier } from '../retry/job-retrier.js';
import type { SubmitLimits } from '../../core/validation/limits.js';
import type { Channel } from '../../core/channels/channel-config.js';
import { callDependency } from '../errors/call-dependency.js';
import { RateLimitedError } from '../limits/rate-limited-error.js';
import type { SubmitRateLimiter } from '../limits/submit-rate-limiter.js';
import type { ChannelProducers } from '../producer/channel-producers.js';
import type { FrontMetrics } from '../metrics/front-metrics.js';
import type { JobSubmitter } from '../submit/job-submitter.js';
import type { WatchHub } from '../watch/watch-hub.js';
import { statusFromError } from './error-status.js';
import { parseJobId } from './job-id-fields.js';
import { toProtoJob } from './proto-job.js';
import { checkRequestDecoded } from './strict-request-decoding.js';
import { SubmitJobsStream } from './submit-jobs-stream.js';
import { inServerSpan, startServerSpan, type ServerSpan } from './server-span.js';
import { unaryHandler } from './unary-handler.js';
import { callDeadline } from './call-signal.js';
import { serveWatchJobs } from './watch-jobs-stream.js';

/** gRPC status codes a stream's span ends with. */
const GRPC_OK = 0;
const GRPC_CANCELLED = 1;
const GRPC_UNKNOWN = 2;

/** Rounds of cancel-then-read before a job that keeps moving is reported as it is. */
const MAX_CANCEL_ROUNDS = 3;

/** What the JobService implementation works with. */
export interface JobServiceDependencies {
  submitter: JobSubmitter;
  producers: ChannelProducers;
  table: JobsTable;
  watchHub: WatchHub;
  lister: JobLister;
  retrier: JobRetrier;
  channelListing: ChannelListing;
  channels: readonly Channel[];
  limits: SubmitLimits;
  authenticator: Authenticator;
  /** Aborted when the server shuts down (SubmitJobs streams stop reading). */
  shutdown: AbortSignal;
  /** Items in progress per SubmitJobs stream. */
  streamMaxInFlight: number;
  /** Jobs per WatchJobs call. */
  maxWatchJobs: number;
  /** Per-tenant submit rate; unset: unlimited. */
  submitLimiter?: SubmitRateLimiter;
  /** Counts and times submits (`sluice_submits_total`, `sluice_submit_duration_seconds`). */
  metrics: FrontMetrics;
  logger: Logger;
}

/** Ends a streaming call's server span with the status the call ends with. */
function endSpanWithCall(server: ServerSpan, call: EventEmitter): void {
  let code = GRPC_OK;
  call.once('error', (status: { code?: number }) => (code = status.code ?? GRPC_UNKNOWN));
  call.once('cancelled', () => (code = GRPC_CANCELLED));
  call.once('close', () => server.end(code));
}

function notFound(jobId: string): JobNotFoundError {
  return new JobNotFoundError(`job_id: job ${jobId} not found`, { field: 'job_id' });
}

/** Takes a submit token for `tenant`, or refuses with RESOURCE_EXHAUSTED and when to retry. */
async function takeSubmitToken(
  limiter: SubmitRateLimiter | undefined,
  tenant: string,
): Promise<void> {
  const retryAfterMs = (await limiter?.admit(tenant)) ?? 0;
  if (retryAfterMs > 0) {
    throw new RateLimitedError(
      `submit rate limit of tenant "${tenant}" reached; retry after ${retryAfterMs} ms`,
      retryAfterMs,
    );
  }
}

/**
 * Cancels a QUEUED job. An already CANCELLED job is returned as it is, so a
 * retried cancel succeeds (cancel is idempotent); a job that is running or
 * finished is FAILED_PRECONDITION; an unknown job — or another tenant's — is
 * NOT_FOUND.
 */
async function cancelJob(table: JobsTable, key: JobKey, signal: AbortSignal): Promise<JobRecord> {
  for (let round = 0; round < MAX_CANCEL_ROUNDS; round++) {
    signal.throwIfAborted();
    const cancelled = await callDependency('cancel the job', () => table.cancel(key));
    if (cancelled !== undefined) return cancelled;
    const current = await callDependency('read the job', () => table.get(key));
    if (current === undefined) throw notFound(key.jobId);
    if (current.state === 'CANCELLED') return current;
    // QUEUED again (a transient failure requeued it meanwhile): try once more.
    if (current.state !== 'QUEUED') {
      throw new JobStateConflictError(
        `job_id: job ${key.jobId} is ${current.state}; only a QUEUED job can be cancelled`,
        { field: 'job_id' },
      );
    }
  }
  throw new JobStateConflictError(`job_id: job ${key.jobId} keeps changing state; try again`, {
    field: 'job_id',
  });
}

/**
 * The `sluice.v1.JobService` implementation (semantics in DESIGN.md, "API"):
 * each RPC authenticates its caller, checks its request at the edge and
 * delegates to the submitter, the jobs table or the watch hub; every failure
 * becomes a status in one place (`statusFromError`).
 *
 * @example
 * ```ts
 * server.addService(JobServiceService, createJobService(dependencies));
 * ```
 */
export function createJobService(deps: JobServiceDependencies): JobServiceServer {
  const log = deps.logger;
  return {
    submitJob: unaryHandler(log, 'SubmitJob', (call, signal) =>
      deps.metrics.observeSubmit(call.request.channel, async () => {
        const { tenant } = await deps.authenticator.authenticate(call.metadata);
        checkRequestDecoded(call.request);
        const submission = deps.submitter.validate(call.request);
        await takeSubmitToken(deps.submitLimiter, tenant);
        return deps.submitter.submit(tenant, submission, {
          signal,
          deadline: callDeadline(call),
        });
      }),
    ),

    submitJobs: (call) => {
      const streamLog = log.child({ method: 'SubmitJobs' });
      const server = startServerSpan('SubmitJobs', call.metadata);
      endSpanWithCall(server, call);
      inServerSpan(server, () => deps.authenticator.authenticate(call.metadata)).then(
        ({ tenant }) =>
          new SubmitJobsStream({
            call,
            tenant,
            submitter: deps.submitter,
            producers: deps.producers,
            shutdown: deps.shutdown,
            maxInFlight: deps.streamMaxInFlight,
            limiter: deps.submitLimiter,
            metrics: deps.metrics,
            logger: streamLog.child({ tenant }),
          }).start(),
        (error: unknown) => call.emit('error', statusFromError(error, streamLog)),
      );
    },

    getJob: unaryHandler(log, 'GetJob', async (call) => {
      const { tenant } = await deps.authenticator.authenticate(call.metadata);
      checkRequestDecoded(call.request);
      const jobId = parseJobId(call.request.jobId);
      const record = await callDependency('read the job', () => deps.table.get({ tenant, jobId }));
      if (record === undefined) throw notFound(jobId);
      return { job: toProtoJob(record) };
    }),

    // After shutdown began, the hub refuses new subscriptions with UNAVAILABLE.
    watchJobs: (call) => {
      const server = startServerSpan('WatchJobs', call.metadata);
      endSpanWithCall(server, call);
      void inServerSpan(server, () =>
        serveWatchJobs(call, {
          table: deps.table,
          hub: deps.watchHub,
          authenticator: deps.authenticator,
          maxWatchJobs: deps.maxWatchJobs,
          logger: log,
        }),
      );
    },

    cancelJob: unaryHandler(log, 'CancelJob', async (call, signal) => {
      const { tenant } = await deps.authenticator.authenticate(call.metadata);
      checkRequestDecoded(call.request);
      const jobId = parseJobId(call.request.jobId);
      return { job: toProtoJob(await cancelJob(deps.table, { tenant, jobId }, signal)) };
    }),

    listJobs: unaryHandler(log, 'ListJobs', async (call, signal) => {
      const { tenant } = await deps.authenticator.authenticate(call.metadata);
      checkRequestDecoded(call.request);
      const query = parseListJobsQuery(call.request, deps.channels, deps.limits);
      const page = await deps.lister.list(tenant, query, signal);
      return { jobs: page.records.map(toProtoJob), nextPageToken: page.nextPageToken };
    }),

    retryJob: unaryHandler(log, 'RetryJob', async (call, signal) => {
      const { tenant } = await deps.authenticator.authenticate(call.metadata);
      checkRequestDecoded(call.request);
      const jobId = parseJobId(call.request.jobId);
      await takeSubmitToken(deps.submitLimiter, tenant);
      const { job, duplicate } = await deps.retrier.retry(tenant, jobId, {
        signal,
        deadline: callDeadline(call),
      });
      return { job: toProtoJob(job), duplicate };
    }),

    listChannels: unaryHandler(log, 'ListChannels', async (call, signal) => {
      const identity = await deps.authenticator.authenticate(call.metadata);
      checkRequestDecoded(call.request);
      const queueStats = call.request.includeQueueStats;
      // Queue figures are shared by every tenant: operators only (open mode: everyone is one).
      if (queueStats) requireOperator(identity, 'include_queue_stats');
      return { channels: await deps.channelListing.list({ queueStats, signal }) };
    }),
  };
}
