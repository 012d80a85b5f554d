import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { status } from '@grpc/grpc-js';
import fc from 'fast-check';
import { CHANNELS } from '../../core/channels/channels.js';
import { JOB_ID_PATTERN } from '../../core/jobs/job-ids.js';
import { DEFAULT_SUBMIT_LIMITS } from '../../core/validation/limits.js';
import { DEFAULT_MAX_WATCH_JOBS } from '../../container/service/watch-jobs-stream.js';
import { parseListJobsQuery } from '../../container/list/list-jobs-query.js';
import { PageTokenCodec } from '../../container/list/page-token-codec.js';
import { generatePageTokenSecret } from '../../container/list/page-token-secret-store.js';
import { failureOf, unary, type CallFailure } from '../../container/testing/front-test-bed.js';
import {
  JobState,
  type ListChannelsResponse,
  type ListJobsRequest,
  type ListJobsResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import { queueDepth } from '../support/queue-depth.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';
import { submitRequest } from '../support/grpc-test-client.js';
import {
  anyText,
  forbiddenChar,
  identifier,
  invalidUtf8,
  textOfLength,
  textWith,
} from './bad-values.js';
import { RawJobServiceClient, type CallOutcome } from './raw-job-service-client.js';
import {
  encodeJobIdRequest,
  encodeSubmitJob,
  encodeSubmitJobsItem,
  encodeWatchJobs,
  type RawString,
  type RawSubmitJob,
} from './raw-requests.js';

/** Fixed, so a failure reproduces; fast-check prints the counterexample and its path. */
const SEED = 20_260_512;
const RUNS = 100;
const LIMITS = DEFAULT_SUBMIT_LIMITS;
const CHANNEL_NAMES = CHANNELS.map((channel) => channel.name);
const DEFAULT_TYPES = CHANNELS.find((channel) => channel.name === 'default')?.types ?? [];
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const VALID_JOB: RawSubmitJob = {
  channel: 'default',
  type: 'echo',
  payload: Buffer.from('{}'),
  contentType: 'application/json',
};

/** A ListJobs request that filters nothing. */
const EMPTY_LIST: ListJobsRequest = {
  channel: '',
  states: [],
  type: '',
  groupKey: '',
  attributes: {},
  pageSize: 0,
  pageToken: '',
};

/** A submit with exactly one bad field, and the field the front must name. */
interface BadSubmit {
  job: RawSubmitJob;
  field: string;
}

const bad = (field: string, patch: fc.Arbitrary<Partial<RawSubmitJob>>): fc.Arbitrary<BadSubmit> =>
  patch.map((changes) => ({ job: { ...VALID_JOB, ...changes }, field }));

const attributesWith = (key: RawString, value: RawString): Partial<RawSubmitJob> => ({
  attributes: [
    ['origin', 'test'],
    [key, value],
  ],
});

/** Every field of SubmitJobRequest, each with its kinds of bad value. */
const BAD_SUBMITS: Record<string, fc.Arbitrary<BadSubmit>> = {
  channel: fc.oneof(
    bad(
      'channel',
      anyText(80)
        .filter((name) => !CHANNEL_NAMES.includes(name))
        .map((channel) => ({ channel })),
    ),
    bad(
      'channel',
      invalidUtf8().map((channel) => ({ channel })),
    ),
  ),
  type: fc.oneof(
    bad(
      'type',
      anyText(80)
        .filter((type) => !DEFAULT_TYPES.includes(type))
        .map((type) => ({ type })),
    ),
    bad(
      'type',
      invalidUtf8().map((type) => ({ type })),
    ),
  ),
  payload: bad(
    'payload',
    fc
      .integer({ min: LIMITS.maxPayloadBytes + 1, max: LIMITS.maxPayloadBytes + 8_192 })
      .map((size) => ({ payload: new Uint8Array(size) })),
  ),
  content_type: fc.oneof(
    bad(
      'content_type',
      textWith(forbiddenChar()).map((v) => ({ contentType: `text/plain; p="${v}"` })),
    ),
    bad(
      'content_type',
      textWith(forbiddenChar()).map((v) => ({ contentType: `text/${v}` })),
    ),
    bad(
      'content_type',
      fc
        .string({ unit: 'binary', minLength: 1, maxLength: 40 })
        .filter((v) => !v.includes('/'))
        .map((contentType) => ({ contentType })),
    ),
    bad(
      'content_type',
      fc
        .integer({ min: LIMITS.maxContentTypeLength + 1, max: LIMITS.maxContentTypeLength * 2 })
        .map((length) => ({ contentType: `application/${'x'.repeat(length - 12)}` })),
    ),
    bad(
      'content_type',
      invalidUtf8().map((contentType) => ({ contentType })),
    ),
  ),
  group_key: fc.oneof(
    bad(
      'group_key',
      textWith(
        fc.constantFrom(' ', '\t', 'é', '€', '😀', '\u0000', '\u007f', '\u0085', '\uffff'),
      ).map((groupKey) => ({ groupKey })),
    ),
    bad(
      'group_key',
      fc
        .integer({ min: LIMITS.maxGroupKeyLength + 1, max: LIMITS.maxGroupKeyLength * 3 })
        .map((length) => ({ groupKey: 'g'.repeat(length) })),
    ),
    bad(
      'group_key',
      invalidUtf8().map((groupKey) => ({ groupKey })),
    ),
  ),
  idempotency_key: fc.oneof(
    bad(
      'idempotency_key',
      textWith(forbiddenChar()).map((idempotencyKey) => ({ idempotencyKey })),
    ),
    bad(
      'idempotency_key',
      textOfLength(LIMITS.maxIdempotencyKeyLength + 1, LIMITS.maxIdempotencyKeyLength * 2).map(
        (idempotencyKey) => ({ idempotencyKey }),
      ),
    ),
    bad(
      'idempotency_key',
      invalidUtf8().map((idempotencyKey) => ({ idempotencyKey })),
    ),
  ),
  attributes: bad(
    'attributes',
    fc.integer({ min: LIMITS.maxAttributes + 1, max: LIMITS.maxAttributes * 3 }).map((count) => ({
      attributes: Array.from({ length: count }, (_, index): [string, string] => [`k${index}`, 'v']),
    })),
  ),
  'attributes.key': fc.oneof(
    bad(
      'attributes.key',
      textWith(fc.constantFrom(' ', '!', 'é', ':', '#', '😀', '\u0000', '\uffff'), 10).map((key) =>
        attributesWith(key, 'v'),
      ),
    ),
    bad(
      'attributes.key',
      fc.nat().map((n) => attributesWith(`${n}key`, 'v')),
    ),
    bad('attributes.key', fc.constant(attributesWith('', 'v'))),
    bad(
      'attributes.key',
      fc
        .integer({ min: LIMITS.maxAttributeKeyLength + 1, max: LIMITS.maxAttributeKeyLength * 2 })
        .map((length) => attributesWith('k'.repeat(length), 'v')),
    ),
    bad(
      'attributes.key',
      invalidUtf8().map((key) => attributesWith(key, 'v')),
    ),
  ),
  'attributes[<key>]': fc.oneof(
    fc.tuple(identifier(20), textWith(forbiddenChar())).map(([key, value]) => ({
      job: { ...VALID_JOB, ...attributesWith(key, value) },
      field: `attributes[${key}]`,
    })),
    fc
      .tuple(
        identifier(20),
        textOfLength(LIMITS.maxAttributeValueLength + 1, LIMITS.maxAttributeValueLength * 2),
      )
      .map(([key, value]) => ({
        job: { ...VALID_JOB, ...attributesWith(key, value) },
        field: `attributes[${key}]`,
      })),
    fc.tuple(identifier(20), invalidUtf8()).map(([key, value]) => ({
      job: { ...VALID_JOB, ...attributesWith(key, value) },
      field: `attributes[${key}]`,
    })),
  ),
};

/** A job id that is not one: wrong alphabet, case, length, controls, not UTF-8. */
const badJobId: fc.Arbitrary<RawString> = fc.oneof(
  anyText(40).filter((id) => !JOB_ID_PATTERN.test(id)),
  fc
    .stringMatching(JOB_ID_PATTERN)
    .map((id) => id.toLowerCase())
    .filter((id) => /[a-z]/.test(id)),
  fc.stringMatching(JOB_ID_PATTERN).map((id) => id.slice(1)),
  fc.stringMatching(JOB_ID_PATTERN).map((id) => `${id}0`),
  fc.stringMatching(JOB_ID_PATTERN).map((id) => `${id.slice(0, 25)}U`),
  invalidUtf8(),
);
const wellFormedJobId = fc.stringMatching(JOB_ID_PATTERN);

/** The `index`th of a family of distinct, well-formed job ids that no job has. */
function unknownJobId(index: number): string {
  let id = '';
  for (let rest = index, digit = 0; digit < 26; digit += 1, rest = Math.floor(rest / 32)) {
    id = `${CROCKFORD[rest % 32] ?? '0'}${id}`;
  }
  return `Z${id.slice(1)}`;
}

let system: TestSystem;
let raw: RawJobServiceClient;
let knownJobId: string;
let baseline: { depth: number; records: number };
const inputsTried = new Map<string, number>();

const count = (rpc: string, n = 1): void => {
  inputsTried.set(rpc, (inputsTried.get(rpc) ?? 0) + n);
};

async function recordCount(): Promise<number> {
  const { Count } = await system.runtime.clients.documents.send(
    new ScanCommand({ TableName: system.runtime.resources.tableName, Select: 'COUNT' }),
  );
  return Count ?? 0;
}

async function snapshot(): Promise<{ depth: number; records: number }> {
  const queueUrl = system.runtime.queues.get('default')?.queueUrl ?? '';
  return {
    depth: await queueDepth(system.runtime.clients.sqs, queueUrl),
    records: await recordCount(),
  };
}

function expectRejected(outcome: CallOutcome, field: string): void {
  expect({ code: outcome.code, field: outcome.field }).toEqual({
    code: status.INVALID_ARGUMENT,
    field,
  });
  expect(outcome.details).toContain(field.replace(/\[.*$/, ''));
}

const property = <T>(arbitrary: fc.Arbitrary<T>, check: (value: T) => Promise<void>) =>
  fc.assert(fc.asyncProperty(arbitrary, check), { seed: SEED, numRuns: RUNS });

beforeAll(async () => {
  // No consumers: whatever reaches the queue stays there to be counted.
  system = await startTestSystem({ consumers: false });
  raw = new RawJobServiceClient(system.runtime.endpoint);
  knownJobId = (await system.client.submit(submitRequest({ type: 'echo' }))).jobId;
  // A second job, so a one-job ListJobs page has a next page token.
  await system.client.submit(submitRequest({ type: 'echo' }));
  baseline = await snapshot();
});

afterEach(async () => {
  // Nothing was enqueued or recorded, and the front is alive and serving.
  expect(await snapshot()).toEqual(baseline);
  expect(() => process.kill(system.runtime.frontPid(), 0)).not.toThrow();
  expect((await system.client.get(knownJobId)).jobId).toBe(knownJobId);
});

afterAll(async () => {
  raw?.close();
  await system?.stop();
  const lines = [...inputsTried].map(([rpc, n]) => `${rpc}: ${n}`);
  const total = [...inputsTried.values()].reduce((a, b) => a + b, 0);
  process.stderr.write(
    `bad-input requests tried (seed ${SEED}): ${lines.join(', ')}; total ${total}\n`,
  );
});

describe('SubmitJob with bad input', () => {
  it.each(Object.keys(BAD_SUBMITS))(
    'names %s with INVALID_ARGUMENT and enqueues nothing',
    async (name) => {
      await property(BAD_SUBMITS[name] as fc.Arbitrary<BadSubmit>, async ({ job, field }) => {
        count('SubmitJob');
        expectRejected(await raw.unary('SubmitJob', encodeSubmitJob(job)), field);
      });
    },
  );

  it('answers a channel cut mid-surrogate-pair in its message with a well-formed status', async () => {
    count('SubmitJob');
    const outcome = await raw.unary(
      'SubmitJob',
      encodeSubmitJob({ ...VALID_JOB, channel: `${'c'.repeat(63)}😀` }),
    );
    expectRejected(outcome, 'channel');
  });
});

describe('SubmitJobs with bad items', () => {
  const anyBadSubmit = fc.oneof(...Object.values(BAD_SUBMITS));

  it('answers every bad item with an error naming job.<field>, and the stream ends OK', async () => {
    await property(fc.array(anyBadSubmit, { minLength: 1, maxLength: 4 }), async (items) => {
      count('SubmitJobs items', items.length);
      const { responses, outcome } = await raw.submitJobs(
        items.map(({ job }, index) => encodeSubmitJobsItem(`r${index}:`, job)),
      );
      expect(outcome.code).toBe(status.OK);
      expect(responses).toHaveLength(items.length);
      items.forEach(({ field }, index) => {
        const response = responses.find((candidate) => candidate.ref === `r${index}:`);
        expect(response?.error).toMatchObject({
          code: status.INVALID_ARGUMENT,
          field: `job.${field}`,
        });
      });
    });
  });

  it('answers an item without a job, or with a ref that is not UTF-8, naming that field', async () => {
    await property(fc.tuple(fc.boolean(), invalidUtf8()), async ([missingJob, badRef]) => {
      count('SubmitJobs items');
      const item = missingJob
        ? encodeSubmitJobsItem('r', undefined)
        : encodeSubmitJobsItem(badRef, VALID_JOB);
      const { responses, outcome } = await raw.submitJobs([item]);
      expect(outcome.code).toBe(status.OK);
      expect(responses[0]?.error).toMatchObject({
        code: status.INVALID_ARGUMENT,
        field: missingJob ? 'job' : 'ref',
      });
    });
  });
});

describe('GetJob and CancelJob with bad input', () => {
  it.each(['GetJob', 'CancelJob'] as const)(
    '%s names job_id for anything that is not a job id',
    async (method) => {
      await property(badJobId, async (jobId) => {
        count(method);
        expectRejected(await raw.unary(method, encodeJobIdRequest(jobId)), 'job_id');
      });
    },
  );

  it.each(['GetJob', 'CancelJob'] as const)(
    '%s answers NOT_FOUND for a well-formed unknown id',
    async (method) => {
      await property(
        wellFormedJobId.filter((id) => id !== knownJobId),
        async (jobId) => {
          count(method);
          const outcome = await raw.unary(method, encodeJobIdRequest(jobId));
          expect({ code: outcome.code, field: outcome.field }).toEqual({
            code: status.NOT_FOUND,
            field: 'job_id',
          });
        },
      );
    },
  );
});

describe('WatchJobs with bad input', () => {
  it('names job_ids when any id is not a job id', async () => {
    await property(
      fc.tuple(
        fc.array(wellFormedJobId, { maxLength: 5 }),
        badJobId,
        fc.array(wellFormedJobId, { maxLength: 5 }),
      ),
      async ([before, badId, after]) => {
        count('WatchJobs');
        expectRejected(await raw.watch(encodeWatchJobs([...before, badId, ...after])), 'job_ids');
      },
    );
  });

  it('names job_ids for no ids, and for one more distinct id than allowed', async () => {
    count('WatchJobs', 2);
    expectRejected(await raw.watch(encodeWatchJobs([])), 'job_ids');
    const tooMany = Array.from({ length: DEFAULT_MAX_WATCH_JOBS + 1 }, (_, index) =>
      unknownJobId(index),
    );
    expectRejected(await raw.watch(encodeWatchJobs(tooMany)), 'job_ids');
  });

  it('accepts exactly the allowed number of ids (then NOT_FOUND: none exists)', async () => {
    count('WatchJobs');
    const atLimit = Array.from({ length: DEFAULT_MAX_WATCH_JOBS }, (_, index) =>
      unknownJobId(index),
    );
    const outcome = await raw.watch(encodeWatchJobs(atLimit));
    expect(outcome.code).toBe(status.NOT_FOUND);
  });

  it('treats repeated ids as one: a known job streams, an unknown one is NOT_FOUND', async () => {
    await property(
      fc.tuple(fc.integer({ min: 2, max: 50 }), fc.boolean()),
      async ([times, known]) => {
        count('WatchJobs');
        const id = known ? knownJobId : unknownJobId(7);
        const outcome = await raw.watch(encodeWatchJobs(Array.from({ length: times }, () => id)));
        expect(outcome.code).toBe(known ? status.OK : status.NOT_FOUND);
      },
    );
  });
});

describe('ListJobs, RetryJob and ListChannels with hostile input', () => {
  const LIST_FIELDS = [
    'channel',
    'states',
    'type',
    'group_key',
    'attributes',
    'created_after',
    'created_before',
    'page_size',
    'page_token',
  ];
  const listJobs = async (request: ListJobsRequest): Promise<CallFailure | 'OK'> => {
    const call = unary((callback) => system.client.raw.listJobs(request, callback));
    try {
      await call;
      return 'OK';
    } catch {
      return failureOf(call);
    }
  };
  const hostileList: fc.Arbitrary<ListJobsRequest> = fc.record({
    channel: fc.oneof(fc.constantFrom('', ...CHANNEL_NAMES), anyText(80)),
    states: fc.array(fc.integer({ min: -3, max: 12 }), { maxLength: 8 }),
    type: fc.oneof(fc.constantFrom('', ...DEFAULT_TYPES), anyText(80)),
    groupKey: fc.oneof(fc.constant(''), anyText(80)),
    attributes: fc.dictionary(anyText(80), anyText(300), { maxKeys: 20 }),
    createdAfter: fc.option(
      fc.date({ min: new Date(-1e13), max: new Date(2e13), noInvalidDate: true }),
      {
        nil: undefined,
      },
    ),
    createdBefore: fc.option(
      fc.date({ min: new Date(-1e13), max: new Date(2e13), noInvalidDate: true }),
      {
        nil: undefined,
      },
    ),
    pageSize: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    pageToken: fc.oneof(
      fc.constant(''),
      anyText(80),
      fc.base64String({ maxLength: 200 }).map((body) => `${body}.${body.slice(0, 22)}`),
    ),
  });

  it('answers any ListJobs request with OK or INVALID_ARGUMENT naming one of its fields', async () => {
    await property(hostileList, async (request) => {
      count('ListJobs');
      const outcome = await listJobs(request);
      if (outcome === 'OK') return;
      expect(outcome.code).toBe(status.INVALID_ARGUMENT);
      expect(LIST_FIELDS).toContain(outcome.field);
    });
  });

  it('refuses any change to a real page token, and its reuse with another filter', async () => {
    const page = await unary<ListJobsResponse>((callback) =>
      system.client.raw.listJobs({ ...EMPTY_LIST, pageSize: 1, pageToken: '' }, callback),
    );
    const token = page.nextPageToken;
    await property(
      fc.record({
        at: fc.nat({ max: token.length - 1 }),
        by: fc.constantFrom(...CROCKFORD, '-', '_', '.'),
      }),
      async ({ at, by }) => {
        fc.pre(token[at] !== by);
        count('ListJobs');
        const changed = token.slice(0, at) + by + token.slice(at + 1);
        const outcome = await listJobs({ ...EMPTY_LIST, pageToken: changed });
        expect(outcome).not.toBe('OK');
        expect(outcome === 'OK' ? undefined : outcome.field).toBe('page_token');
      },
    );
    count('ListJobs');
    const reused = await listJobs({ ...EMPTY_LIST, type: 'echo', pageToken: token });
    expect(reused === 'OK' ? undefined : reused.field).toBe('page_token');
  });

  it('names the field of each bad ListJobs value: negative page_size, unknown channel, type, state', async () => {
    const cases: [Partial<ListJobsRequest>, string][] = [
      [{ pageSize: -1 }, 'page_size'],
      [{ pageSize: -(2 ** 31) }, 'page_size'],
      [{ channel: 'no-such-channel' }, 'channel'],
      [{ type: 'no-such-type' }, 'type'],
      [{ channel: 'default', type: 'no-such-type' }, 'type'],
      [{ states: [99 as JobState] }, 'states'],
      [{ states: [-1 as JobState] }, 'states'],
    ];
    for (const [bad, field] of cases) {
      count('ListJobs');
      const outcome = await listJobs({ ...EMPTY_LIST, ...bad });
      expect({ bad, field: outcome === 'OK' ? 'OK' : outcome.field }).toEqual({ bad, field });
      expect(outcome === 'OK' ? undefined : outcome.code).toBe(status.INVALID_ARGUMENT);
    }
  });

  it('answers an inverted or empty time window with an empty last page', async () => {
    const at = new Date();
    for (const [createdAfter, createdBefore] of [
      [new Date(at.getTime() + 1), at],
      [at, at],
    ]) {
      count('ListJobs');
      const page = await unary<ListJobsResponse>((callback) =>
        system.client.raw.listJobs({ ...EMPTY_LIST, createdAfter, createdBefore }, callback),
      );
      expect({ jobs: page.jobs, next: page.nextPageToken }).toEqual({ jobs: [], next: '' });
    }
  });

  it('refuses a page token reused with any other filter field, naming page_token', async () => {
    const page = await unary<ListJobsResponse>((callback) =>
      system.client.raw.listJobs({ ...EMPTY_LIST, pageSize: 1 }, callback),
    );
    expect(page.nextPageToken).not.toBe('');
    const others: Partial<ListJobsRequest>[] = [
      { channel: 'default' },
      { states: [JobState.JOB_STATE_QUEUED] },
      { type: 'echo' },
      { groupKey: 'g' },
      { attributes: { team: 'blue' } },
      { createdAfter: new Date(0) },
      { createdBefore: new Date(Date.now() + 60_000) },
    ];
    for (const other of others) {
      count('ListJobs');
      const outcome = await listJobs({ ...EMPTY_LIST, ...other, pageToken: page.nextPageToken });
      expect({ other, field: outcome === 'OK' ? 'OK' : outcome.field }).toEqual({
        other,
        field: 'page_token',
      });
    }
    // The same filter with another page size is the same listing: the token goes on.
    count('ListJobs');
    expect(await listJobs({ ...EMPTY_LIST, pageSize: 2, pageToken: page.nextPageToken })).toBe(
      'OK',
    );
  });

  it("refuses a token signed with another deployment's key, though it is well formed for this filter", async () => {
    const page = await unary<ListJobsResponse>((callback) =>
      system.client.raw.listJobs({ ...EMPTY_LIST, pageSize: 1 }, callback),
    );
    const [body = ''] = page.nextPageToken.split('.');
    const { c: cursors } = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as {
      c: string[];
    };
    const foreign = new PageTokenCodec({ secret: generatePageTokenSecret() }).encode(
      'default',
      parseListJobsQuery(EMPTY_LIST, CHANNELS, DEFAULT_SUBMIT_LIMITS).filter,
      cursors,
    );
    expect(foreign.split('.')[0]).toBe(body);
    count('ListJobs');
    const outcome = await listJobs({ ...EMPTY_LIST, pageToken: foreign });
    expect(outcome === 'OK' ? 'OK' : [outcome.code, outcome.field]).toEqual([
      status.INVALID_ARGUMENT,
      'page_token',
    ]);
  });

  it('answers RetryJob of anything with job_id: INVALID_ARGUMENT, NOT_FOUND or FAILED_PRECONDITION', async () => {
    await property(
      fc.oneof(anyText(80), wellFormedJobId, fc.constant(knownJobId)),
      async (jobId) => {
        count('RetryJob');
        const outcome = await failureOf(
          unary((callback) => system.client.raw.retryJob({ jobId }, callback)),
        );
        expect([status.INVALID_ARGUMENT, status.NOT_FOUND, status.FAILED_PRECONDITION]).toContain(
          outcome.code,
        );
        expect(outcome.field).toBe('job_id');
      },
    );
  });

  it('answers ListChannels either way with the channels', async () => {
    for (const includeQueueStats of [false, true]) {
      count('ListChannels');
      const response = await unary<ListChannelsResponse>((callback) =>
        system.client.raw.listChannels({ includeQueueStats }, callback),
      );
      expect(response.channels.map((c) => c.name)).toEqual(CHANNEL_NAMES);
    }
  });
});
