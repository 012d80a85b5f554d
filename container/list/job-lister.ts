import type { Channel } from '../../core/channels/channel-config.js';
import { ValidationError } from '../../core/errors/index.js';
import {
  FAILURE_STATES,
  JOB_INDEXES,
  channelListKey,
  failureListKey,
  jobIdOfSortKey,
  listTimePrefix,
  type JobIndexSchema,
} from '../../core/jobs/job-indexes.js';
import type { JobRecord } from '../../core/jobs/job.js';
import type { IndexQueryResult, JobsTable } from '../../core/jobs/jobs-table.js';
import { callDependency } from '../errors/call-dependency.js';
import type { ListJobsFilter, ListJobsQuery } from './list-jobs-query.js';
import {
  CURSOR_DONE,
  CURSOR_START,
  type PageTokenCodec,
  type PartitionCursors,
} from './page-token-codec.js';

/** A page reads at most this many index items per job it may hold… */
export const READ_ITEMS_PER_PAGE_ITEM = 2;
/** …plus this many. */
export const READ_ITEMS_SLACK = 10;

/** One page of a listing. */
export interface JobsPage {
  /** Newest created first. */
  records: JobRecord[];
  /** Empty when the list has ended. */
  nextPageToken: string;
  /** What the page read: index items (matching or not), their read units, and records fetched. */
  read: { indexItems: number; indexReadUnits: number; records: number };
}

/** Options of a `JobLister`. */
export interface JobListerOptions {
  table: JobsTable;
  channels: readonly Channel[];
  tokens: PageTokenCodec;
}

/** One index partition of a merge. */
interface Partition {
  value: string;
  /** Read but not yet taken into the page, newest first. */
  buffer: string[];
  /** After this sort key the partition is unread (`CURSOR_START`: all of it). */
  readCursor: string;
  /** Nothing after `readCursor`. */
  exhausted: boolean;
  /** Where the next page resumes if items are left in the buffer. */
  resumeCursor: string;
}

/** Which index serves a filter, its partitions, and what it filters on. */
interface IndexPlan {
  index: JobIndexSchema;
  partitions: string[];
  equals: Record<string, string>;
  oneOf?: { attribute: string; values: readonly string[] };
  /** The record must be in one of these states (checked on the fetched record). */
  recordStates: readonly string[];
}

function isFailuresOnly(states: readonly string[]): boolean {
  return states.length > 0 && states.every((state) => FAILURE_STATES.includes(state as never));
}

function shards(count: number): number[] {
  return Array.from({ length: count }, (_, shard) => shard);
}

