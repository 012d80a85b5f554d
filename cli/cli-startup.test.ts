import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Server, ServerCredentials } from '@grpc/grpc-js';

const run = promisify(execFile);
/** The `sluice` that @sluice/client ships, as `npm ci` (or `npm test`'s pretest) built it. */
const SHIPPED_BIN = fileURLToPath(new URL('../client/dist/cli/sluice.js', import.meta.url));
/** Logs every module URL the process resolves (module hooks run in their own thread). */
const TRACE_HOOKS = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.SLUICE_TRACE_FILE, resolved.url + '\\n');
  return resolved;
}
`;
const TRACE_REGISTER = `
import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(TRACE_HOOKS)}`)});
`;

let directory: string;
/** A gRPC server with no services: every call fails at once (UNIMPLEMENTED), never retried. */
let server: Server;
let endpoint: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'sluice-cli-startup-'));
  await writeFile(join(directory, 'trace.mjs'), TRACE_REGISTER);
  server = new Server();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  endpoint = `127.0.0.1:${port}`;
});

afterAll(async () => {
  server?.forceShutdown();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

/** Runs the shipped `sluice` with `args` and lists the modules it loaded. */
async function loadedModules(args: string[], name: string): Promise<string[]> {
  const traceFile = join(directory, `${name}.trace`);
  await writeFile(traceFile, '');
  await run(process.execPath, ['--import', join(directory, 'trace.mjs'), SHIPPED_BIN, ...args], {
    env: { ...process.env, SLUICE_TRACE_FILE: traceFile },
  }).catch(() => undefined); // a failing command still shows what it loaded
  return (await readFile(traceFile, 'utf8')).split('\n').filter((line) => line !== '');
}

async function bashCompletions(line: string): Promise<string[]> {
  const script = (await run(process.execPath, [SHIPPED_BIN, 'completion', 'bash'])).stdout;
  await writeFile(join(directory, 'sluice.bash'), script);
  const words = line.split(' ');
  const { stdout } = await run('bash', [
    '-c',
    `source ${join(directory, 'sluice.bash')}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _sluice; printf '%s\\n' "\${COMPREPLY[@]}"`,
  ]);
  return stdout.split('\n').filter((word) => word !== '');
}

describe('sluice start-up', () => {
  it('prints its version without loading gRPC or any command', async () => {
    const loaded = await loadedModules(['--version'], 'version');
    expect(loaded.some((url) => url.endsWith('/sluice.js'))).toBe(true);
    expect(loaded.filter((url) => url.includes('grpc-js') || url.includes('-command-'))).toEqual(
      [],
    );
  });

  it('loads gRPC and the get command for a get, but not the bulk-submit code', async () => {
    const loaded = await loadedModules(
      ['get', '01JD6Z8W5QK3R5V2N7X9Y4T1AB', '--endpoint', endpoint],
      'get',
    );
    expect(loaded.some((url) => url.includes('get-command-'))).toBe(true);
    expect(loaded.some((url) => url.includes('grpc-js'))).toBe(true);
    expect(loaded.filter((url) => /submit|watch|cancel|completion/.test(url))).toEqual([]);
  });
});

describe('sluice completion', () => {
  it('completes command names in bash', async () => {
    expect(await bashCompletions('sluice sub')).toEqual(['submit', 'submit-many']);
  });

  it("completes a command's own options after global options with values", async () => {
    expect(await bashCompletions('sluice --endpoint localhost:1 submit --ty')).toEqual(['--type']);
  });

  it('writes a zsh script that defines the completion function', async () => {
    const { stdout } = await run(process.execPath, [SHIPPED_BIN, 'completion', 'zsh']);
    expect(stdout.startsWith('#compdef sluice\n')).toBe(true);
    expect(stdout).toContain("'--payload-file[the input as the bytes of a file]:file:_files'");
  });

  it('refuses a shell it does not know with a usage error', async () => {
    const failure = await run(process.execPath, [SHIPPED_BIN, 'completion', 'fish']).catch(
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect(failure.stderr).toContain('fish');
  });
});
