import { setTimeout as delay } from 'node:timers/promises';
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, putIfAbsent } from '../aws/put-if-absent.js';
import type { JobError, JobKey, JobProgress, JobRecord, JobState, JobTransition } from './job.js';
import {
  DEFAULT_LIST_SHARDS,
  FAILURE_STATES,
  INDEX_KEY_ATTRIBUTES,
  JOB_INDEXES,
  failureListKey,
  jobIdOfSortKey,
  listShard,
  listingAttributes,
  type JobIndexSchema,
} from './job-indexes.js';
import { RETRYABLE_STATES, statesLeadingTo } from './state-machine.js';
import { DEFAULT_RETENTION_DAYS, JOBS_TABLE_SCHEMA, jobPartitionKey } from './table-schema.js';

/** DynamoDB's BatchGetItem limit. */
export const BATCH_GET_MAX_KEYS = 100;
/** Rounds of retrying a BatchGetItem's UnprocessedKeys before giving up. */
const MAX_UNPROCESSED_ROUNDS = 8;
/** Rounds of read-then-write before a transition gives up to concurrent writers. */
const MAX_CONFLICT_ROUNDS = 16;
/** Base delay between those rounds. */
const UNPROCESSED_BACKOFF_MS = 20;
const MS_PER_DAY = 86_400_000;

/** Options of a `JobsTable`. */
export interface JobsTableOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** The clock (epoch ms); injected so tests control time. */
  now?: () => number;
  retentionDays?: number;
  /** Index shards per listing key (`DEFAULT_LIST_SHARDS`); front and consumers must agree. */
  listShards?: number;
}

/** One index query of a listing: a partition, newest first, from a position. */
export interface IndexQuery {
  index: JobIndexSchema;
  partitionValue: string;
  /** Sort keys from this one (inclusive). */
  sortKeyFrom?: string;
  /** Sort keys below this one (exclusive). */
  sortKeyBelow?: string;
  /** Continue after this sort key (exclusive), newest first. */
  after?: { sortKey: string; tenant: string };
  /** Equality filters on projected attributes (applied after the read: items still count). */
  equals?: Record<string, string>;
  /** The projected attribute must hold one of these values. */
  oneOf?: { attribute: string; values: readonly string[] };
  limit: number;
}

/** What one index query read. */
export interface IndexQueryResult {
  /** The matching items' sort keys, newest first. */
  sortKeys: string[];
  /** Where the read stopped (the last item read, matching or not); `undefined`: the partition is done. */
  lastSortKey: string | undefined;
  /** Items read, matching or not. */
  scanned: number;
  /** Read units DynamoDB charged (0 when it does not say). */
  readUnits: number;
}

/** The fields a write sets besides state and version. */
type RecordChanges = Partial<
  Pick<
    JobRecord,
    'result' | 'resultContentType' | 'error' | 'progress' | 'startedAt' | 'finishedAt' | 'payload'
  >
>;

interface Transition {
  to: JobState;
  /** The version the writer last saw. */
  expectedVersion: number;
  set?: RecordChanges;
  remove?: (keyof RecordChanges)[];
  incrementAttempts?: boolean;
}

function toRecord(item: Record<string, unknown> | undefined): JobRecord | undefined {
  if (item === undefined) return undefined;
  const { pk: _pk, expiresAt: _expiresAt, ...record } = item;
  for (const attribute of INDEX_KEY_ATTRIBUTES) delete record[attribute];
  return record as unknown as JobRecord;
}

/**
 * Access to the jobs table. Every state change is a conditional write on the
 * job's state (and version, where the writer knows it), so a late or duplicate
 * writer can never move a job backwards; a lost condition returns `undefined`
 * and the caller decides what it means.
 *
 * @example
 * ```ts
 * const table = new JobsTable({ client: dynamo, tableName: 'sluice-jobs' });
 * const running = await table.markRunning(key, queued.version);
 * if (running === undefined) { ... someone else moved the job first ... }
 * ```
 */
export class JobsTable {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #now: () => number;
  readonly #retentionMs: number;
  readonly #listShards: number;

  constructor(options: JobsTableOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#now = options.now ?? Date.now;
    this.#retentionMs = (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * MS_PER_DAY;
    this.#listShards = options.listShards ?? DEFAULT_LIST_SHARDS;
  }

  /** The table's name. */
  get tableName(): string {
    return this.#tableName;
  }

  /** Index shards per listing key. */
  get listShards(): number {
    return this.#listShards;
  }

