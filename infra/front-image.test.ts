import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLE_ENTRY } from '../container/build/bundle-front.js';
import { runtimeNodeVersion } from '../test/support/runtime-node.js';
import { GRPC_PORT, HEALTH_PORT, WEB_PORT } from './constructs/front-service.js';
import { FUNCTION_RUNTIME } from './constructs/queue-function.js';
import { CONTAINER_DIR } from './project-paths.js';

/** Where the Dockerfile puts container/dist/. */
const APP_DIR = '/app';

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
async function dockerInstructions(): Promise<{ keyword: string; args: string }[]> {
  const text = await readFile(join(CONTAINER_DIR, 'Dockerfile'), 'utf8');
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

async function instruction(keyword: string): Promise<string[]> {
  return (await dockerInstructions()).filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** An exec-form instruction's argument list (JSON), or undefined in shell form. */
function execForm(args: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) ? parsed.map(String) : undefined;
  } catch {
    return undefined;
  }
}

describe('container/Dockerfile (the image the stack deploys)', () => {
  it('starts from a Node 24 slim image pinned to a release', async () => {
    const from = await instruction('FROM');
    expect(from.at(-1)).toMatch(/(^|\/)node:24\.\d+\.\d+-[a-z]+-slim(@sha256:[0-9a-f]{64})?$/);
  });

  it('uses the Node line of the Lambda runtime, which the bundle tests run on when given', async () => {
    const from = (await instruction('FROM')).at(-1) ?? '';
    const imageMajor = /node:(\d+)\./.exec(from)?.[1];
    expect(FUNCTION_RUNTIME.name).toBe(`nodejs${imageMajor}.x`);
    // .ci/run sets SLUICE_RUNTIME_NODE to that line, so the shipped bundles are tested on it.
    if (process.env.SLUICE_RUNTIME_NODE !== undefined && process.env.SLUICE_RUNTIME_NODE !== '') {
      expect(runtimeNodeVersion()).toMatch(new RegExp(`^v${imageMajor}\\.`));
    }
  });

  it('runs as a non-root user', async () => {
    const users = await instruction('USER');
    expect(users.at(-1)).toBeDefined();
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it('copies the bundle and runs exactly the file the build writes, in exec form', async () => {
    expect(await instruction('COPY')).toContainEqual(expect.stringMatching(/dist\/ \/app\/$/));
    const [cmd] = await instruction('CMD');
    expect(execForm(cmd ?? '')).toEqual(['node', `${APP_DIR}/${BUNDLE_ENTRY}`]);
    expect(await instruction('ENTRYPOINT')).toEqual([]);
  });

  it('checks its health on the HTTP health port, in exec form', async () => {
    const [healthcheck] = await instruction('HEALTHCHECK');
    const command = execForm(healthcheck?.replace(/^.*?\bCMD\s+/, '') ?? '');
    expect(command?.join(' ')).toContain('SLUICE_HEALTH_PORT');
  });

  it('lets only the bundle into the build context', async () => {
    const ignore = await readFile(join(CONTAINER_DIR, '.dockerignore'), 'utf8');
    const rules = ignore
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(rules).toEqual(['*', '!dist/']);
  });

  it('serves gRPC, health and the dashboard on the ports the stack routes to', async () => {
    const env = (await instruction('ENV')).join(' ');
    expect(env).toContain(`SLUICE_PORT=${GRPC_PORT}`);
    expect(env).toContain(`SLUICE_HEALTH_PORT=${HEALTH_PORT}`);
    expect(env).toContain(`SLUICE_WEB_PORT=${WEB_PORT}`);
    const exposed = (await instruction('EXPOSE')).flatMap((args) => args.split(/\s+/));
    expect(exposed).toEqual(expect.arrayContaining([GRPC_PORT, HEALTH_PORT, WEB_PORT].map(String)));
  });
});
