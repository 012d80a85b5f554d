import { createHash } from 'node:crypto';
import type { JobState } from './job.js';

/** Index partitions per listing key, unless `SLUICE_LIST_SHARDS` says otherwise. */
export const DEFAULT_LIST_SHARDS = 8;
/** The most shards a listing key may have (a page queries every one of them). */
export const MAX_LIST_SHARDS = 64;
/** Digits of the epoch-millisecond time at the front of a listing sort key (until year 2286). */
export const LIST_TIME_DIGITS = 13;
/** The latest creation time a sort key can hold. */
export const MAX_LIST_TIME_MS = 10 ** LIST_TIME_DIGITS - 1;

/** The states whose jobs the sparse failures index holds. */
export const FAILURE_STATES: readonly JobState[] = Object.freeze(['FAILED', 'DEAD_LETTERED']);

/** One global secondary index of the jobs table. */
export interface JobIndexSchema {
  indexName: string;
  /** Partition key attribute (string). */
  partitionKey: string;
  /** Sort key attribute (string): `<createdAt, 13 digits>#<jobId>`, newest last. */
  sortKey: string;
  /**
   * The non-key attributes copied into the index. Only attributes that never
   * change once the job enters the index, so no later write of the job
   * rewrites its index item (an index write happens only when an index key or
   * a projected attribute changes).
   */
  projectedAttributes: readonly string[];
}

/**
 * The jobs table's secondary indexes, in one place for the table code, the
 * local provisioning and the CDK app (see `JOBS_TABLE_SCHEMA` for the base key).
 *
 * - `byChannel`: every job, under `<tenant>#<channel>#<shard>`, newest first by
 *   sort key. Lists one channel (a merge over its shards) or the whole
 *   tenant (a merge over every channel's shards). Written once, when the
 *   record is created: its keys and projected attributes never change.
 * - `failures`: sparse — only FAILED and DEAD_LETTERED jobs carry its
 *   partition key (`<tenant>#<shard>`), set by the write that enters one of
 *   those terminal states and never removed (terminal states never change).
 *   Lists failures without reading through succeeded jobs, and costs a
 *   succeeded job nothing.
 *
 * @example
 * ```ts
 * const { indexName, partitionKey } = JOB_INDEXES.byChannel;
 * ```
 */
export const JOB_INDEXES = Object.freeze({
  byChannel: Object.freeze<JobIndexSchema>({
    indexName: 'by-channel',
    partitionKey: 'listPk',
    sortKey: 'listSk',
    projectedAttributes: Object.freeze(['type', 'groupKey']),
  }),
  failures: Object.freeze<JobIndexSchema>({
    indexName: 'failures',
    partitionKey: 'failurePk',
    sortKey: 'listSk',
    projectedAttributes: Object.freeze(['channel', 'type', 'groupKey', 'state']),
  }),
});

/** Every attribute the indexes add to an item (none of them is part of a `JobRecord`). */
export const INDEX_KEY_ATTRIBUTES: readonly string[] = Object.freeze([
  JOB_INDEXES.byChannel.partitionKey,
  JOB_INDEXES.byChannel.sortKey,
  JOB_INDEXES.failures.partitionKey,
]);

/**
 * The index shard of a job: a stable hash of its id modulo `shards`. Sharding
 * spreads one tenant's (and one channel's) writes over `shards` index
 * partitions, so a burst of 10,000 jobs/s never funnels into one partition
 * (an index partition takes ≈ 1,000 writes/s; its back-pressure would throttle
 * the base table). Readers query every shard and merge.
 *
 * @example
 * ```ts
 * const shard = listShard(jobId, DEFAULT_LIST_SHARDS); // 0..7
 * ```
 */
export function listShard(jobId: string, shards: number): number {
  return createHash('sha256').update(jobId).digest().readUInt32BE(0) % shards;
}

/** The `byChannel` partition key of (tenant, channel, shard). */
export function channelListKey(tenant: string, channel: string, shard: number): string {
  return `${tenant}#${channel}#${shard}`;
}

/** The `failures` partition key of (tenant, shard). */
export function failureListKey(tenant: string, shard: number): string {
  return `${tenant}#${shard}`;
}

/** The time part of a listing sort key: epoch ms, zero-padded so strings sort as times. */
export function listTimePrefix(epochMs: number): string {
  return String(epochMs).padStart(LIST_TIME_DIGITS, '0');
}

/**
 * The listing sort key of a job: creation time, then job id (ties between
 * jobs created in the same millisecond break on the id, so the order is total).
 *
 * @example
 * ```ts
 * listSortKey(1764633600000, '01KB...') === '1764633600000#01KB...';
 * ```
 */
function listSortKey(createdAt: number, jobId: string): string {
  return `${listTimePrefix(createdAt)}#${jobId}`;
}

/** The job id at the end of a listing sort key. */
export function jobIdOfSortKey(sortKey: string): string {
  return sortKey.slice(LIST_TIME_DIGITS + 1);
}

/**
 * The index attributes a new record carries: its `byChannel` keys.
 *
 * @example
 * ```ts
 * const item = { ...record, ...listingAttributes(record, shards) };
 * ```
 */
export function listingAttributes(
  record: { tenant: string; channel: string; jobId: string; createdAt: number },
  shards: number,
): Record<string, string> {
  return {
    [JOB_INDEXES.byChannel.partitionKey]: channelListKey(
      record.tenant,
      record.channel,
      listShard(record.jobId, shards),
    ),
    [JOB_INDEXES.byChannel.sortKey]: listSortKey(record.createdAt, record.jobId),
  };
}
