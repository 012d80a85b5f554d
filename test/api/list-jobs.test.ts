import { Metadata, status } from '@grpc/grpc-js';
import { SluiceClient } from '../../client/index.js';
import { ApiKeyAuthenticator } from '../../container/auth/api-key-authenticator.js';
import { keysTableNameOf } from '../../core/config/aws-config.js';
import { ApiKeyStore } from '../../core/keys/api-key-store.js';
import {
  failureOf,
  startFrontTestBed,
  submitRequest,
  unary,
  type FrontTestBed,
  type TestFront,
} from '../../container/testing/front-test-bed.js';
import {
  JobState,
  type Job,
  type ListJobsRequest,
  type ListChannelsResponse,
  type ListJobsResponse,
  type RetryJobResponse,
  type SubmitJobRequest,
} from '../../proto/gen/ts/sluice/v1/job_service.js';

process.env.SLUICE_LOG_LEVEL = 'silent';

/** Jobs the paging tests list. */
const JOB_COUNT = 250;
const RPC_CODE_ABORTED = 10;

let bed: FrontTestBed;
let front: TestFront;
/** Every submitted job as the API shows it, newest created first (ties: the larger id first). */
let newestFirst: Job[];
/** What one page of 1000 listed. */
let listedOnOnePage: Job[];

function sortKey(job: Job): string {
  return `${String((job.createdAt as Date).getTime()).padStart(13, '0')}#${job.jobId}`;
}

function listRequest(overrides: Partial<ListJobsRequest> = {}): ListJobsRequest {
  return {
    channel: '',
    states: [],
    type: '',
    groupKey: '',
    attributes: {},
    pageSize: 0,
    pageToken: '',
    ...overrides,
  };
}

function listPage(request: Partial<ListJobsRequest>): Promise<ListJobsResponse> {
  return unary<ListJobsResponse>((callback) =>
    front.client.listJobs(listRequest(request), callback),
  );
}

/** Every page of a listing, in order; the ids of all its jobs. */
async function listAll(request: Partial<ListJobsRequest>): Promise<string[]> {
  const ids: string[] = [];
  let pageToken = '';
  do {
    const page = await listPage({ ...request, pageToken });
    ids.push(...page.jobs.map((job) => job.jobId));
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
  return ids;
}

function submit(request: SubmitJobRequest): Promise<string> {
  return unary<{ jobId: string }>((callback) => front.client.submitJob(request, callback)).then(
    (ack) => ack.jobId,
  );
}

function ids(jobs: readonly Job[]): string[] {
  return jobs.map((job) => job.jobId);
}

function createdMs(job: Job): number {
  return (job.createdAt as Date).getTime();
}

/** The i-th job's variations: two types, three groups, an attribute on every fifth. */
function variedRequest(i: number): SubmitJobRequest {
  return submitRequest({
    type: i % 2 === 0 ? 'echo' : 'sha256',
    groupKey: `g${i % 3}`,
    attributes: i % 5 === 0 ? { team: 'blue', n: String(i) } : { team: 'red' },
    payload: Buffer.from(JSON.stringify({ i })),
  });
}

beforeAll(async () => {
  bed = await startFrontTestBed('list');
  front = await bed.startFront();
  // In small concurrent waves: several jobs share a millisecond, so ties are exercised.
  const submitted: string[] = [];
  const WAVE = 25;
  for (let start = 0; start < JOB_COUNT; start += WAVE) {
    const wave = Array.from({ length: WAVE }, (_, k) => submit(variedRequest(start + k)));
    submitted.push(...(await Promise.all(wave)));
  }
  const records = await bed.table.batchGet(
    submitted.map((jobId) => ({ tenant: 'default', jobId })),
  );
  // Three jobs fail and two are dead-lettered, the way the consumers record it.
  for (const [index, record] of records.slice(0, 5).entries()) {
    const key = { tenant: record.tenant, jobId: record.jobId };
    const running = await bed.table.markRunning(key, record.version);
    if (running === undefined) throw new Error('could not start a test job');
    if (index < 3) {
      await bed.table.markFailed(key, running.version, { code: RPC_CODE_ABORTED, message: 'x' });
    } else {
      await bed.table.markDeadLettered(key, { code: RPC_CODE_ABORTED, message: 'x' });
    }
  }
  const all = await listPage({ pageSize: 1000 });
  listedOnOnePage = all.jobs;
  // The expected order, computed here (not trusted from the service): creation time, then id.
  newestFirst = [...all.jobs].sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : -1));
}, 120_000);

