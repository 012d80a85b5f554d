import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import {
  JobServiceClient,
  type SubmitJobRequest,
  type SubmitJobResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import type { ErrorCounts } from './load-task.js';

/** Channel options shared by every benchmark client: no retries, big enough windows. */
const CHANNEL_OPTIONS = {
  'grpc.enable_retries': 0,
  'grpc.max_receive_message_length': 16 * 1024 * 1024,
} as const;

/**
 * A JobService client on a plaintext loopback channel, as a load client uses it.
 *
 * @example
 * ```ts
 * const client = createJobServiceClient('127.0.0.1:50051');
 * ```
 */
export function createJobServiceClient(address: string): JobServiceClient {
  return new JobServiceClient(address, credentials.createInsecure(), CHANNEL_OPTIONS);
}

/** A bare grpc-js client (for the raw echo service's byte-level calls). */
export function createRawClient(address: string): Client {
  return new Client(address, credentials.createInsecure(), CHANNEL_OPTIONS);
}

/** SubmitJob as a promise (with `metadata`, e.g. an API key, when given). */
export function submitJob(
  client: JobServiceClient,
  request: SubmitJobRequest,
  metadata: Metadata = new Metadata(),
): Promise<SubmitJobResponse> {
  return new Promise((resolve, reject) => {
    client.submitJob(request, metadata, (error, response) => {
      if (error !== null) reject(error);
      else resolve(response);
    });
  });
}

/** A short name for what went wrong: the gRPC status name, or the error's name. */
export function errorName(error: unknown): string {
  const code = (error as Partial<ServiceError>).code;
  if (typeof code === 'number') return status[code] ?? `grpc-${code}`;
  return error instanceof Error ? error.name : 'unknown';
}

/** Adds one error to a tally by name. */
export function countError(errors: ErrorCounts, error: unknown): void {
  const name = errorName(error);
  errors[name] = (errors[name] ?? 0) + 1;
}
