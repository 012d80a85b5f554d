import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { CHANNELS } from '../../core/channels/channels.js';
import { createJobIdGenerator } from '../../core/jobs/job-ids.js';
import { JOB_INDEXES, failureListKey, listShard } from '../../core/jobs/job-indexes.js';
import type { JobState } from '../../core/jobs/job.js';
import { jobRecordFromEnvelope } from '../../core/jobs/job-record-from-envelope.js';
import { JOBS_TABLE_SCHEMA, jobPartitionKey } from '../../core/jobs/table-schema.js';
import { writeUnitsOf } from '../cost/index-write-units.js';
import {
  JobLister,
  READ_ITEMS_PER_PAGE_ITEM,
  READ_ITEMS_SLACK,
} from '../../container/list/job-lister.js';
import { parseListJobsQuery } from '../../container/list/list-jobs-query.js';
import { PageTokenCodec } from '../../container/list/page-token-codec.js';
import { generatePageTokenSecret } from '../../container/list/page-token-secret-store.js';
import { startFrontTestBed, unary } from '../../container/testing/front-test-bed.js';
import { DEFAULT_SUBMIT_LIMITS } from '../../core/validation/limits.js';
import {
  JobState as ProtoJobState,
  type ListJobsRequest,
  type ListJobsResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import { ScenarioReport, type ScenarioResult } from '../framework/scenario-result.js';

/** Items a BatchWriteItem takes. */
const BATCH_WRITE_ITEMS = 25;
/** Batches in flight while loading the table. */
const LOAD_CONCURRENCY = 8;
/** One job in this many failed (0.1 %). */
const FAILED_EVERY = 1000;
/** First pages timed per listing. */
const TIMED_PAGES = 200;
const PAGE_SIZE = 50;
const P50 = 0.5;
const P99 = 0.99;
const FIRST_PAGE_P50_TARGET_MS = 30;
/** The budget: a successful echo job costs at most this many write units more than without indexes. */
const EXTRA_WRITE_UNITS_BUDGET = 1;
const TENANT = 'default';
const CHANNEL_NAMES = ['default'];

/** An echo job's payload, and so its result. */
const ECHO_PAYLOAD = Buffer.from('{"hello":"world"}');
/** google.rpc.Code ABORTED: what a failed job's error carries here. */
const RPC_CODE_ABORTED = 10;

type JobEnd = 'SUCCEEDED' | 'FAILED';

/**
 * The write units of one job's writes, itemised by table and index: the
 * front's create, the consumer's claim (RUNNING) and its outcome, made with
 * the same `JobsTable` calls, each costed from the item before and after
 * (`writeUnitsOf`).
 */
async function jobWriteUnits(
  bed: Awaited<ReturnType<typeof startFrontTestBed>>,
  end: JobEnd,
  jobId: string,
): Promise<{ writes: Record<string, Record<string, number>>; total: Record<string, number> }> {
  const record = jobRecordFromEnvelope(
    {
      jobId,
      tenant: TENANT,
      channel: 'default',
      type: 'echo',
      payload: ECHO_PAYLOAD,
      contentType: 'application/json',
      groupKey: '',
      idempotencyKey: '',
      attributes: {},
      submitToken: 't',
      createdAt: Date.now(),
    },
    { sequenceNumber: '1', now: Date.now() },
  );
  const key = { tenant: TENANT, jobId };
  const image = async (): Promise<Record<string, unknown>> => {
    const { Item } = await bed.clients.documents.send(
      new GetCommand({
        TableName: bed.table.tableName,
        Key: { [JOBS_TABLE_SCHEMA.partitionKey]: jobPartitionKey(TENANT, jobId) },
        ConsistentRead: true,
      }),
    );
    if (Item === undefined) throw new Error(`job ${jobId} was not written`);
    return Item;
  };
  const indexes = Object.values(JOB_INDEXES);
  const writes: Record<string, Record<string, number>> = {};
  await bed.table.create(record);
  const created = await image();
  writes.create = writeUnitsOf(undefined, created, indexes);
  const running = await bed.table.markRunning(key, record.version);
  const claimed = await image();
  writes.claim = writeUnitsOf(created, claimed, indexes);
  const version = running?.version ?? 0;
  if (end === 'SUCCEEDED') {
    await bed.table.markSucceeded(key, version, ECHO_PAYLOAD, 'application/json');
  } else {
    await bed.table.markFailed(
      key,
      version,
      { code: RPC_CODE_ABORTED, message: 'x' },
      ECHO_PAYLOAD,
    );
  }
  writes[end.toLowerCase()] = writeUnitsOf(claimed, await image(), indexes);
  const total: Record<string, number> = {};
  for (const units of Object.values(writes)) {
    for (const [where, n] of Object.entries(units)) total[where] = (total[where] ?? 0) + n;
  }
  return { writes, total };
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function stateOf(i: number): JobState {
  if (i % FAILED_EVERY === 0) return 'FAILED';
  return i % 10 === 0 ? 'QUEUED' : 'SUCCEEDED';
}

const EMPTY: ListJobsRequest = {
  channel: '',
  states: [],
  type: '',
  groupKey: '',
  attributes: {},
  pageSize: PAGE_SIZE,
  pageToken: '',
};

/**
 * ListJobs at table scale: `jobs` records (three channels' partitions, 0.1 %
 * FAILED) are bulk-loaded into the emulated table with BatchWriteItem, each
 * item built by the same code the submit path uses (`jobRecordFromEnvelope`,
 * `JobsTable.itemOf`); then the first page of the whole tenant, of one
 * channel and of the failed jobs is timed over real gRPC, and the index
 * items one page reads are counted (ScannedCount, through the lister).
 *
 * @example
 * ```ts
 * const result = await runListingScenario({ jobs: 100_000 });
 * ```
 */
export async function runListingScenario(options: { jobs: number }): Promise<ScenarioResult> {
  const report = new ScenarioReport('listing', 'ListJobs over a large table');
  report.settings({ jobs: options.jobs, pageSize: PAGE_SIZE, timedPages: TIMED_PAGES });
  const bed = await startFrontTestBed('bench-list');
  try {
    const { client } = await bed.startFront();
    const nextId = createJobIdGenerator();
    const now = Date.now();
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < options.jobs; i++) {
      const envelope = {
        jobId: nextId(),
        tenant: TENANT,
        channel: CHANNEL_NAMES[i % CHANNEL_NAMES.length] ?? 'default',
        type: 'echo',
        payload: new Uint8Array(0),
        contentType: 'application/json',
        groupKey: '',
        idempotencyKey: '',
        attributes: {},
        submitToken: 't',
        createdAt: now - options.jobs + i,
      };
      const record = {
        ...jobRecordFromEnvelope(envelope, { sequenceNumber: '1', now }),
        state: stateOf(i),
      };
      const item = bed.table.itemOf(record);
      if (record.state === 'FAILED') {
        item[JOB_INDEXES.failures.partitionKey] = failureListKey(
          TENANT,
          listShard(record.jobId, bed.table.listShards),
        );
      }
      items.push(item);
    }
    const loadStarted = performance.now();
    for (let start = 0; start < items.length; start += BATCH_WRITE_ITEMS * LOAD_CONCURRENCY) {
      await Promise.all(
        Array.from({ length: LOAD_CONCURRENCY }, (_, k) => {
          const batch = items.slice(
            start + k * BATCH_WRITE_ITEMS,
            start + (k + 1) * BATCH_WRITE_ITEMS,
          );
          if (batch.length === 0) return Promise.resolve();
          return bed.clients.documents.send(
            new BatchWriteCommand({
              RequestItems: {
                [bed.table.tableName]: batch.map((Item) => ({ PutRequest: { Item } })),
              },
            }),
          );
        }),
      );
    }
    report.detail('loadSeconds', (performance.now() - loadStarted) / 1000);

    const lister = new JobLister({
      table: bed.table,
      channels: CHANNELS,
      tokens: new PageTokenCodec({ secret: generatePageTokenSecret() }),
    });
    const listings: [string, Partial<ListJobsRequest>][] = [
      ['tenant', {}],
      ['failed', { states: [ProtoJobState.JOB_STATE_FAILED] }],
    ];
    for (const [name, filter] of listings) {
      const request = { ...EMPTY, ...filter };
      const times: number[] = [];
      for (let i = 0; i < TIMED_PAGES; i++) {
        const started = performance.now();
        await unary<ListJobsResponse>((callback) => client.listJobs(request, callback));
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      report.measure(`ListJobs first page (${name}), p50`, percentile(times, P50), 'ms', {
        target: {
          description: `≤ ${FIRST_PAGE_P50_TARGET_MS} ms`,
          subject: 'value',
          comparison: '<=',
          threshold: FIRST_PAGE_P50_TARGET_MS,
        },
      });
      report.measure(`ListJobs first page (${name}), p99`, percentile(times, P99), 'ms');
      const page = await lister.list(
        TENANT,
        parseListJobsQuery(request, CHANNELS, DEFAULT_SUBMIT_LIMITS),
      );
      const bound = READ_ITEMS_PER_PAGE_ITEM * PAGE_SIZE + READ_ITEMS_SLACK;
      report.measure(`index items read by that page (${name})`, page.read.indexItems, 'items', {
        target: { description: `≤ ${bound}`, subject: 'value', comparison: '<=', threshold: bound },
      });
      report.detail(`${name}Page`, { jobs: page.records.length, read: page.read });
    }
    for (const end of ['SUCCEEDED', 'FAILED'] as const) {
      const { writes, total } = await jobWriteUnits(bed, end, nextId());
      const name = end === 'SUCCEEDED' ? 'successful echo job' : 'failed echo job';
      const indexUnits = Object.values(JOB_INDEXES).reduce(
        (sum, index) => sum + (total[index.indexName] ?? 0),
        0,
      );
      for (const [where, units] of Object.entries(total)) {
        report.measure(`write units per ${name}: ${where}`, units, 'WCU');
      }
      report.measure(
        `extra write units per ${name} (all indexes)`,
        indexUnits,
        'WCU',
        end === 'SUCCEEDED'
          ? {
              target: {
                description: `≤ +${EXTRA_WRITE_UNITS_BUDGET} over the table alone`,
                subject: 'value',
                comparison: '<=',
                threshold: EXTRA_WRITE_UNITS_BUDGET,
              },
            }
          : {},
      );
      report.detail(`${end.toLowerCase()}JobWriteUnits`, { writes, total });
    }
    report.note(
      `Write units per job: the base table's from each write's item size (DynamoDB's rule: the larger of the old and new item, per started KB); each index's from the item before and after the write (a put on entering, a delete on leaving, a put when a projected attribute changes, delete + put when its key changes; 0 otherwise). The emulator reports only the table's units, so the indexes' are counted from the item images (bench/cost/index-write-units.ts).`,
    );
    report.note(
      'The front runs in the bench process (in-process gRPC over loopback); the emulators are child processes. One channel is configured (default), so the tenant listing merges its 8 shards.',
    );
    return report.finish();
  } catch (error) {
    return report.finish(error);
  } finally {
    await bed.stop();
  }
}