function newestFirst(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

function matchesAttributes(record: JobRecord, attributes: readonly [string, string][]): boolean {
  return attributes.every(([key, value]) => record.attributes[key] === value);
}

/**
 * ListJobs over the jobs table's indexes — a Query per index partition,
 * never a Scan. A listing key is sharded (`<tenant>#<channel>#<shard>`,
 * `JobsTable.listShards` shards), so a page is a k-way merge of every
 * shard's newest-first query by sort key (creation time, then job id): the
 * order is total and the same on every page. Each partition is read lazily
 * in small batches, and a page stops reading after `2 × page size + 10` index
 * items (or one per partition plus the page size, if that is more): it may
 * then be short, and its token resumes every partition where it stood.
 * Failure-only listings use the sparse failures index, so they never read
 * through succeeded jobs.
 *
 * @example
 * ```ts
 * const lister = new JobLister({ table, channels: CHANNELS, tokens: new PageTokenCodec({ secret }) });
 * const page = await lister.list('acme', parseListJobsQuery(request, CHANNELS, limits));
 * ```
 */
export class JobLister {
  readonly #table: JobsTable;
  readonly #channels: readonly Channel[];
  readonly #tokens: PageTokenCodec;

  constructor(options: JobListerOptions) {
    this.#table = options.table;
    this.#channels = options.channels;
    this.#tokens = options.tokens;
  }

  /** One page of `tenant`'s jobs matching the query. */
  async list(tenant: string, query: ListJobsQuery, signal?: AbortSignal): Promise<JobsPage> {
    const { filter, pageSize } = query;
    const plan = this.#plan(tenant, filter);
    const cursors: PartitionCursors =
      query.pageToken === ''
        ? plan.partitions.map(() => CURSOR_START)
        : this.#tokens.decode(tenant, filter, query.pageToken, plan.partitions.length);
    checkCursorsInRange(cursors, filter);
    const empty: JobsPage = { records: [], nextPageToken: '', read: emptyRead() };
    if (
      filter.createdAfter !== undefined &&
      filter.createdBefore !== undefined &&
      filter.createdAfter >= filter.createdBefore
    ) {
      return empty;
    }
    const partitions: Partition[] = plan.partitions.map((value, i) => {
      const cursor = cursors[i] ?? CURSOR_START;
      return {
        value,
        buffer: [],
        readCursor: cursor,
        exhausted: cursor === CURSOR_DONE,
        resumeCursor: cursor,
      };
    });
    const read = emptyRead();
    const taken = await this.#merge(tenant, plan, filter, partitions, pageSize, read, signal);
    const fetched = await callDependency('read the jobs', () =>
      this.#table.batchGet(
        taken.map((sortKey) => ({ tenant, jobId: jobIdOfSortKey(sortKey) })),
        { consistentRead: false },
      ),
    );
    read.records = fetched.length;
    const byId = new Map(fetched.map((record) => [record.jobId, record]));
    const records = taken
      .map((sortKey) => byId.get(jobIdOfSortKey(sortKey)))
      .filter((record): record is JobRecord => record !== undefined)
      .filter(
        (record) =>
          (plan.recordStates.length === 0 || plan.recordStates.includes(record.state)) &&
          matchesAttributes(record, filter.attributes),
      );
    const next = partitions.map((p) =>
      p.buffer.length > 0 ? p.resumeCursor : p.exhausted ? CURSOR_DONE : p.readCursor,
    );
    const ended = next.every((cursor) => cursor === CURSOR_DONE);
    return {
      records,
      nextPageToken: ended ? '' : this.#tokens.encode(tenant, filter, next),
      read,
    };
  }

  #plan(tenant: string, filter: ListJobsFilter): IndexPlan {
    const shardList = shards(this.#table.listShards);
    const equals: Record<string, string> = {};
    if (filter.type !== '') equals.type = filter.type;
    if (filter.groupKey !== '') equals.groupKey = filter.groupKey;
    if (isFailuresOnly(filter.states)) {
      if (filter.channel !== '') equals.channel = filter.channel;
      return {
        index: JOB_INDEXES.failures,
        partitions: shardList.map((shard) => failureListKey(tenant, shard)),
        equals,
        oneOf:
          filter.states.length < FAILURE_STATES.length
            ? { attribute: 'state', values: filter.states }
            : undefined,
        recordStates: [],
      };
    }
    const channelNames =
      filter.channel === '' ? this.#channels.map((c) => c.name) : [filter.channel];
    return {
      index: JOB_INDEXES.byChannel,
      partitions: channelNames.flatMap((channel) =>
        shardList.map((shard) => channelListKey(tenant, channel, shard)),
      ),
      equals,
      recordStates: filter.states,
    };
  }

  /** Takes up to `pageSize` sort keys, newest first across every partition, within the read budget. */
  async #merge(
    tenant: string,
    plan: IndexPlan,
    filter: ListJobsFilter,
    partitions: Partition[],
    pageSize: number,
    read: JobsPage['read'],
    signal: AbortSignal | undefined,
  ): Promise<string[]> {
    const open = partitions.filter((p) => !p.exhausted).length;
    // Every partition's head must be read before anything can be taken.
    const budget = Math.max(
      READ_ITEMS_PER_PAGE_ITEM * pageSize + READ_ITEMS_SLACK,
      open + pageSize,
    );
    const batch = Math.max(1, Math.ceil(pageSize / Math.max(1, open)));
    const taken: string[] = [];
    while (taken.length < pageSize) {
      signal?.throwIfAborted();
      const starving = partitions.filter((p) => !p.exhausted && p.buffer.length === 0);
      if (starving.length > 0) {
        const room = budget - read.indexItems;
        // A partition that cannot be read may hold the next job: the page ends here.
        if (room < starving.length) break;
        const limit = Math.max(1, Math.min(batch, Math.floor(room / starving.length)));
        const results = await callDependency('list the jobs', () =>
          Promise.all(starving.map((p) => this.#read(tenant, plan, filter, p, limit))),
        );
        results.forEach((result, i) => {
          const partition = starving[i];
          if (partition === undefined) return;
          read.indexItems += result.scanned;
          read.indexReadUnits += result.readUnits;
          partition.buffer.push(...result.sortKeys);
          if (result.lastSortKey === undefined) partition.exhausted = true;
          else partition.readCursor = result.lastSortKey;
        });
        continue;
      }
      let newest: Partition | undefined;
      for (const p of partitions) {
        const head = p.buffer[0];
        if (head === undefined) continue;
        if (newest === undefined || newestFirst(head, newest.buffer[0] ?? '') < 0) newest = p;
      }
      if (newest === undefined) break;
      const sortKey = newest.buffer.shift() as string;
      newest.resumeCursor = sortKey;
      taken.push(sortKey);
    }
    return taken;
  }

  #read(
    tenant: string,
    plan: IndexPlan,
    filter: ListJobsFilter,
    partition: Partition,
    limit: number,
  ): Promise<IndexQueryResult> {
    return this.#table.queryIndex({
      index: plan.index,
      partitionValue: partition.value,
      sortKeyFrom:
        filter.createdAfter === undefined ? undefined : listTimePrefix(filter.createdAfter),
      sortKeyBelow:
        filter.createdBefore === undefined ? undefined : listTimePrefix(filter.createdBefore),
      after:
        partition.readCursor === CURSOR_START
          ? undefined
          : { sortKey: partition.readCursor, tenant },
      equals: plan.equals,
      oneOf: plan.oneOf,
      limit,
    });
  }
}

/**
 * A position outside the filter's time range cannot come from this filter's
 * pages (DynamoDB would refuse it as a start key): the token is refused.
 */
function checkCursorsInRange(cursors: PartitionCursors, filter: ListJobsFilter): void {
  const from = filter.createdAfter === undefined ? undefined : listTimePrefix(filter.createdAfter);
  const below =
    filter.createdBefore === undefined ? undefined : listTimePrefix(filter.createdBefore);
  for (const cursor of cursors) {
    if (cursor === CURSOR_START || cursor === CURSOR_DONE) continue;
    if ((from !== undefined && cursor < from) || (below !== undefined && cursor > below)) {
      throw new ValidationError('page_token: does not belong to this filter', {
        field: 'page_token',
      });
    }
  }
}

function emptyRead(): JobsPage['read'] {
  return { indexItems: 0, indexReadUnits: 0, records: 0 };
}
