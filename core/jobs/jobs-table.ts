import { setTimeout as delay } from 'node:timers/promises';
import {
  BatchGetCommand,
  GetCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, putIfAbsent } from '../aws/put-if-absent.js';
import type { JobError, JobKey, JobProgress, JobRecord, JobState, JobTransition } from './job.js';
import { statesLeadingTo } from './state-machine.js';
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
}

/** The fields a write sets besides state and version. */
type RecordChanges = Partial<
  Pick<
    JobRecord,
    'result' | 'resultContentType' | 'error' | 'progress' | 'startedAt' | 'finishedAt'
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

  constructor(options: JobsTableOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#now = options.now ?? Date.now;
    this.#retentionMs = (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * MS_PER_DAY;
  }

  /** The table's name. */
  get tableName(): string {
    return this.#tableName;
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
   * Writes a new record if none exists for its key. Returns `true` when this
   * call created it, `false` when a record was already there (left unchanged).
   */
  async create(record: JobRecord): Promise<boolean> {
    return putIfAbsent(this.#client, {
      tableName: this.#tableName,
      partitionKey: JOBS_TABLE_SCHEMA.partitionKey,
      item: {
        ...record,
        [JOBS_TABLE_SCHEMA.partitionKey]: jobPartitionKey(record.tenant, record.jobId),
        [JOBS_TABLE_SCHEMA.ttlAttribute]: Math.floor((record.createdAt + this.#retentionMs) / 1000),
      },
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

  /** RUNNING → FAILED: a permanent failure. */
  markFailed(
    key: JobKey,
    expectedVersion: number,
    error: JobError,
  ): Promise<JobRecord | undefined> {
    return this.#transition(key, {
      to: 'FAILED',
      expectedVersion,
      set: { error, finishedAt: this.#now() },
    });
  }

  /** RUNNING → QUEUED after a transient failure; the error is kept as the last one. */
  requeue(key: JobKey, expectedVersion: number, error: JobError): Promise<JobRecord | undefined> {
    return this.#transition(key, { to: 'QUEUED', expectedVersion, set: { error } });
  }

  /**
   * Any non-terminal state → DEAD_LETTERED, keeping the last error (or the
   * one given when the job has none). Applies whatever the version.
   */
  markDeadLettered(key: JobKey, fallbackError: JobError): Promise<JobRecord | undefined> {
    return this.#readAndTransition(key, 'DEAD_LETTERED', (current) => ({
      error: current.error ?? fallbackError,
      finishedAt: this.#now(),
    }));
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
