import {
  DynamoDBClient,
  GetItemCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { status } from '@grpc/grpc-js';
import { UnavailableError, ValidationError } from '../../core/errors/index.js';
import { createLogger } from '../../core/logging/logger.js';
import { statusFromError } from '../service/error-status.js';
import { callDependency } from './call-dependency.js';

const silent = createLogger('call-dependency-test', 'silent');

/** What a caller of a failed call sees: the status code and message. */
async function statusOf(call: () => Promise<unknown>): Promise<{ code: status; details: string }> {
  try {
    await callDependency('read the job', call);
  } catch (error) {
    const { code, details } = statusFromError(error, silent);
    return { code, details };
  }
  throw new Error('the call succeeded but was expected to fail');
}

describe('callDependency', () => {
  it('reports a programming error as INTERNAL with a message that names nothing inside', async () => {
    const bug = (): Promise<unknown> =>
      Promise.reject(new TypeError("Cannot read properties of undefined (reading 'pk')"));
    await expect(callDependency('read the job', bug)).rejects.toBeInstanceOf(TypeError);
    expect(await statusOf(bug)).toEqual({ code: status.INTERNAL, details: 'internal error' });
  });

  it('reports an AWS service exception as UNAVAILABLE, safe to retry', async () => {
    const refusal = new ResourceNotFoundException({ message: 'no such table', $metadata: {} });
    await expect(callDependency('read the job', () => Promise.reject(refusal))).rejects.toThrow(
      UnavailableError,
    );
    expect(await statusOf(() => Promise.reject(refusal))).toEqual({
      code: status.UNAVAILABLE,
      details: 'could not read the job (a dependency is unavailable); retrying is safe',
    });
  });

  it('reports a connection the SDK could not make as UNAVAILABLE', async () => {
    const unreachable = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const read = (): Promise<unknown> =>
      unreachable.send(new GetItemCommand({ TableName: 'jobs', Key: { pk: { S: 'a' } } }));
    expect((await statusOf(read)).code).toBe(status.UNAVAILABLE);
    unreachable.destroy();
  });

  it('passes a domain error through unchanged', async () => {
    const invalid = new ValidationError('job_id: malformed', { field: 'job_id' });
    await expect(callDependency('read the job', () => Promise.reject(invalid))).rejects.toBe(
      invalid,
    );
  });
});