afterAll(async () => {
  await bed?.stop();
});

describe('ListJobs paging', () => {
  it('lists every job once, newest created first, on one large page', () => {
    expect(newestFirst).toHaveLength(JOB_COUNT);
    expect(new Set(ids(newestFirst)).size).toBe(JOB_COUNT);
    expect(ids(listedOnOnePage)).toEqual(ids(newestFirst));
  });

  it.each([1, 7, 50])(
    'lists every job exactly once and in order with pages of %i',
    async (size) => {
      expect(await listAll({ pageSize: size })).toEqual(ids(newestFirst));
    },
  );

  it('fills pages of 7 with at most 7 jobs and ends with an empty token only', async () => {
    let pageToken = '';
    let pages = 0;
    do {
      const page = await listPage({ pageSize: 7, pageToken });
      expect(page.jobs.length).toBeLessThanOrEqual(7);
      pageToken = page.nextPageToken;
      pages += 1;
    } while (pageToken !== '');
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(JOB_COUNT / 7));
  });

  it('takes page_size 0 as 50 and more than 1000 as 1000', async () => {
    expect((await listPage({ pageSize: 0 })).jobs).toHaveLength(50);
    expect((await listPage({ pageSize: 5000 })).jobs).toHaveLength(JOB_COUNT);
  });

  it('refuses a negative page_size as INVALID_ARGUMENT naming the field', async () => {
    const failure = await failureOf(listPage({ pageSize: -1 }));
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.field).toBe('page_size');
  });
});

