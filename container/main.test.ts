import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { credentials, Metadata, status } from '@grpc/grpc-js';
import { startManagedProcess } from '../local/process/managed-process.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  JobServiceClient,
  type ListJobsResponse,
  type SubmitJobResponse,
} from '../proto/gen/ts/sluice/v1/job_service.js';
import { KEYS_TABLE_SCHEMA, PAGE_TOKEN_SECRET_ITEM } from '../core/keys/keys-table-schema.js';
import { ApiKeyStore } from '../core/keys/api-key-store.js';
import { startAwsTestBed, type AwsTestBed } from './testing/aws-test-bed.js';
import { failureOf, submitRequest, unary } from './testing/front-test-bed.js';
import { keysTableNameOf } from '../core/config/aws-config.js';

/** ECS kills a task this long after SIGTERM. */
const ECS_STOP_TIMEOUT_MS = 30_000;
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

let bed: AwsTestBed;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  bed = await startAwsTestBed({ tableName: 'main-jobs', queuePrefix: 'main' });
  env = { ...process.env, ...bed.frontEnv, SLUICE_LOG_LEVEL: 'info' };
});

afterAll(() => bed.stop());

/** Runs the entrypoint to its exit; resolves with its exit code and output. */
function runToExit(
  extraEnv: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('container/main.ts', () => {
  it('prints one ready line with its ports, serves, logs JSON only, and exits 0 on SIGTERM', async () => {
    const lines: string[] = [];
    const front = await startManagedProcess({
      name: 'front',
      nodeArgs: ['--import', 'tsx', MAIN],
      env,
      onOutput: (line) => lines.push(line),
    });
    expect(Object.keys(front.ready)).toEqual(['sluice', 'grpcPort', 'healthPort', 'webPort']);
    const { grpcPort, healthPort } = front.ready as unknown as {
      grpcPort: number;
      healthPort: number;
    };

    const client = new JobServiceClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
    const ack = await unary<SubmitJobResponse>((callback) =>
      client.submitJob(submitRequest(), callback),
    );
    expect(ack.jobId).toHaveLength(26);
    expect((await fetch(`http://127.0.0.1:${healthPort}/`)).status).toBe(200);
    client.close();

    // SIGKILL only after ECS's stop timeout: 0 means it stopped by itself before that.
    expect(await front.stop(ECS_STOP_TIMEOUT_MS)).toBe(0);
    const logs = lines.filter((line) => line.startsWith('{'));
    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(logs.some((line) => line.includes('"front stopped"'))).toBe(true);
  });

  it('requires an API key unless SLUICE_AUTH=open, and files jobs under the key’s tenant', async () => {
    const { SLUICE_AUTH: _open, ...defaults } = env;
    const front = await startManagedProcess({
      name: 'front',
      nodeArgs: ['--import', 'tsx', MAIN],
      env: { ...defaults, SLUICE_LOG_LEVEL: 'silent' },
    });
    const client = new JobServiceClient(
      `127.0.0.1:${String(front.ready.grpcPort)}`,
      credentials.createInsecure(),
    );
    try {
      const refused = await failureOf(
        unary<SubmitJobResponse>((callback) => client.submitJob(submitRequest(), callback)),
      );
      expect(refused.code).toBe(status.UNAUTHENTICATED);

      const store = new ApiKeyStore({
        client: bed.clients.documents,
        tableName: keysTableNameOf(bed.resources),
      });
      const { key } = await store.create('acme');
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${key}`);
      const ack = await unary<SubmitJobResponse>((callback) =>
        client.submitJob(submitRequest(), metadata, callback),
      );
      expect(await bed.table.get({ tenant: 'acme', jobId: ack.jobId })).toMatchObject({
        state: 'QUEUED',
      });
    } finally {
      client.close();
      await front.stop();
    }
  });

  it('gives every front on the same tables one page-token key: a page token from one front pages on another', async () => {
    const { SLUICE_PAGE_TOKEN_SECRET: _unset, ...shared } = env;
    const start = () =>
      startManagedProcess({
        name: 'front',
        nodeArgs: ['--import', 'tsx', MAIN],
        env: { ...shared, SLUICE_LOG_LEVEL: 'silent' },
      });
    // Started together, so both may find no key and race to create it.
    const fronts = await Promise.all([start(), start()]);
    const clients = fronts.map(
      (front) =>
        new JobServiceClient(
          `127.0.0.1:${String(front.ready.grpcPort)}`,
          credentials.createInsecure(),
        ),
    );
    try {
      const [first, second] = clients as [JobServiceClient, JobServiceClient];
      const attributes = { run: 'two-fronts' };
      const submitted: string[] = [];
      for (let i = 0; i < 3; i++) {
        const ack = await unary<SubmitJobResponse>((callback) =>
          first.submitJob(submitRequest({ attributes }), callback),
        );
        submitted.push(ack.jobId);
      }
      const listed: string[] = [];
      let pageToken = '';
      let page = 0;
      do {
        // Alternate fronts, as a load balancer may: each page's token was issued by the other one.
        const client = page % 2 === 0 ? first : second;
        const response = await unary<ListJobsResponse>((callback) =>
          client.listJobs(
            { channel: '', states: [], type: '', groupKey: '', attributes, pageSize: 1, pageToken },
            callback,
          ),
        );
        listed.push(...response.jobs.map((job) => job.jobId));
        pageToken = response.nextPageToken;
        page++;
      } while (pageToken !== '');
      expect(page).toBeGreaterThan(2);
      expect(listed.sort()).toEqual(submitted.sort());
      const { Item } = await bed.clients.documents.send(
        new GetCommand({
          TableName: keysTableNameOf(bed.resources),
          Key: { [KEYS_TABLE_SCHEMA.partitionKey]: PAGE_TOKEN_SECRET_ITEM.keyId },
        }),
      );
      expect(typeof Item?.[PAGE_TOKEN_SECRET_ITEM.secretAttribute]).toBe('string');
    } finally {
      for (const client of clients) client.close();
      await Promise.all(fronts.map((front) => front.stop()));
    }
  });

  it('exits 1 naming the variable when the configuration is invalid', async () => {
    const { code, stdout, stderr } = await runToExit({ SLUICE_PORT: 'not-a-port' });
    expect(code).toBe(1);
    expect(stderr).toContain('SLUICE_PORT');
    expect(stdout).not.toContain('"sluice":"ready"');
  });

  it('exits 1 when its queues do not exist', async () => {
    const { code, stdout } = await runToExit({ SLUICE_QUEUE_PREFIX: 'nothing-here' });
    expect(code).toBe(1);
    expect(stdout).toContain('the front could not start');
    expect(stdout).not.toContain('"sluice":"ready"');
  });
});
