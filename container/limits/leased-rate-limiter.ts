import { setTimeout as delay } from 'node:timers/promises';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../../core/aws/put-if-absent.js';
import { LIMITS_TABLE_SCHEMA, rateCounterKey } from '../../core/limits/limits-table-schema.js';
import type { Logger } from '../../core/logging/logger.js';
import type { SubmitRateLimiter } from './submit-rate-limiter.js';

const MS_PER_SECOND = 1_000;
/** A block is this share of the rate: ~20 conditional writes per tenant-second at full use. */
const BLOCKS_PER_SECOND = 20;
/** Counters are kept a minute after their second (TTL), then DynamoDB deletes them. */
const COUNTER_TTL_SECONDS = 60;
/** Seconds tracked before past ones are swept away. */
const SWEEP_THRESHOLD = 10_000;
/** A failing limits table is logged at most this often. */
const FAILURE_LOG_INTERVAL_MS = 10_000;

/** Options of a `LeasedRateLimiter`. */
export interface LeasedRateLimiterOptions {
  client: DynamoDBDocumentClient;
  /** The limits table (`SLUICE_LIMITS_TABLE_NAME`, `LIMITS_TABLE_SCHEMA`). */
  tableName: string;
  /** Submits per second per tenant, for the whole deployment. */
  ratePerSecond: number;
  /** Tokens leased by one write; default `ratePerSecond / 20` (at least 1). */
  blockSize?: number;
  now?: () => number;
  logger: Logger;
}

/** One tenant's tokens in one second on this front. */
interface TenantSecond {
  second: number;
  /** Leased and not yet spent. */
  tokens: number;
  /** Size of the next lease (halved when a lease did not fit). */
  block: number;
  /** No lease of even one token fits this second any more. */
  exhausted: boolean;
  /** Tokens granted without the table (it failed): at most the rate, as one front alone would. */
  grantedUnleased: number;
  leasing?: Promise<void>;
}

/**
 * A per-tenant submit rate for the whole deployment: every front leases
 * blocks of tokens for (tenant, current second) from one counter in the
 * limits table — one conditional `UpdateItem` per block (`ADD used :n` if
 * `used <= rate - n`), so all fronts together admit at most `ratePerSecond`
 * per second per tenant, whatever the task count or how the NLB spread the
 * connections, and one front alone can use the whole rate. A block that
 * does not fit is halved until one token does not either, so the last
 * tokens of a second are not stranded. Submits spend tokens from memory; the
 * next block is leased when half of one is left, so the hot path waits for
 * DynamoDB only for a tenant's first submit of a second.
 *
 * If the limits table fails, the limiter fails open with a warning (at most
 * one per 10 s): each front then admits up to the rate on its own, as the
 * per-front limiter did. The limit is a safety net against a runaway tenant;
 * failing closed would turn trouble with a counter into refusing every
 * tenant's work.
 *
 * @example
 * ```ts
 * const limiter = new LeasedRateLimiter({ client: documents, tableName: 'sluice-limits', ratePerSecond: 100, logger });
 * const retryAfterMs = await limiter.admit('acme');
 * ```
 */
export class LeasedRateLimiter implements SubmitRateLimiter {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #rate: number;
  readonly #blockSize: number;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #seconds = new Map<string, TenantSecond>();
  #lastFailureLoggedAt = -Infinity;

  constructor(options: LeasedRateLimiterOptions) {
    if (!(options.ratePerSecond >= 1) || !Number.isInteger(options.ratePerSecond)) {
      throw new RangeError('ratePerSecond must be a whole number ≥ 1');
    }
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#rate = options.ratePerSecond;
    this.#blockSize = Math.max(
      1,
      Math.min(
        options.ratePerSecond,
        options.blockSize ?? Math.ceil(options.ratePerSecond / BLOCKS_PER_SECOND),
      ),
    );
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger;
  }

  async admit(tenant: string): Promise<number> {
    for (;;) {
      const now = this.#now();
      const state = this.#secondOf(tenant, Math.floor(now / MS_PER_SECOND));
      if (state.tokens > 0) {
        state.tokens -= 1;
        if (state.tokens * 2 <= state.block && !state.exhausted) void this.#lease(tenant, state);
        return 0;
      }
      if (state.exhausted) return (state.second + 1) * MS_PER_SECOND - now;
      await this.#lease(tenant, state);
    }
  }

  async acquire(tenant: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    for (let waitMs = await this.admit(tenant); waitMs > 0; waitMs = await this.admit(tenant)) {
      await delay(waitMs, undefined, { signal });
    }
  }

  #secondOf(tenant: string, second: number): TenantSecond {
    const current = this.#seconds.get(tenant);
    if (current?.second === second) return current;
    if (this.#seconds.size >= SWEEP_THRESHOLD) this.#sweep(second);
    const fresh: TenantSecond = {
      second,
      tokens: 0,
      block: this.#blockSize,
      exhausted: false,
      grantedUnleased: 0,
    };
    this.#seconds.set(tenant, fresh);
    return fresh;
  }

  /** One lease at a time per tenant-second; callers share it. */
  #lease(tenant: string, state: TenantSecond): Promise<void> {
    state.leasing ??= this.#leaseBlock(tenant, state).finally(() => {
      state.leasing = undefined;
    });
    return state.leasing;
  }

  async #leaseBlock(tenant: string, state: TenantSecond): Promise<void> {
    while (state.block >= 1) {
      try {
        if (await this.#tryLease(tenant, state.second, state.block)) {
          state.tokens += state.block;
          return;
        }
      } catch (error) {
        this.#failOpen(state, error);
        return;
      }
      state.block = Math.floor(state.block / 2);
    }
    state.exhausted = true;
  }

  /** ADDs `n` to the counter unless that would pass the rate; false when it would. */
  async #tryLease(tenant: string, second: number, n: number): Promise<boolean> {
    const { partitionKey, usedAttribute, ttlAttribute } = LIMITS_TABLE_SCHEMA;
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { [partitionKey]: rateCounterKey(tenant, second) },
          UpdateExpression: 'ADD #used :n SET #ttl = if_not_exists(#ttl, :ttl)',
          ConditionExpression: 'attribute_not_exists(#used) OR #used <= :max',
          ExpressionAttributeNames: { '#used': usedAttribute, '#ttl': ttlAttribute },
          ExpressionAttributeValues: {
            ':n': n,
            ':max': this.#rate - n,
            ':ttl': second + COUNTER_TTL_SECONDS,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The table failed: grant the block locally, up to the rate on this front in this second. */
  #failOpen(state: TenantSecond, error: unknown): void {
    const grant = Math.min(state.block, this.#rate - state.grantedUnleased);
    state.grantedUnleased += grant;
    state.tokens += grant;
    if (state.grantedUnleased >= this.#rate) state.exhausted = true;
    const now = this.#now();
    if (now - this.#lastFailureLoggedAt >= FAILURE_LOG_INTERVAL_MS) {
      this.#lastFailureLoggedAt = now;
      this.#logger.warn(
        { err: error },
        'limits table unavailable: submit rates hold per front until it answers again',
      );
    }
  }

  /** Forgets tenants whose second has passed: a new one would start from nothing anyway. */
  #sweep(second: number): void {
    for (const [tenant, state] of this.#seconds) {
      if (state.second < second && state.leasing === undefined) this.#seconds.delete(tenant);
    }
  }
}