describe('ListJobs filters', () => {
  const expectFiltered = async (
    request: Partial<ListJobsRequest>,
    keep: (job: Job) => boolean,
  ): Promise<void> => {
    const expected = ids(newestFirst.filter(keep));
    expect(expected.length).toBeGreaterThan(0);
    expect(await listAll({ ...request, pageSize: 7 })).toEqual(expected);
  };

  it('filters on the channel', async () => {
    await expectFiltered({ channel: 'default' }, () => true);
  });

  it('filters on the type', async () => {
    await expectFiltered({ type: 'sha256' }, (job) => job.type === 'sha256');
  });

  it('filters on the group key', async () => {
    await expectFiltered({ groupKey: 'g1' }, (job) => job.groupKey === 'g1');
  });

  it('filters on attributes, every given pair exactly', async () => {
    await expectFiltered({ attributes: { team: 'blue' } }, (job) => job.attributes.team === 'blue');
    await expectFiltered(
      { attributes: { team: 'blue', n: '10' } },
      (job) => job.attributes.n === '10',
    );
  });

  it('filters on states, from the failures index for failed and dead-lettered jobs', async () => {
    await expectFiltered(
      { states: [JobState.JOB_STATE_FAILED] },
      (job) => job.state === JobState.JOB_STATE_FAILED,
    );
    await expectFiltered(
      { states: [JobState.JOB_STATE_DEAD_LETTERED, JobState.JOB_STATE_FAILED] },
      (job) =>
        job.state === JobState.JOB_STATE_FAILED || job.state === JobState.JOB_STATE_DEAD_LETTERED,
    );
    await expectFiltered(
      { states: [JobState.JOB_STATE_QUEUED] },
      (job) => job.state === JobState.JOB_STATE_QUEUED,
    );
  });

  it('combines filters', async () => {
    await expectFiltered(
      { type: 'echo', groupKey: 'g0', attributes: { team: 'red' }, channel: 'default' },
      (job) => job.type === 'echo' && job.groupKey === 'g0' && job.attributes.team === 'red',
    );
    await expectFiltered(
      { type: 'echo', states: [JobState.JOB_STATE_FAILED, JobState.JOB_STATE_DEAD_LETTERED] },
      (job) =>
        job.type === 'echo' &&
        (job.state === JobState.JOB_STATE_FAILED || job.state === JobState.JOB_STATE_DEAD_LETTERED),
    );
  });

  it('includes created_after and excludes created_before, at their edges', async () => {
    const upper = newestFirst[40] as Job;
    const lower = newestFirst[200] as Job;
    const createdAfter = new Date(createdMs(lower));
    const createdBefore = new Date(createdMs(upper));
    await expectFiltered(
      { createdAfter, createdBefore },
      (job) => createdMs(job) >= createdMs(lower) && createdMs(job) < createdMs(upper),
    );
    const window = await listAll({ createdAfter, createdBefore, pageSize: 1000 });
    expect(window).toContain(lower.jobId);
    expect(window).not.toContain(upper.jobId);
    await expectFiltered({ createdAfter }, (job) => createdMs(job) >= createdMs(lower));
    await expectFiltered({ createdBefore }, (job) => createdMs(job) < createdMs(upper));
  });

  it('returns nothing (and no token) for an empty time window', async () => {
    const at = new Date(createdMs(newestFirst[10] as Job));
    const page = await listPage({ createdAfter: at, createdBefore: at });
    expect(page).toEqual({ jobs: [], nextPageToken: '' });
  });

  it.each([
    ['channel', { channel: 'nope' }],
    ['type', { type: 'nope' }],
    ['type', { channel: 'default', type: 'nope' }],
    ['states', { states: [JobState.JOB_STATE_UNSPECIFIED] }],
    ['states', { states: [99 as JobState] }],
  ])('refuses an unknown value as INVALID_ARGUMENT naming %s', async (field, request) => {
    const failure = await failureOf(listPage(request));
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.field).toBe(field);
  });
});

describe('ListJobs page tokens', () => {
  let token: string;
  let firstPage: string[];

  beforeAll(async () => {
    const page = await listPage({ pageSize: 3, type: 'echo' });
    token = page.nextPageToken;
    firstPage = ids(page.jobs);
    expect(token).not.toBe('');
  });

  const expectRefused = async (request: Partial<ListJobsRequest>): Promise<void> => {
    const failure = await failureOf(listPage(request));
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.field).toBe('page_token');
  };

  it('accepts its own token with the same filter and any page size', async () => {
    const rest: string[] = [];
    let pageToken = token;
    while (pageToken !== '') {
      const page = await listPage({ pageSize: 5, type: 'echo', pageToken });
      rest.push(...ids(page.jobs));
      pageToken = page.nextPageToken;
    }
    expect([...firstPage, ...rest]).toEqual(ids(newestFirst.filter((job) => job.type === 'echo')));
  });

  it('refuses a token with any character changed', async () => {
    // Every position, the last one included (its spare base64 bits decode to the same bytes).
    for (let position = 0; position < token.length; position++) {
      const changed =
        token.slice(0, position) +
        (token[position] === 'A' ? 'B' : 'A') +
        token.slice(position + 1);
      await expectRefused({ type: 'echo', pageToken: changed });
    }
  });

  it('refuses a token reused with another filter', async () => {
    await expectRefused({ type: 'sha256', pageToken: token });
    await expectRefused({ pageToken: token });
  });

  it('refuses garbage', async () => {
    await expectRefused({ pageToken: 'not-a-token' });
    await expectRefused({ pageToken: '.' });
  });
});

