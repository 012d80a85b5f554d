import { status } from '@grpc/grpc-js';
import { SluiceClient } from '../../client/index.js';
import { clientFailure } from '../support/client-failure.js';
import { failureOf, submitRequest } from '../support/grpc-test-client.js';
import { countRecords } from '../support/job-records.js';
import { startProxiedTestSystem, type ProxiedTestSystem } from '../support/proxied-test-system.js';
import { queueDepth } from '../support/queue-depth.js';
import { defaultQueueUrl } from './support/default-queue.js';
import type { AwsFaultDecision, AwsFaultPlan } from '../../local/aws-proxy/aws-faults.js';

/** A client fault as DynamoDB and SQS answer a request they refuse as malformed. */
const CLIENT_FAULT = 400;
const SERVER_FAULT = 503;
/** A job id that is well formed (a ULID) and exists nowhere. */
const UNKNOWN_JOB_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const JOB_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

let bed: ProxiedTestSystem;

beforeAll(async () => {
  bed = await startProxiedTestSystem({ consumers: false });
});

afterAll(async () => {
  await bed.stop();
});

afterEach(() => {
  bed.proxy.setPlan(() => ({ kind: 'forward' }));
});

/** Fails every call of `action` with `decision`, forwards everything else. */
function failing(action: string, decision: AwsFaultDecision): AwsFaultPlan {
  return (call) => (call.action === action ? decision : { kind: 'forward' });
}

const refused = (errorType: string): AwsFaultDecision => ({
  kind: 'fail',
  status: CLIENT_FAULT,
  errorType,
});

const messagesQueued = (): Promise<number> =>
  queueDepth(bed.direct.sqs, defaultQueueUrl(bed.system.runtime));
const recordsStored = (): Promise<number> =>
  countRecords(bed.direct.documents, bed.system.runtime.resources.tableName);