  /** Reads one job (strongly consistent), or `undefined`. */
  async get(key: JobKey): Promise<JobRecord | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { [JOBS_TABLE_SCHEMA.partitionKey]: jobPartitionKey(key.tenant, key.jobId) },
        ConsistentRead: true,
      }),
    );
    return toRecord(Item);
  }

  /**
   * Reads many jobs, ≤ 100 keys a call, retrying unprocessed keys. Missing
   * jobs are absent from the result. Strongly consistent unless
   * `consistentRead: false` (half the read units; a reader that ignores
   * versions it has already seen, like a watch poll, may take a stale one).
   */
  async batchGet(
    keys: readonly JobKey[],
    options: { consistentRead?: boolean } = {},
  ): Promise<JobRecord[]> {
    const consistentRead = options.consistentRead ?? true;
    const chunks: JobKey[][] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_MAX_KEYS) {
      chunks.push(keys.slice(i, i + BATCH_GET_MAX_KEYS));
    }
    const results = await Promise.all(
      chunks.map((chunk) => this.#batchGetChunk(chunk, consistentRead)),
    );
    return results.flat();
  }

  async #batchGetChunk(keys: readonly JobKey[], consistentRead: boolean): Promise<JobRecord[]> {
    const records: JobRecord[] = [];
    let pending: Record<string, unknown>[] = keys.map((k) => ({
      [JOBS_TABLE_SCHEMA.partitionKey]: jobPartitionKey(k.tenant, k.jobId),
    }));
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_UNPROCESSED_ROUNDS) {
        throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
      }
      if (round > 0) await delay(UNPROCESSED_BACKOFF_MS * 2 ** round);
      const response = await this.#client.send(
        new BatchGetCommand({
          RequestItems: { [this.#tableName]: { Keys: pending, ConsistentRead: consistentRead } },
        }),
      );
      for (const item of response.Responses?.[this.#tableName] ?? []) {
        const record = toRecord(item);
        if (record !== undefined) records.push(record);
      }
      pending = (response.UnprocessedKeys?.[this.#tableName]?.Keys ?? []) as Record<
        string,
        unknown
      >[];
    }
    return records;
  }

  /**
   * The stored item of a new record: the record, its key, its TTL and its
   * listing index keys. What `create` writes (benchmarks bulk-load the same).
   */
  itemOf(record: JobRecord): Record<string, unknown> {
    return {
      ...record,
      ...listingAttributes(record, this.#listShards),
      [JOBS_TABLE_SCHEMA.partitionKey]: jobPartitionKey(record.tenant, record.jobId),
      [JOBS_TABLE_SCHEMA.ttlAttribute]: Math.floor((record.createdAt + this.#retentionMs) / 1000),
    };
  }

  /**
   * Writes a new record if none exists for its key. Returns `true` when this
   * call created it, `false` when a record was already there (left unchanged).
   */
  async create(record: JobRecord): Promise<boolean> {
    return putIfAbsent(this.#client, {
      tableName: this.#tableName,
      partitionKey: JOBS_TABLE_SCHEMA.partitionKey,
      item: this.itemOf(record),
    });
  }

  /** QUEUED (or RUNNING, after a crashed attempt) → RUNNING; counts an attempt. */
  markRunning(key: JobKey, expectedVersion: number): Promise<JobRecord | undefined> {
    return this.#transition(key, {
      to: 'RUNNING',
      expectedVersion,
      incrementAttempts: true,
      set: { startedAt: this.#now() },
      remove: ['progress'],
    });
  }

  /** RUNNING → SUCCEEDED with the processor's result. */
  markSucceeded(
    key: JobKey,
    expectedVersion: number,
    result: Uint8Array,
    resultContentType: string,
  ): Promise<JobRecord | undefined> {
    return this.#transition(key, {
      to: 'SUCCEEDED',
      expectedVersion,
      set: { result, resultContentType, finishedAt: this.#now() },
      remove: ['error'],
    });
  }

  /**
   * RUNNING → FAILED: a permanent failure. The payload is kept in the same
   * write, for RetryJob (only failed jobs pay for storing it).
   */
  markFailed(
    key: JobKey,
    expectedVersion: number,
    error: JobError,
    payload?: Uint8Array,
  ): Promise<JobRecord | undefined> {
    return this.#transition(key, {
      to: 'FAILED',
      expectedVersion,
      set: { error, finishedAt: this.#now(), payload },
    });
  }

  /** RUNNING → QUEUED after a transient failure; the error is kept as the last one. */
  requeue(key: JobKey, expectedVersion: number, error: JobError): Promise<JobRecord | undefined> {
    return this.#transition(key, { to: 'QUEUED', expectedVersion, set: { error } });
  }

  /**
   * Any non-terminal state → DEAD_LETTERED, keeping the last error (or the
   * one given when the job has none) and the payload, for RetryJob. Applies
   * whatever the version.
   */
  markDeadLettered(
    key: JobKey,
    fallbackError: JobError,
    payload?: Uint8Array,
  ): Promise<JobRecord | undefined> {
    return this.#readAndTransition(key, 'DEAD_LETTERED', (current) => ({
      error: current.error ?? fallbackError,
      finishedAt: this.#now(),
      payload,
    }));
  }

  /**
   * Keeps the payload of a CANCELLED job that has none yet, for RetryJob: the
   * front cancels without the payload (it rides in the message), so the
   * consumer that drops the cancelled job's message keeps it. Not a
   * transition: state, version and transitions stay as they are. `false`
   * when the job is not CANCELLED or already has it.
   */
  async keepCancelledPayload(key: JobKey, payload: Uint8Array): Promise<boolean> {
    return this.#setUnversioned(key, {
      update: 'SET #payload = :payload',
      condition: '#state = :cancelled AND attribute_not_exists(#payload)',
      names: { '#payload': 'payload', '#state': 'state' },
      values: { ':payload': payload, ':cancelled': 'CANCELLED' },
    }).then((record) => record !== undefined);
  }

  /**
   * Records on a FAILED, DEAD_LETTERED or CANCELLED job the job that retries
   * it. Not a transition (state, version and transitions stay), so no
   * writer conditioned on the version is disturbed. Idempotent for the same
   * retry; `undefined` when the job is absent, in another state, or already
   * names another retry.
   */
  markRetried(key: JobKey, retriedAs: string): Promise<JobRecord | undefined> {
    const values: Record<string, unknown> = { ':retriedAs': retriedAs };
    const states = RETRYABLE_STATES.map((state, i) => {
      values[`:state${i}`] = state;
      return `:state${i}`;
    });
    return this.#setUnversioned(key, {
      update: 'SET #retriedAs = :retriedAs',
      condition: `#state IN (${states.join(', ')}) AND (attribute_not_exists(#retriedAs) OR #retriedAs = :retriedAs)`,
      names: { '#retriedAs': 'retriedAs', '#state': 'state' },
      values,
    });
  }

  async #setUnversioned(
    key: JobKey,
    write: {
      update: string;
      condition: string;
      names: Record<string, string>;
      values: Record<string, unknown>;
    },
  ): Promise<JobRecord | undefined> {
    try {
      const { Attributes } = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { [JOBS_TABLE_SCHEMA.partitionKey]: jobPartitionKey(key.tenant, key.jobId) },
          UpdateExpression: write.update,
          ConditionExpression: `attribute_exists(#pk) AND ${write.condition}`,
          ExpressionAttributeNames: { ...write.names, '#pk': JOBS_TABLE_SCHEMA.partitionKey },
          ExpressionAttributeValues: write.values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /**
   * Reads one index partition newest first: at most `limit` items, starting
   * after `after` (and within the sort-key range), filtered on projected
   * attributes. Only keys come back; records are read with `batchGet`.
   */
  async queryIndex(query: IndexQuery): Promise<IndexQueryResult> {
    const { index } = query;
    const names: Record<string, string> = { '#pk': index.partitionKey };
    const values: Record<string, unknown> = { ':pk': query.partitionValue };
    let keyCondition = '#pk = :pk';
    if (query.sortKeyFrom !== undefined || query.sortKeyBelow !== undefined) {
      names['#sk'] = index.sortKey;
    }
    if (query.sortKeyFrom !== undefined && query.sortKeyBelow !== undefined) {
      // BETWEEN is inclusive at both ends; a sort key is never equal to a bare time prefix.
      keyCondition += ' AND #sk BETWEEN :from AND :below';
      values[':from'] = query.sortKeyFrom;
      values[':below'] = query.sortKeyBelow;
    } else if (query.sortKeyFrom !== undefined) {
      keyCondition += ' AND #sk >= :from';
      values[':from'] = query.sortKeyFrom;
    } else if (query.sortKeyBelow !== undefined) {
      keyCondition += ' AND #sk < :below';
      values[':below'] = query.sortKeyBelow;
    }
    const filters: string[] = [];
    Object.entries(query.equals ?? {}).forEach(([attribute, value], i) => {
      names[`#eq${i}`] = attribute;
      values[`:eq${i}`] = value;
      filters.push(`#eq${i} = :eq${i}`);
    });
    if (query.oneOf !== undefined) {
      names['#oneOf'] = query.oneOf.attribute;
      const placeholders = query.oneOf.values.map((value, i) => {
        values[`:oneOf${i}`] = value;
        return `:oneOf${i}`;
      });
      filters.push(`#oneOf IN (${placeholders.join(', ')})`);
    }
    const response = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        IndexName: index.indexName,
        KeyConditionExpression: keyCondition,
        FilterExpression: filters.length > 0 ? filters.join(' AND ') : undefined,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ExclusiveStartKey:
          query.after === undefined ? undefined : this.#indexStartKey(query, query.after),
        ScanIndexForward: false,
        Limit: query.limit,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    const last: unknown = response.LastEvaluatedKey?.[index.sortKey];
    return {
      sortKeys: (response.Items ?? []).map((item) => String(item[index.sortKey])),
      lastSortKey: typeof last === 'string' ? last : undefined,
      scanned: response.ScannedCount ?? 0,
      readUnits: response.ConsumedCapacity?.CapacityUnits ?? 0,
    };
  }

  #indexStartKey(
    query: IndexQuery,
    after: { sortKey: string; tenant: string },
  ): Record<string, unknown> {
    return {
      [JOBS_TABLE_SCHEMA.partitionKey]: jobPartitionKey(
        after.tenant,
        jobIdOfSortKey(after.sortKey),
      ),
      [query.index.partitionKey]: query.partitionValue,
      [query.index.sortKey]: after.sortKey,
    };
  }

  /** QUEUED → CANCELLED. `undefined` when the job is absent or not QUEUED. */
  cancel(key: JobKey): Promise<JobRecord | undefined> {
    return this.#readAndTransition(key, 'CANCELLED', () => ({ finishedAt: this.#now() }));
  }

  /**
   * A transition that applies whatever the version: read, check the state,
   * write conditionally on that version, and start over if another writer
   * came first. `undefined` when the job is absent or may not move to `to`.
   */
  async #readAndTransition(
    key: JobKey,
    to: JobState,
    changes: (current: JobRecord) => RecordChanges,
  ): Promise<JobRecord | undefined> {
    for (let round = 0; round < MAX_CONFLICT_ROUNDS; round++) {
      const current = await this.get(key);
      if (current === undefined || !statesLeadingTo(to).includes(current.state)) return undefined;
      const updated = await this.#transition(key, {
        to,
        expectedVersion: current.version,
        set: changes(current),
      });
      if (updated !== undefined) return updated;
    }
    throw new Error(`job ${key.jobId}: too many concurrent writers`);
  }

  /** Records progress of a RUNNING job (a write like any other: it bumps the version). */
  reportProgress(
    key: JobKey,
    expectedVersion: number,
    progress: JobProgress,
  ): Promise<JobRecord | undefined> {
    return this.#transition(key, { to: 'RUNNING', expectedVersion, set: { progress } });
  }

  async #transition(key: JobKey, transition: Transition): Promise<JobRecord | undefined> {
    const names: Record<string, string> = {
      '#state': 'state',
      '#version': 'version',
      '#updatedAt': 'updatedAt',
    };
    const now = this.#now();
    const values: Record<string, unknown> = { ':to': transition.to, ':one': 1, ':now': now };
    const sets = ['#state = :to', '#version = #version + :one', '#updatedAt = :now'];
    const isProgress = transition.to === 'RUNNING' && transition.set?.progress !== undefined;
    const removes: string[] = [];
    const from = isProgress ? ['RUNNING' as const] : statesLeadingTo(transition.to);
    const fromPlaceholders = from.map((state, i) => {
      values[`:from${i}`] = state;
      return `:from${i}`;
    });
    values[':expected'] = transition.expectedVersion;
    const conditions = [`#state IN (${fromPlaceholders.join(', ')})`, '#version = :expected'];
    if (transition.incrementAttempts === true) {
      names['#attempts'] = 'attempts';
      sets.push('#attempts = #attempts + :one');
    }
    if (!isProgress) {
      // The condition pins the version, so the new one is known before the write.
      const entry: JobTransition = {
        state: transition.to,
        version: transition.expectedVersion + 1,
        at: now,
      };
      names['#transitions'] = 'transitions';
      values[':transition'] = [entry];
      sets.push('#transitions = list_append(#transitions, :transition)');
    }
    if (FAILURE_STATES.includes(transition.to)) {
      // Enters the sparse failures index; terminal, so it never leaves it.
      names['#failurePk'] = JOB_INDEXES.failures.partitionKey;
      values[':failurePk'] = failureListKey(key.tenant, listShard(key.jobId, this.#listShards));
      sets.push('#failurePk = :failurePk');
    }
    for (const [field, value] of Object.entries(transition.set ?? {})) {
      if (value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
    for (const field of transition.remove ?? []) {
      names[`#${field}`] = field;
      removes.push(`#${field}`);
    }
    try {
      const { Attributes } = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { [JOBS_TABLE_SCHEMA.partitionKey]: jobPartitionKey(key.tenant, key.jobId) },
          UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: `attribute_exists(#pk) AND ${conditions.join(' AND ')}`,
          ExpressionAttributeNames: { ...names, '#pk': JOBS_TABLE_SCHEMA.partitionKey },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
