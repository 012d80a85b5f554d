import { GetCommand } from '@aws-sdk/lib-dynamodb';
import pino from 'pino';
import { createLogger } from '../../core/logging/logger.js';
import { LIMITS_TABLE_SCHEMA, rateCounterKey } from '../../core/limits/limits-table-schema.js';
import { startAwsTestBed, type AwsTestBed } from '../testing/aws-test-bed.js';
import { LeasedRateLimiter } from './leased-rate-limiter.js';

const LIMITS_TABLE = 'lease-limits';
const RATE = 20;
const BLOCK = 6;
const MS_PER_SECOND = 1_000;

let bed: AwsTestBed;
let now = 0;
const silent = createLogger('limiter-test', 'silent');

beforeAll(async () => {
  bed = await startAwsTestBed({
    tableName: 'lease-jobs',
    queuePrefix: 'lease',
    limitsTableName: LIMITS_TABLE,
  });
});
afterAll(() => bed.stop());

/** Each test starts in a second of its own, 300 ms into it. */
let second = 1_700_000_000;
beforeEach(() => {
  second += 100;
  now = second * MS_PER_SECOND + 300;
});

/** A front's limiter: fronts of one deployment share the limits table. */
function front(
  options: { tableName?: string; logger?: ReturnType<typeof createLogger> } = {},
): LeasedRateLimiter {
  return new LeasedRateLimiter({
    client: bed.clients.documents,
    tableName: options.tableName ?? LIMITS_TABLE,
    ratePerSecond: RATE,
    blockSize: BLOCK,
    now: () => now,
    logger: options.logger ?? silent,
  });
}

/** Fires `count` submits of `tenant` at once at each front; the number admitted. */
async function admitted(
  fronts: LeasedRateLimiter[],
  tenant: string,
  count: number,
): Promise<number> {
  const answers = await Promise.all(
    fronts.flatMap((limiter) => Array.from({ length: count }, () => limiter.admit(tenant))),
  );
  return answers.filter((waitMs) => waitMs === 0).length;
}

describe('LeasedRateLimiter', () => {
  it('admits at most the rate per second for a tenant across two fronts sharing the table', async () => {
    expect(await admitted([front(), front()], 'acme', RATE)).toBe(RATE);
  });

  it('lets one front alone use the whole rate, then refuses until the next second', async () => {
    const limiter = front();
    expect(await admitted([limiter], 'acme', RATE + 5)).toBe(RATE);
    expect(await limiter.admit('acme')).toBe(MS_PER_SECOND - 300);
    now += MS_PER_SECOND;
    expect(await limiter.admit('acme')).toBe(0);
  });

  it('keeps tenants apart', async () => {
    const limiter = front();
    expect(await admitted([limiter], 'acme', RATE + 1)).toBe(RATE);
    expect(await limiter.admit('globex')).toBe(0);
  });

  it('counts in one expiring item per tenant and second, a minute of TTL', async () => {
    await front().admit('acme');
    const { Item } = await bed.clients.documents.send(
      new GetCommand({
        TableName: LIMITS_TABLE,
        Key: { [LIMITS_TABLE_SCHEMA.partitionKey]: rateCounterKey('acme', second) },
      }),
    );
    expect(Item?.[LIMITS_TABLE_SCHEMA.usedAttribute]).toBeLessThanOrEqual(RATE);
    expect(Item?.[LIMITS_TABLE_SCHEMA.ttlAttribute]).toBe(second + 60);
  });

  it('fails open when the limits table fails: each front admits up to the rate, and says so in the log', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const broken = [
      front({ tableName: 'no-such-table', logger }),
      front({ tableName: 'no-such-table', logger }),
    ];
    expect(await admitted(broken, 'acme', RATE + 5)).toBe(2 * RATE);
    expect(lines.join('')).toContain('limits table unavailable');
  });

  it('lets a stream item wait for the next second rather than fail', async () => {
    const limiter = front();
    await admitted([limiter], 'acme', RATE);
    // The clock moves on while the item waits (its wait is real: the ms until the next second).
    const waiting = limiter.acquire('acme', new AbortController().signal);
    now += MS_PER_SECOND;
    await expect(waiting).resolves.toBeUndefined();
  });
});
