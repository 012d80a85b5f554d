import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SubmitJobRequest } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
/** Pack, install and build take a while on two shared cores; nothing here is timed. */
const PACKAGE_TEST_TIMEOUT_MS = 300_000;
/** Packages a client must never drag into its users' installs. */
const SERVER_PACKAGES = ['@aws-sdk/client-sqs', '@aws-sdk/client-dynamodb', 'pino', 'tsx', 'zod'];

/** What the consumer's ESM script does with the installed client, as a user would. */
const CONSUMER_SCRIPT = `
import { SluiceClient, SluiceClientError, json, isTerminalState } from '@sluice/client';

const client = new SluiceClient({ endpoint: process.argv[2] });
const { jobId } = await client.submit({ type: 'echo', payload: json({ hello: 'package' }) });
const states = [];
for await (const job of client.watch(jobId)) states.push(job.state);
const done = await client.get(jobId);
let accepted = 0;
for await (const item of client.submitMany([
  { ref: 'a', job: { type: 'echo', payload: json(1) } },
  { ref: 'b', job: { type: 'echo', payload: json(2) } },
])) if (item.error === undefined) accepted += 1;
let missing;
try {
  await client.get('01JD6Z8W5QK3R5V2N7X9Y4T1AB');
} catch (error) {
  missing = error instanceof SluiceClientError ? error.codeName : String(error);
}
client.close();
console.log(JSON.stringify({ jobId, states, terminal: isTerminalState(done.state), result: done.result?.json(), accepted, missing }));
`;

/** A TypeScript user of the client, type-checked against the package's declarations. */
const CONSUMER_TYPESCRIPT = `
import { SluiceClient, SluiceClientError, json, type Job, type SluiceClientOptions } from '@sluice/client';
import { DEFAULT_ENDPOINT } from '@sluice/client/defaults';

const options: SluiceClientOptions = { endpoint: DEFAULT_ENDPOINT, retry: { maxAttempts: 3 } };
const client = new SluiceClient(options);

export async function finished(jobId: string): Promise<Job> {
  try {
    return await client.waitFor(jobId);
  } catch (error) {
    if (error instanceof SluiceClientError && error.codeName === 'NOT_FOUND') throw new Error('gone');
    throw error;
  }
}

export async function submitted(): Promise<string> {
  const { jobId, duplicate }: { jobId: string; duplicate: boolean } = await client.submit({
    type: 'echo',
    payload: json({ a: 1 }),
  });
  return duplicate ? 'old ' + jobId : jobId;
}

export async function misused(): Promise<void> {
  // @ts-expect-error a job id is a string: the declarations say so, or this line fails the check
  await client.get(42);
}
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    types: ['node'],
  },
  files: ['consumer.ts'],
};

/** npm's own variables of the `npm test` that runs jest would point the child npm at this repository. */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')),
  );
}

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, env: npmEnv(), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

let system: TestSystem;
let consumer: string;

beforeAll(async () => {
  process.env.SLUICE_LOG_LEVEL = 'silent';
  consumer = await mkdtemp(join(tmpdir(), 'sluice-client-package-'));
  const packed = startPackedInstall(consumer);
  system = await startTestSystem();
  await packed;
}, PACKAGE_TEST_TIMEOUT_MS);

afterAll(async () => {
  await system?.stop();
  if (consumer !== undefined) await rm(consumer, { recursive: true, force: true });
});

/**
 * Packs @sluice/client (its `prepack` builds it) and installs the tarball into
 * `directory`, a project outside the repository, with @types/node for the
 * type-check — from the npm cache where it can.
 */
async function startPackedInstall(directory: string): Promise<void> {
  const manifest = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const packed = JSON.parse(
    await npm(
      ['pack', '--workspace', '@sluice/client', '--pack-destination', directory, '--json'],
      REPO,
    ),
  ) as { filename: string }[];
  const tarball = join(directory, packed[0]?.filename ?? '');
  await writeFile(
    join(directory, 'package.json'),
    JSON.stringify({ name: 'sluice-consumer', private: true, type: 'module' }),
  );
  await npm(
    [
      'install',
      tarball,
      `@types/node@${manifest.devDependencies['@types/node']}`,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
    ],
    directory,
  );
}

describe('the @sluice/client package', () => {
  it('installs from its tarball with only its own dependencies', async () => {
    const installed = await readdir(join(consumer, 'node_modules'), { recursive: true });
    for (const name of SERVER_PACKAGES) expect(installed).not.toContain(name);
    expect(installed).toEqual(expect.arrayContaining(['@grpc/grpc-js', '@bufbuild/protobuf']));
  });

  it('submits, watches, bulk-submits and reports errors from an ES module outside the repository', async () => {
    await writeFile(join(consumer, 'use-client.mjs'), CONSUMER_SCRIPT);
    const { stdout } = await run(process.execPath, ['use-client.mjs', system.runtime.endpoint], {
      cwd: consumer,
    });
    const outcome = JSON.parse(stdout) as Record<string, unknown>;
    expect(outcome).toMatchObject({
      terminal: true,
      result: { hello: 'package' },
      accepted: 2,
      missing: 'NOT_FOUND',
    });
    expect(outcome.states).toContain('SUCCEEDED');
  });

  it('type-checks a TypeScript user against the shipped declarations, which reject a misuse', async () => {
    await writeFile(join(consumer, 'consumer.ts'), CONSUMER_TYPESCRIPT);
    await writeFile(join(consumer, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
    await expect(
      run(process.execPath, [TSC, '-p', consumer], { cwd: consumer }),
    ).resolves.toBeDefined();
  });

  it('ships the sluice CLI: it gets a job from a running front', async () => {
    const { stdout: version } = await run(
      join(consumer, 'node_modules', '.bin', 'sluice'),
      ['--version'],
      {
        cwd: consumer,
      },
    );
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const submitted = await system.client.submit(
      SubmitJobRequest.fromPartial({
        channel: 'default',
        type: 'echo',
        payload: Buffer.from('{}'),
      }),
    );
    const { stdout } = await run(
      join(consumer, 'node_modules', '.bin', 'sluice'),
      ['get', submitted.jobId, '--json', '--endpoint', system.runtime.endpoint],
      { cwd: consumer },
    );
    expect(JSON.parse(stdout)).toMatchObject({ jobId: submitted.jobId, type: 'echo' });
  });
});
