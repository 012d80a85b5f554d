import {
  Client,
  credentials,
  Metadata,
  status,
  type ServiceError,
  type StatusObject,
} from '@grpc/grpc-js';
import { SubmitJobsResponse } from '../../proto/gen/ts/sluice/v1/job_service.js';

const SERVICE = '/sluice.v1.JobService/';
/** No call here should take long: a hang is a failure. */
const CALL_DEADLINE_MS = 10_000;
const passBytes = (bytes: Uint8Array): Buffer => Buffer.from(bytes);
const keepBytes = (bytes: Buffer): Buffer => bytes;

/** How a call ended: its status code, message and the `sluice-field` trailer. */
export interface CallOutcome {
  code: status;
  details: string;
  field: string | undefined;
}

function outcomeOf(result: ServiceError | StatusObject | null): CallOutcome {
  if (result === null) return { code: status.OK, details: '', field: undefined };
  const field = result.metadata?.get('sluice-field')[0];
  return {
    code: result.code,
    details: result.details,
    field: field === undefined ? undefined : String(field),
  };
}

/**
 * A gRPC client of the JobService that sends request bytes as given —
 * whatever a generated client would refuse or repair — so tests can send
 * invalid UTF-8 in string fields and malformed messages.
 *
 * @example
 * ```ts
 * const raw = new RawJobServiceClient('127.0.0.1:50051');
 * const outcome = await raw.unary('GetJob', encodeJobIdRequest(new Uint8Array([0xff])));
 * ```
 */
export class RawJobServiceClient {
  readonly #client: Client;

  constructor(endpoint: string) {
    this.#client = new Client(endpoint, credentials.createInsecure());
  }

  /** Calls SubmitJob, GetJob or CancelJob with raw request bytes. */
  unary(method: 'SubmitJob' | 'GetJob' | 'CancelJob', request: Uint8Array): Promise<CallOutcome> {
    return new Promise((resolve) => {
      this.#client.makeUnaryRequest(
        `${SERVICE}${method}`,
        passBytes,
        keepBytes,
        request,
        new Metadata(),
        { deadline: Date.now() + CALL_DEADLINE_MS },
        (error) => resolve(outcomeOf(error)),
      );
    });
  }

  /** Calls WatchJobs; resolves with how the stream ended (cancelling it after its first snapshot). */
  watch(request: Uint8Array): Promise<CallOutcome> {
    return new Promise((resolve) => {
      const call = this.#client.makeServerStreamRequest(
        `${SERVICE}WatchJobs`,
        passBytes,
        keepBytes,
        request,
        new Metadata(),
        { deadline: Date.now() + CALL_DEADLINE_MS },
      );
      call.on('data', () => {
        resolve({ code: status.OK, details: 'streaming', field: undefined });
        call.cancel();
      });
      call.on('error', (error: ServiceError) => resolve(outcomeOf(error)));
      call.on('status', (end: StatusObject) =>
        resolve(outcomeOf(end.code === status.OK ? null : end)),
      );
    });
  }

  /** Streams raw SubmitJobs items; resolves with every response and the stream's own outcome. */
  submitJobs(items: readonly Uint8Array[]): Promise<{
    responses: SubmitJobsResponse[];
    outcome: CallOutcome;
  }> {
    return new Promise((resolve) => {
      const responses: SubmitJobsResponse[] = [];
      const call = this.#client.makeBidiStreamRequest(
        `${SERVICE}SubmitJobs`,
        passBytes,
        keepBytes,
        new Metadata(),
        { deadline: Date.now() + CALL_DEADLINE_MS },
      );
      call.on('data', (bytes: Buffer) => responses.push(SubmitJobsResponse.decode(bytes)));
      call.on('error', (error: ServiceError) => resolve({ responses, outcome: outcomeOf(error) }));
      call.on('status', (end: StatusObject) => {
        if (end.code === status.OK) resolve({ responses, outcome: outcomeOf(null) });
      });
      for (const item of items) call.write(item);
      call.end();
    });
  }

  close(): void {
    this.#client.close();
  }
}
