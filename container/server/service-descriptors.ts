import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';

/** The API's proto file, relative to its proto directory. */
export const JOB_SERVICE_PROTO = 'sluice/v1/job_service.proto';
/** The health service's proto file, relative to its proto directory. */
export const HEALTH_PROTO = 'health/v1/health.proto';

/**
 * Where the proto directory may be: beside the sources (`container/server/`
 * → `proto/`), beside an esbuild bundle (`/app/main.mjs` → `/app/proto/`),
 * or under the working directory.
 */
function protoDirCandidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  return [
    resolve(here, '../../proto'),
    resolve(here, 'proto'),
    resolve(here, '../proto'),
    resolve(process.cwd(), 'proto'),
  ];
}

/**
 * Finds the directory holding `sluice/v1/job_service.proto` (and, for a
 * bundle, `health/v1/health.proto`): the given one, else the first
 * candidate that has it.
 *
 * @example
 * ```ts
 * const dir = findProtoDir(process.env.SLUICE_PROTO_DIR);
 * ```
 */
export function findProtoDir(explicit?: string): string {
  const candidates = explicit === undefined ? protoDirCandidates() : [resolve(explicit)];
  const found = candidates.find((dir) => existsSync(join(dir, JOB_SERVICE_PROTO)));
  if (found === undefined) {
    throw new Error(
      `${JOB_SERVICE_PROTO} not found in ${candidates.join(', ')}; set SLUICE_PROTO_DIR`,
    );
  }
  return found;
}

/** The include directory of the health proto: beside ours when copied there, else the package's own. */
function healthIncludeDir(protoDir: string): string {
  if (existsSync(join(protoDir, HEALTH_PROTO))) return protoDir;
  return resolve(dirname(healthProtoPath), '../..');
}

/**
 * The descriptors server reflection serves: the JobService and the health
 * service, loaded from their .proto files so `grpcurl list` shows both and
 * `grpcurl describe` works without the .proto at hand.
 *
 * @example
 * ```ts
 * new ReflectionService(loadServiceDescriptors(findProtoDir())).addToServer(server);
 * ```
 */
export function loadServiceDescriptors(protoDir: string): PackageDefinition {
  return loadSync([JOB_SERVICE_PROTO, HEALTH_PROTO], {
    includeDirs: [protoDir, healthIncludeDir(protoDir)],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
}
