import {
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { InvalidAttributeValue } from '@aws-sdk/client-sqs';
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { status } from '@grpc/grpc-js';
import { UnavailableError, ValidationError } from '../../core/errors/index.js';
import { createLogger } from '../../core/logging/logger.js';
import { statusFromError } from '../service/error-status.js';
import { callDependency } from './call-dependency.js';
import { DependencyRejectedError } from './dependency-rejected-error.js';

const silent = createLogger('call-dependency-test', 'silent');
const CLIENT_FAULT = 400;

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

/** A DynamoDB client fault as the SDK raises it for an error type it has no class for. */
function dynamoClientFault(name: string): DynamoDBServiceException {
  return new DynamoDBServiceException({
    name,
    $fault: 'client',
    message: 'One or more parameter values were invalid: payload text',
    $metadata: { httpStatusCode: CLIENT_FAULT },
  });
}

describe('callDependency', () => {
  it('reports a programming error as INTERNAL with a message that names nothing inside', async () => {
    const bug = (): Promise<unknown> =>
      Promise.reject(new TypeError("Cannot read properties of undefined (reading 'pk')"));
    await expect(callDependency('read the job', bug)).rejects.toBeInstanceOf(TypeError);
    expect(await statusOf(bug)).toEqual({ code: status.INTERNAL, details: 'internal error' });
  });

  it('reports throttling as UNAVAILABLE, safe to retry', async () => {
    const throttled = new ProvisionedThroughputExceededException({
      message: 'slow down',
      $metadata: { httpStatusCode: CLIENT_FAULT },
    });
    await expect(callDependency('read the job', () => Promise.reject(throttled))).rejects.toThrow(
      UnavailableError,
    );
    expect(await statusOf(() => Promise.reject(throttled))).toEqual({
      code: status.UNAVAILABLE,
      details: 'could not read the job (a dependency is unavailable); retrying is safe',
    });
  });

  it.each([
    ['a malformed DynamoDB request', dynamoClientFault('ValidationException')],
    ['a DynamoDB request it cannot parse', dynamoClientFault('SerializationException')],
    ['a missing table', new ResourceNotFoundException({ message: 'no such table', $metadata: {} })],
    [
      'an SQS request with a bad attribute',
      new InvalidAttributeValue({
        message: 'bad attribute',
        $metadata: { httpStatusCode: CLIENT_FAULT },
      }),
    ],
  ])(
    'reports %s as INTERNAL naming the error code, without retry advice or the service’s text',
    async (_what, refusal) => {
      await expect(callDependency('read the job', () => Promise.reject(refusal))).rejects.toThrow(
        DependencyRejectedError,
      );
      const { code, details } = await statusOf(() => Promise.reject(refusal));
      expect(code).toBe(status.INTERNAL);
      expect(details).toContain(`(${refusal.name})`);
      expect(details).toContain('retrying will not help');
      expect(details).not.toMatch(/retrying is safe/);
      expect(details).not.toContain(refusal.message);
    },
  );

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