describe('a request SQS or DynamoDB refuses as malformed is INTERNAL, never advice to retry', () => {
  it('GetJob whose read DynamoDB refuses (ValidationException) is INTERNAL naming the code, once', async () => {
    bed.proxy.setPlan(failing('GetItem', refused('ValidationException')));
    const reads = bed.proxy.calls.get('GetItem') ?? 0;
    const failure = await failureOf(bed.system.client.get(UNKNOWN_JOB_ID));
    expect(failure.code).toBe(status.INTERNAL);
    expect(failure.details).toContain('ValidationException');
    expect(failure.details).not.toMatch(/retrying is safe/);
    // A refusal is not retried by the SDK either: one call reached DynamoDB.
    expect((bed.proxy.calls.get('GetItem') ?? 0) - reads).toBe(1);
  });

  it('GetJob whose read DynamoDB cannot parse (SerializationException) is INTERNAL', async () => {
    bed.proxy.setPlan(failing('GetItem', refused('SerializationException')));
    const failure = await failureOf(bed.system.client.get(UNKNOWN_JOB_ID));
    expect(failure.code).toBe(status.INTERNAL);
    expect(failure.details).toContain('SerializationException');
  });

  it('GetJob while DynamoDB answers 503 is UNAVAILABLE and says retrying is safe (a read)', async () => {
    bed.proxy.setPlan(
      failing('GetItem', { kind: 'fail', status: SERVER_FAULT, errorType: 'ServiceUnavailable' }),
    );
    const failure = await failureOf(bed.system.client.get(UNKNOWN_JOB_ID));
    expect(failure.code).toBe(status.UNAVAILABLE);
    expect(failure.details).toMatch(/retrying is safe/);
  });

  it('a submit whose SendMessageBatch SQS refuses (InvalidParameterValue) is INTERNAL; nothing is enqueued or recorded', async () => {
    const [queued, stored] = [await messagesQueued(), await recordsStored()];
    bed.proxy.setPlan(failing('SendMessageBatch', refused('InvalidParameterValue')));
    const failure = await failureOf(bed.system.client.submit(submitRequest({ type: 'echo' })));
    expect(failure.code).toBe(status.INTERNAL);
    expect(failure.details).toContain('InvalidParameterValue');
    expect(failure.details).not.toMatch(/retrying is safe/);
    expect(await messagesQueued()).toBe(queued);
    expect(await recordsStored()).toBe(stored);
  });

  it('a submit whose message SQS refuses in the batch answer (a sender fault) is INTERNAL', async () => {
    const queued = await messagesQueued();
    bed.proxy.setPlan((call) =>
      call.action !== 'SendMessageBatch'
        ? { kind: 'forward' }
        : {
            kind: 'fail',
            status: CLIENT_FAULT,
            errorType: 'MissingParameter',
          },
    );
    const failure = await failureOf(bed.system.client.submit(submitRequest({ type: 'echo' })));
    expect(failure.code).toBe(status.INTERNAL);
    expect(failure.details).toContain('MissingParameter');
    expect(await messagesQueued()).toBe(queued);
  });

  it('a submit whose one entry SQS rejects in its batch answer (InvalidAttributeValue) is INTERNAL', async () => {
    bed.proxy.setPlan((call) =>
      call.action !== 'SendMessageBatch'
        ? { kind: 'forward' }
        : {
            kind: 'rewrite',
            rewrite: (answer) => ({
              Successful: [],
              Failed: ((answer.Successful as { Id: string }[] | undefined) ?? []).map(({ Id }) => ({
                Id,
                SenderFault: true,
                Code: 'InvalidAttributeValue',
                Message: 'refused by the test',
              })),
            }),
          },
    );
    const failure = await failureOf(bed.system.client.submit(submitRequest({ type: 'echo' })));
    expect(failure.code).toBe(status.INTERNAL);
    expect(failure.details).toContain('InvalidAttributeValue');
    expect(failure.details).not.toMatch(/retrying is safe/);
  });

  it('a submit whose record write DynamoDB refuses after SQS accepted is UNKNOWN with the job id, and the write is not repeated', async () => {
    const queued = await messagesQueued();
    bed.proxy.setPlan(failing('PutItem', refused('ValidationException')));
    const puts = bed.proxy.calls.get('PutItem') ?? 0;
    const client = new SluiceClient({ endpoint: bed.system.runtime.endpoint });
    let failure;
    try {
      failure = await clientFailure(client.submit({ type: 'echo', payload: '{}' }));
    } finally {
      client.close();
    }
    expect(failure.codeName).toBe('UNKNOWN');
    expect(failure.jobId).toMatch(JOB_ID_PATTERN);
    expect(failure.message).toContain('ValidationException');
    expect(failure.message).not.toMatch(/retrying is safe/);
    // No retry of a refused write (by the front or the SDK), and the client did not resubmit.
    expect((bed.proxy.calls.get('PutItem') ?? 0) - puts).toBe(1);
    expect(await messagesQueued()).toBe(queued + 1);
  });

  it('GetJob of a record that breaks the code reading it (a TypeError in the handler) is INTERNAL, not UNAVAILABLE', async () => {
    const ack = await bed.system.client.submit(submitRequest({ type: 'echo' }));
    bed.proxy.setPlan((call) =>
      call.action !== 'GetItem'
        ? { kind: 'forward' }
        : {
            kind: 'rewrite',
            rewrite: (answer) => {
              const item = answer.Item as Record<string, unknown>;
              return { Item: { ...item, transitions: { S: 'not a list' } } };
            },
          },
    );
    const failure = await failureOf(bed.system.client.get(ack.jobId));
    expect(failure.code).toBe(status.INTERNAL);
    expect(failure.details).toBe('internal error');
    bed.proxy.setPlan(() => ({ kind: 'forward' }));
    expect((await bed.system.client.get(ack.jobId)).jobId).toBe(ack.jobId);
  });
});

describe('the TypeScript client never retries INTERNAL or UNKNOWN', () => {
  it('sends a keyed submit that fails INTERNAL once', async () => {
    bed.proxy.setPlan(failing('SendMessageBatch', refused('InvalidParameterValue')));
    const sends = bed.proxy.calls.get('SendMessageBatch') ?? 0;
    const client = new SluiceClient({ endpoint: bed.system.runtime.endpoint });
    let failure;
    try {
      failure = await clientFailure(
        client.submit({ type: 'echo', payload: '{}' }, { idempotencyKey: 'refused-by-sqs' }),
      );
    } finally {
      client.close();
    }
    expect(failure.codeName).toBe('INTERNAL');
    expect((bed.proxy.calls.get('SendMessageBatch') ?? 0) - sends).toBe(1);
  });
});
