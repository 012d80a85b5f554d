import {
  Code,
  ConnectError,
  createClient,
  type Client,
  type Interceptor,
} from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-web';
import { JobService } from '../../../proto/gen/es/sluice/v1/job_service_pb.js';

/** The JobService as the dashboard calls it. */
export type JobClient = Client<typeof JobService>;

/** Options of `createJobClient`. */
export interface JobClientOptions {
  /** The key to sign each call with, read at call time (sign-in can change it). */
  apiKey: () => string | undefined;
  /** Told when the front answers UNAUTHENTICATED: the key is missing, wrong or revoked. */
  onUnauthenticated: () => void;
}

/**
 * The JobService over the Connect protocol on the page's own origin (the
 * front's web port): binary protobuf, server streaming over fetch, the API
 * key as a bearer token on every call.
 *
 * @example
 * ```ts
 * const client = createJobClient({ apiKey: () => apiKeyStorage.load(), onUnauthenticated });
 * const { jobs } = await client.listJobs({ pageSize: 50 });
 * ```
 */
export function createJobClient(options: JobClientOptions): JobClient {
  const signing: Interceptor = (next) => async (request) => {
    const key = options.apiKey();
    if (key !== undefined) request.header.set('authorization', `Bearer ${key}`);
    try {
      return await next(request);
    } catch (error) {
      if (error instanceof ConnectError && error.code === Code.Unauthenticated) {
        options.onUnauthenticated();
      }
      throw error;
    }
  };
  const transport = createConnectTransport({
    baseUrl: location.origin,
    useBinaryFormat: true,
    interceptors: [signing],
  });
  return createClient(JobService, transport);
}
