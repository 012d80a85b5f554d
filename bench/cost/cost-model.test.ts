import { emptyCounts, emptyOperationCounts, type AwsCallCounts } from '../aws/aws-call-counts.js';
import { awaitedWithOneGetJob, priceCalls, withSubmitPathOf } from './cost-model.js';
import { PRICE_LIST } from './price-list.js';

function counts(
  ops: { key: string; calls: number; billable?: number; write?: number; read?: number }[],
): AwsCallCounts {
  const result = emptyCounts();
  for (const op of ops) {
    const [service, operation] = op.key.split(':') as ['sqs' | 'dynamodb', string];
    result.operations[op.key] = {
      ...emptyOperationCounts(service, operation),
      calls: op.calls,
      billableRequests: op.billable ?? op.calls,
      writeUnits: op.write ?? 0,
      readUnits: op.read ?? 0,
    };
  }
  return result;
}

describe('cost model', () => {
  it('prices SQS chunks, DynamoDB units and Lambda per job at list prices', () => {
    const calls = counts([
      { key: 'sqs:SendMessageBatch', calls: 100 },
      { key: 'dynamodb:PutItem', calls: 1000, write: 1000 },
      { key: 'dynamodb:BatchGetItem', calls: 10, read: 1000 },
    ]);
    calls.lambda = { invocations: 100, messages: 1000 };
    const estimate = priceCalls({
      name: 'x',
      jobs: 1000,
      calls,
      lambdaMemoryMb: 1024,
      handlers: { invocations: 100, billedDurationMs: 2000 },
    });
    const line = (item: string): number =>
      estimate.lines.find((l) => l.item.startsWith(item))?.usdPerMillionJobs ?? Number.NaN;
    expect(line('SendMessageBatch')).toBeCloseTo(0.1 * PRICE_LIST.sqsFifoPerMillionRequests);
    expect(line('PutItem')).toBeCloseTo(PRICE_LIST.dynamoDbPerMillionWriteUnits);
    expect(line('BatchGetItem')).toBeCloseTo(PRICE_LIST.dynamoDbPerMillionReadUnits);
    expect(line('requests')).toBeCloseTo(0.1 * PRICE_LIST.lambdaPerMillionRequests);
    // 2 s of 1 GB over 1000 jobs: 0.002 GB-s a job.
    expect(line('duration')).toBeCloseTo(0.002 * 1_000_000 * PRICE_LIST.lambdaArmPerGbSecond);
  });

  it('swaps in the submit path of another design, scaled to the same number of jobs', () => {
    const whole = counts([
      { key: 'sqs:SendMessageBatch', calls: 100 },
      { key: 'sqs:ReceiveMessage', calls: 120 },
    ]);
    const naive = counts([{ key: 'sqs:SendMessage', calls: 50 }]);
    const swapped = withSubmitPathOf(
      { name: 'sluice', jobs: 1000, calls: whole, lambdaMemoryMb: 512 },
      { name: 'naive', jobs: 50, calls: naive, lambdaMemoryMb: 512 },
    );
    expect(Object.keys(swapped.calls.operations).sort()).toEqual([
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ]);
    expect(swapped.calls.operations['sqs:SendMessage']?.calls).toBe(1000);
  });

  it('bills Lambda duration from the handlers’ run, not from the queue calls around it', () => {
    const calls = counts([{ key: 'sqs:ReceiveMessage', calls: 10 }]);
    calls.lambda = { invocations: 10, messages: 10 };
    const priced = (handlers?: { invocations: number; billedDurationMs: number }): number =>
      priceCalls({ name: 'x', jobs: 10, calls, lambdaMemoryMb: 1024, handlers }).lines.find((l) =>
        l.item.startsWith('duration'),
      )?.usdPerMillionJobs ?? Number.NaN;

    expect(priced()).toBe(0);
    // 10 invocations of 20 ms at 1 GB: 0.02 GB-s a job.
    expect(priced({ invocations: 10, billedDurationMs: 200 })).toBeCloseTo(
      0.02 * 1_000_000 * PRICE_LIST.lambdaArmPerGbSecond,
    );
  });

  it('prices a job awaited with one GetJob instead of the watch’s polls', () => {
    const calls = counts([
      { key: 'dynamodb:UpdateItem', calls: 200, write: 200 },
      { key: 'dynamodb:BatchGetItem', calls: 30, read: 900 },
    ]);
    const awaited = awaitedWithOneGetJob({ name: 'x', jobs: 100, calls, lambdaMemoryMb: 512 });

    expect(awaited.calls.operations['dynamodb:BatchGetItem']).toBeUndefined();
    expect(awaited.calls.operations['dynamodb:GetItem']).toMatchObject({
      calls: 100,
      readUnits: 100,
    });
    expect(awaited.calls.operations['dynamodb:UpdateItem']?.writeUnits).toBe(200);
  });
});
