import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { LeasedRateLimiter } from '../../container/limits/leased-rate-limiter.js';
import {
  startFrontTestBed,
  submitRequest,
  unary,
  type FrontTestBed,
  type TestFront,
} from '../../container/testing/front-test-bed.js';
import { createLogger } from '../../core/logging/logger.js';
import { provisionResources } from '../../local/provision/provision-resources.js';
import type { SubmitJobResponse } from '../../proto/gen/ts/sluice/v1/job_service.js';

const LIMITS_TABLE = 'deployment-limits';
const RATE = 6;
/** The limiters' clock stands still inside one second, so "per second" is exact here. */
const FROZEN_NOW = 1_800_000_000_500;

let bed: FrontTestBed;
let fronts: TestFront[];

beforeAll(async () => {
  bed = await startFrontTestBed('deployment-rate');
  await provisionResources(bed.clients, [], { ...bed.resources, limitsTableName: LIMITS_TABLE });
  const limiter = (): LeasedRateLimiter =>
    new LeasedRateLimiter({
      client: bed.clients.documents,
      tableName: LIMITS_TABLE,
      ratePerSecond: RATE,
      blockSize: 2,
      now: () => FROZEN_NOW,
      logger: createLogger('limiter-test', 'silent'),
    });
  // Two fronts of one deployment: two tasks behind the NLB, one limits table.
  fronts = [
    await bed.startFront({ submitLimiter: limiter() }),
    await bed.startFront({ submitLimiter: limiter() }),
  ];
});
afterAll(() => bed.stop());

async function outcome(front: TestFront): Promise<'accepted' | ServiceError> {
  try {
    await unary<SubmitJobResponse>((callback) =>
      front.client.submitJob(submitRequest(), new Metadata(), callback),
    );
    return 'accepted';
  } catch (error) {
    return error as ServiceError;
  }
}

describe('the per-tenant submit rate of a deployment', () => {
  it('holds across two fronts: together they accept the rate, and refuse the rest with RESOURCE_EXHAUSTED', async () => {
    const before = await bed.queueDepth();
    const outcomes = await Promise.all(
      fronts.flatMap((front) => Array.from({ length: RATE }, () => outcome(front))),
    );
    const refused = outcomes.filter((each) => each !== 'accepted');
    expect(outcomes.length - refused.length).toBe(RATE);
    for (const failure of refused) {
      expect(failure.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(Number(failure.metadata.get('retry-after-ms')[0])).toBe(500);
    }
    expect((await bed.queueDepth()) - before).toBe(RATE);
  });
});
