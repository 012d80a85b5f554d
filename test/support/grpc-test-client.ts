import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import {
  JobServiceClient,
  type Job,
  type SubmitJobRequest,
  type SubmitJobResponse,
  type SubmitJobsResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';

/** A submit request with every field optional, as tests write them. */
export type SubmitInput = Partial<SubmitJobRequest> & { type: string };

/** Fills the fields a test leaves out: channel `default`, JSON payload. */
export function submitRequest(input: SubmitInput, payload?: unknown): SubmitJobRequest {
  return {
    channel: 'default',
    payload: Buffer.from(JSON.stringify(payload ?? {})),
    contentType: 'application/json',
    groupKey: '',
    idempotencyKey: '',
    attributes: {},
    ...input,
  };
}

/** What a failed call reports: its code, message and the field it names. */
export interface CallFailure {
  code: number;
  details: string;
  field: string | undefined;
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && 'code' in error && 'metadata' in error;
}

/** Resolves with the failure of a call that must fail, or throws if it succeeded. */
export async function failureOf(call: Promise<unknown>): Promise<CallFailure> {
  try {
    await call;
  } catch (error) {
    if (!isServiceError(error)) throw error;
    const field = error.metadata.get('sluice-field')[0];
    return {
      code: error.code,
      details: error.details,
      field: field === undefined ? undefined : String(field),
    };
  }
  throw new Error('the call succeeded but was expected to fail');
}

/**
 * The generated grpc-js client with promise-returning calls, used by the
 * contract tests exactly as a client in another language would use the API.
 */
export class GrpcTestClient {
  readonly raw: JobServiceClient;

  constructor(endpoint: string) {
    this.raw = new JobServiceClient(endpoint, credentials.createInsecure());
  }

  submit(request: SubmitJobRequest, metadata = new Metadata()): Promise<SubmitJobResponse> {
    return new Promise((resolve, reject) => {
      this.raw.submitJob(request, metadata, (error, response) =>
        error ? reject(error) : resolve(response),
      );
    });
  }

  get(jobId: string): Promise<Job> {
    return new Promise((resolve, reject) => {
      this.raw.getJob({ jobId }, (error, response) =>
        error ? reject(error) : resolve(response.job as Job),
      );
    });
  }

  cancel(jobId: string): Promise<Job> {
    return new Promise((resolve, reject) => {
      this.raw.cancelJob({ jobId }, (error, response) =>
        error ? reject(error) : resolve(response.job as Job),
      );
    });
  }

  /** Watches jobs until the stream ends; resolves with every snapshot in order. */
  watchAll(jobIds: string[], onSnapshot?: (job: Job) => void): Promise<Job[]> {
    return new Promise((resolve, reject) => {
      const snapshots: Job[] = [];
      const stream = this.raw.watchJobs({ jobIds });
      stream.on('data', (response: { job?: Job }) => {
        if (response.job !== undefined) {
          snapshots.push(response.job);
          onSnapshot?.(response.job);
        }
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(snapshots));
    });
  }

  /** Streams requests over SubmitJobs (honouring write backpressure) and collects every response. */
  async submitMany(
    items: { ref: string; job?: SubmitJobRequest }[],
  ): Promise<SubmitJobsResponse[]> {
    const call = this.raw.submitJobs();
    const responses: SubmitJobsResponse[] = [];
    const done = new Promise<void>((resolve, reject) => {
      call.on('data', (response: SubmitJobsResponse) => responses.push(response));
      call.on('error', reject);
      call.on('end', () => resolve());
    });
    for (const item of items) {
      if (!call.write(item)) await new Promise((resolve) => call.once('drain', resolve));
    }
    call.end();
    await done;
    return responses;
  }

  close(): void {
    this.raw.close();
  }
}
