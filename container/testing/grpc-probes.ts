import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  credentials,
  loadPackageDefinition,
  type Client,
  type ClientDuplexStream,
  type ClientReadableStream,
  type GrpcObject,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';

const require = createRequire(import.meta.url);
const REFLECTION_PROTO = join(
  dirname(require.resolve('@grpc/reflection/package.json')),
  'build/proto/grpc/reflection/v1/reflection.proto',
);

/** A `grpc.health.v1.Health` client, as a load balancer or grpcurl would use it. */
export interface HealthClient extends Client {
  check(
    request: { service: string },
    callback: (error: ServiceError | null, response: { status: string }) => void,
  ): void;
  watch(request: { service: string }): ClientReadableStream<{ status: string }>;
}

/** The parts of a `ServerReflectionResponse` the tests read. */
export interface ReflectionResponse {
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
}

function serviceClient(proto: string, service: string, port: number): Client {
  const definition = loadPackageDefinition(loadSync(proto, { keepCase: true, enums: String }));
  let node: unknown = definition;
  for (const part of service.split('.')) node = (node as GrpcObject)[part];
  const Constructor = node as ServiceClientConstructor;
  return new Constructor(`127.0.0.1:${port}`, credentials.createInsecure());
}

/** A health client for the server on 127.0.0.1:`port`. */
export function healthClient(port: number): HealthClient {
  return serviceClient(healthProtoPath, 'grpc.health.v1.Health', port) as HealthClient;
}

/** Sends one request on a server reflection stream (v1) and resolves with its answer. */
export function reflect(
  port: number,
  request: Record<string, string>,
): Promise<ReflectionResponse> {
  const client = serviceClient(
    REFLECTION_PROTO,
    'grpc.reflection.v1.ServerReflection',
    port,
  ) as Client & {
    ServerReflectionInfo(): ClientDuplexStream<Record<string, string>, ReflectionResponse>;
  };
  const call = client.ServerReflectionInfo();
  return new Promise((resolve, reject) => {
    call.once('data', (response: ReflectionResponse) => {
      call.end();
      client.close();
      resolve(response);
    });
    call.once('error', reject);
    call.write(request);
  });
}
