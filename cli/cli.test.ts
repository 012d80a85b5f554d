import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestSystem, type TestSystem } from '../test/support/test-runtime.js';

const BIN = fileURLToPath(new URL('./bin.mjs', import.meta.url));
const CHILD_TIMEOUT_MS = 45_000;
/** Failing jobs a bulk retry test submits. */
const BULK_JOBS = 5;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

let system: TestSystem;
let directory: string;

beforeAll(async () => {
  process.env.SLUICE_LOG_LEVEL = 'silent';
  [system, directory] = await Promise.all([
    startTestSystem(),
    mkdtemp(join(tmpdir(), 'sluice-cli-')),
  ]);
});

afterAll(async () => {
  await system?.stop();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

/** Runs `node cli/bin.mjs …` from a directory outside the repo, as a user would. */
function sluice(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: directory, env: { ...process.env, ...env }, timeout: CHILD_TIMEOUT_MS },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('sluice CLI', () => {
  it('submits an echo job, waits and prints its result', async () => {
    const run = await sluice([
      'submit',
      '--type',
      'echo',
      '--payload',
      '{"a":1}',
      '--wait',
      '--endpoint',
      system.runtime.endpoint,
    ]);
    expect(run.code).toBe(0);
    const [jobId, ...result] = run.stdout.trim().split('\n');
    expect(jobId).toMatch(/^\w{20,}$/);
    expect(JSON.parse(result.join('\n'))).toEqual({ a: 1 });
    expect(run.stderr).toContain('SUCCEEDED');
  });

  it('lists a failed job, retries it once however often asked, and lists the channels', async () => {
    const env = { SLUICE_ENDPOINT: system.runtime.endpoint };
    const failed = await sluice(
      ['submit', '--type', 'fail', '--payload', '{"message":"again"}', '--wait'],
      env,
    );
    const jobId = failed.stdout.trim().split('\n')[0] ?? '';
    const listed = await sluice(['list', '--state', 'FAILED', '--since', '1h', '--json'], env);
    expect(listed.code).toBe(0);
    const ids = listed.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { jobId: string }).jobId);
    expect(ids).toContain(jobId);
    const first = await sluice(['retry', jobId, '--json'], env);
    const second = await sluice(['retry', jobId, '--json'], env);
    expect(first.code).toBe(0);
    const [a, b] = [first, second].map(
      (run) => JSON.parse(run.stdout) as { jobId: string; duplicate: boolean },
    );
    expect(a).toMatchObject({ duplicate: false });
    expect(b).toMatchObject({ duplicate: true, jobId: a?.jobId });
    const channels = await sluice(['channels', '--stats'], env);
    expect(channels.stdout).toMatch(/^default\techo/m);
  });

  it('retries every failed job of a filter page by page; run again, it creates nothing new', async () => {
    const env = { SLUICE_ENDPOINT: system.runtime.endpoint };
    const run = `bulk-${Date.now()}`;
    const file = join(directory, 'failing.jsonl');
    const lines = Array.from({ length: BULK_JOBS }, (_, index) =>
      JSON.stringify({ type: 'fail', payload: { message: `bulk ${index}` }, attributes: { run } }),
    );
    await writeFile(file, `${lines.join('\n')}\n`);
    const submitted = await sluice(['submit-many', file, '--wait', '--json'], env);
    const originals = jsonLines(submitted.stdout)
      .filter((line) => line.state === 'FAILED')
      .map((line) => line.jobId as string);
    expect(originals).toHaveLength(BULK_JOBS);
    // One of them was retried by hand before; that retry failed too.
    const byHand = JSON.parse(
      (await sluice(['retry', originals[0] ?? '', '--json'], env)).stdout,
    ) as { jobId: string };
    await sluice(['watch', byHand.jobId], env);

    const filter = ['retry', '--state', 'FAILED', '--attr', `run=${run}`, '--since', '1h'];
    const first = await sluice([...filter, '--page-size', '2', '--json'], env);
    expect(first.code).toBe(0);
    const firstLines = jsonLines(first.stdout);
    expect(firstLines.at(-1)?.summary).toMatchObject({
      listed: BULK_JOBS + 1,
      retried: BULK_JOBS - 1,
      duplicates: 1,
      skipped: 1,
      refused: 0,
    });
    expect((firstLines.at(-1)?.summary as { pages: number }).pages).toBeGreaterThan(1);
    // stderr is no terminal here: a plain progress line per page, no bar.
    expect(first.stderr).toMatch(/^retry: page 1, listed \d+/m);
    const created = firstLines
      .filter((line) => line.outcome === 'retried')
      .map((line) => line.retriedAs as string);
    expect(created).toHaveLength(BULK_JOBS - 1);
    await sluice(['watch', ...created], env);

    const second = await sluice([...filter, '--json'], env);
    expect(second.code).toBe(0);
    expect(jsonLines(second.stdout).at(-1)?.summary).toMatchObject({
      retried: 0,
      duplicates: BULK_JOBS,
      skipped: BULK_JOBS,
      refused: 0,
    });
    const all = await sluice(['list', '--attr', `run=${run}`, '--json'], env);
    expect(jsonLines(all.stdout)).toHaveLength(2 * BULK_JOBS);
  });

  it('refuses a bulk retry without a state or of a state that cannot be retried', async () => {
    const env = { SLUICE_ENDPOINT: system.runtime.endpoint };
    const none = await sluice(['retry', '--channel', 'default'], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--state');
    const succeeded = await sluice(['retry', '--state', 'SUCCEEDED'], env);
    expect(succeeded.code).toBe(2);
    expect(succeeded.stderr).toContain('SUCCEEDED cannot be retried');
  });

  it('exits 3 and prints the error when the awaited job fails', async () => {
    const run = await sluice(
      ['submit', '--type', 'fail', '--payload', '{"message":"no luck"}', '--wait'],
      {
        SLUICE_ENDPOINT: system.runtime.endpoint,
      },
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/FAILED.*no luck/);
  });

  it('gets, watches and refuses to cancel a finished job, as JSON', async () => {
    const env = { SLUICE_ENDPOINT: system.runtime.endpoint };
    const submitted = await sluice(
      ['submit', '--type', 'sha256', '--payload', '"x"', '--json', '--wait'],
      env,
    );
    const { jobId } = JSON.parse(submitted.stdout) as { jobId: string };

    const got = await sluice(['get', jobId, '--json'], env);
    expect(JSON.parse(got.stdout)).toMatchObject({ jobId, state: 'SUCCEEDED', type: 'sha256' });

    const watched = await sluice(['watch', jobId, '--json'], env);
    expect(watched.code).toBe(0);
    expect(JSON.parse(watched.stdout.trim().split('\n').at(-1) ?? '')).toMatchObject({
      state: 'SUCCEEDED',
    });

    const cancelled = await sluice(['cancel', jobId], env);
    expect(cancelled.code).toBe(1);
    expect(cancelled.stderr).toContain('FAILED_PRECONDITION');
  });

  it('streams a JSON-lines file, reports rejections with reasons and waits for the jobs', async () => {
    const file = join(directory, 'jobs.jsonl');
    const lines = Array.from({ length: 20 }, (_, index) =>
      JSON.stringify({ type: 'echo', payload: { index } }),
    );
    lines[4] = '{not json';
    lines[9] = JSON.stringify({ ref: 'bad-type', type: 'no-such-type' });
    await writeFile(file, `${lines.join('\n')}\n`);
    const run = await sluice([
      'submit-many',
      file,
      '--json',
      '--wait',
      '--endpoint',
      system.runtime.endpoint,
    ]);
    expect(run.code).toBe(3);
    const output = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const { summary } = output.at(-1) as { summary: Record<string, unknown> };
    expect(summary).toMatchObject({
      accepted: 18,
      duplicates: 0,
      rejected: 2,
      states: { SUCCEEDED: 18 },
    });
    expect(output).toEqual(expect.arrayContaining([expect.objectContaining({ ref: 'line:5' })]));
    const badType = output.find((line) => line.ref === 'bad-type');
    expect(badType?.error).toMatchObject({ codeName: 'INVALID_ARGUMENT' });
  });

  it('exits 2 on a payload that is not JSON, before calling anything', async () => {
    const run = await sluice([
      'submit',
      '--type',
      'echo',
      '--payload',
      '{oops',
      '--endpoint',
      '127.0.0.1:1',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--payload must be JSON');
  });
});