describe('ListJobs, RetryJob and ListChannels with API keys', () => {
  let keyed: TestFront;
  const keys: Record<string, string> = {};
  const asTenant = (name: string): Metadata => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${keys[name]}`);
    return metadata;
  };
  const listAs = (name: string, request: Partial<ListJobsRequest>): Promise<ListJobsResponse> =>
    unary<ListJobsResponse>((callback) =>
      keyed.client.listJobs(listRequest(request), asTenant(name), callback),
    );
  let acmeFailed: string;

  beforeAll(async () => {
    const store = new ApiKeyStore({
      client: bed.clients.documents,
      tableName: keysTableNameOf(bed.resources),
    });
    keyed = await bed.startFront({ authenticator: new ApiKeyAuthenticator({ store }) });
    for (const tenant of ['acme', 'globex']) keys[tenant] = (await store.create(tenant)).key;
    const acmeJobs: string[] = [];
    for (let i = 0; i < 12; i++) {
      const ack = await unary<{ jobId: string }>((callback) =>
        keyed.client.submitJob(submitRequest(), asTenant('acme'), callback),
      );
      acmeJobs.push(ack.jobId);
    }
    acmeFailed = acmeJobs[0] as string;
    const key = { tenant: 'acme', jobId: acmeFailed };
    const running = await bed.table.markRunning(key, 1);
    await bed.table.markFailed(
      key,
      running?.version ?? 0,
      { code: RPC_CODE_ABORTED, message: 'x' },
      Buffer.from('{}'),
    );
  });

  it("lists only the caller's own jobs", async () => {
    const acme = await listAs('acme', { pageSize: 1000 });
    expect(acme.jobs).toHaveLength(12);
    expect((await listAs('globex', { pageSize: 1000 })).jobs).toEqual([]);
    expect((await listAs('globex', { states: [JobState.JOB_STATE_FAILED] })).jobs).toEqual([]);
  });

  it("refuses another tenant's page token", async () => {
    const token = (await listAs('acme', { pageSize: 2 })).nextPageToken;
    expect(token).not.toBe('');
    const failure = await failureOf(listAs('globex', { pageSize: 2, pageToken: token }));
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.field).toBe('page_token');
  });

  it("does not retry another tenant's job: NOT_FOUND, and nothing changes", async () => {
    const failure = await failureOf(
      unary<RetryJobResponse>((callback) =>
        keyed.client.retryJob({ jobId: acmeFailed }, asTenant('globex'), callback),
      ),
    );
    expect(failure.code).toBe(status.NOT_FOUND);
    expect((await bed.table.get({ tenant: 'acme', jobId: acmeFailed }))?.retriedAs).toBeUndefined();
  });

  it('refuses queue figures to a tenant key as PERMISSION_DENIED but lists the channels', async () => {
    const channels = (includeQueueStats: boolean): Promise<ListChannelsResponse> =>
      unary<ListChannelsResponse>((callback) =>
        keyed.client.listChannels({ includeQueueStats }, asTenant('acme'), callback),
      );
    const failure = await failureOf(channels(true));
    expect(failure.code).toBe(status.PERMISSION_DENIED);
    expect(failure.field).toBe('include_queue_stats');
    expect((await channels(false)).channels.map((c) => c.name)).toEqual(['default']);
  });
});

describe('the TypeScript client', () => {
  it('iterates over every page with list, and reads one page with listPage', async () => {
    const client = new SluiceClient({ endpoint: `127.0.0.1:${front.front.grpcPort}` });
    try {
      const listed: string[] = [];
      for await (const job of client.list({ type: 'sha256', pageSize: 7 })) listed.push(job.jobId);
      expect(listed).toEqual(ids(newestFirst.filter((job) => job.type === 'sha256')));
      const failed = await client.listPage({ states: ['FAILED'] });
      expect(failed.jobs.map((job) => job.state)).toEqual(['FAILED', 'FAILED', 'FAILED']);
      expect((await client.channels()).map((channel) => channel.name)).toEqual(['default']);
      expect((await client.channels({ queueStats: true }))[0]?.queueStats).toBeDefined();
    } finally {
      client.close();
    }
  });
});
