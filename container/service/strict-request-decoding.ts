import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import type { MessageTypeDefinition, PackageDefinition } from '@grpc/proto-loader';
import { ValidationError } from '../../core/errors/index.js';
import { Utf8FieldCheck } from './utf8-field-check.js';

/** What was wrong with a request's bytes, kept beside the decoded request for its handler. */
const problems = new WeakMap<object, ValidationError>();

type AnyMethod = MethodDefinition<object, object>;

function requestMessageName(descriptors: PackageDefinition, path: string): string {
  for (const [name, entry] of Object.entries(descriptors)) {
    const methods = Object.values(entry as Record<string, unknown>) as Partial<{
      path: string;
      requestType: MessageTypeDefinition<object, object>;
    }>[];
    const method = methods.find((candidate) => candidate.path === path);
    const type = method?.requestType?.type as { name?: string } | undefined;
    if (type?.name !== undefined) return `${name.slice(0, name.lastIndexOf('.'))}.${type.name}`;
  }
  throw new Error(`no descriptor for the method ${path}`);
}

function strictDeserializer(
  method: AnyMethod,
  descriptors: PackageDefinition,
): (bytes: Buffer) => object {
  const messageName = requestMessageName(descriptors, method.path);
  const utf8 = new Utf8FieldCheck(descriptors, messageName);
  const decode = method.requestDeserialize;
  return (bytes) => {
    let request: object;
    try {
      request = decode(bytes);
    } catch {
      request = decode(Buffer.alloc(0));
      problems.set(
        request,
        new ValidationError(`the request is not a well-formed ${messageName} message`),
      );
      return request;
    }
    const violation = utf8.find(bytes);
    if (violation !== undefined) {
      problems.set(
        request,
        new ValidationError(`${violation.location}: must be valid UTF-8`, {
          field: violation.field,
        }),
      );
    }
    return request;
  };
}

/**
 * The service definition with request decoding that notices what a lenient
 * decoder hides: bytes that are no protobuf message at all (grpc-js would
 * answer INTERNAL) and string fields that are not UTF-8 (ts-proto would
 * turn them into U+FFFD). The request is still decoded, so the call reaches
 * its handler, which authenticates first and then calls
 * `checkRequestDecoded` — INVALID_ARGUMENT naming the field.
 *
 * @example
 * ```ts
 * server.addService(withStrictRequestDecoding(JobServiceService, descriptors), implementation);
 * ```
 */
export function withStrictRequestDecoding<Service extends ServiceDefinition>(
  service: Service,
  descriptors: PackageDefinition,
): Service {
  const methods = Object.entries(service as Record<string, AnyMethod>).map(([name, method]) => [
    name,
    { ...method, requestDeserialize: strictDeserializer(method, descriptors) },
  ]);
  return Object.fromEntries(methods) as Service;
}

/**
 * Throws the `ValidationError` of a request whose bytes were malformed or
 * held a string field that is not UTF-8 (see `withStrictRequestDecoding`).
 *
 * @example
 * ```ts
 * const { tenant } = await authenticator.authenticate(call.metadata);
 * checkRequestDecoded(call.request);
 * ```
 */
export function checkRequestDecoded(request: object): void {
  const problem = problems.get(request);
  if (problem !== undefined) throw problem;
}
