import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ApiKeyAuthenticator } from '../../container/auth/api-key-authenticator.js';
import { ApiKeyStore } from '../../container/auth/api-key-store.js';
import { startFrontTestBed, type FrontTestBed } from '../../container/testing/front-test-bed.js';

const BIN = fileURLToPath(new URL('../bin.mjs', import.meta.url));
const CHILD_TIMEOUT_MS = 45_000;
const KEY_PATTERN = /^sluice_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

let bed: FrontTestBed;
let endpoint: string;

beforeAll(async () => {
  bed = await startFrontTestBed('keys');
  const store = new ApiKeyStore({
    client: bed.clients.documents,
    tableName: bed.resources.tableName,
  });
  const { front } = await bed.startFront({
    authenticator: new ApiKeyAuthenticator({ store, cacheTtlMs: 0 }),
  });
  endpoint = `127.0.0.1:${front.grpcPort}`;
});
afterAll(() => bed.stop());

/** Runs `sluice …` with the test bed's AWS settings in the environment, as an operator would. */
function sluice(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { ...process.env, ...bed.frontEnv, SLUICE_API_KEY: '', ...env },
        timeout: CHILD_TIMEOUT_MS,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('sluice keys', () => {
  it('creates a key, prints it once on stdout, and the key then works with --api-key', async () => {
    const created = await sluice(['keys', 'create', '--tenant', 'acme', '--label', 'ci']);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    const keyId = KEY_PATTERN.exec(key)?.[1];
    expect(keyId).toBeDefined();
    expect(created.stderr).toContain(`Created API key ${keyId}`);
    expect(created.stderr).not.toContain(key);

    const submitted = await sluice([
      'submit',
      '--endpoint',
      endpoint,
      '--api-key',
      key,
      '--type',
      'echo',
      '--payload',
      '{}',
    ]);
    expect(submitted.code).toBe(0);
    const jobId = submitted.stdout.trim();
    expect(await bed.table.get({ tenant: 'acme', jobId })).toBeDefined();

    const viaEnv = await sluice(['get', jobId, '--endpoint', endpoint], { SLUICE_API_KEY: key });
    expect(viaEnv.code).toBe(0);
  });

  it('exits 1 with UNAUTHENTICATED when no key is given to a front that wants one', async () => {
    const run = await sluice(['get', '01ARZ3NDEKTSV4RRFFQ69G5FAV', '--endpoint', endpoint]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('UNAUTHENTICATED');
  });

  it('lists keys without the secret and revokes one, after which it is refused', async () => {
    const created = await sluice(['keys', 'create', '--tenant', 'globex', '--json']);
    const { key, keyId } = JSON.parse(created.stdout) as { key: string; keyId: string };

    const listed = await sluice(['keys', 'list', '--tenant', 'globex']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${keyId}  globex  \\S+  active\\n$`));
    expect(listed.stdout).not.toContain(key.slice(-43));

    const revoked = await sluice(['keys', 'revoke', keyId]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('revoked');

    const refused = await sluice(['get', '01ARZ3NDEKTSV4RRFFQ69G5FAV', '--endpoint', endpoint], {
      SLUICE_API_KEY: key,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('revoked');
  });

  it('exits 2 for a bad tenant name and 1 for revoking a key that does not exist', async () => {
    const badTenant = await sluice(['keys', 'create', '--tenant', 'Not Valid']);
    expect(badTenant.code).toBe(2);
    expect(badTenant.stderr).toContain('tenant');
    const unknown = await sluice(['keys', 'revoke', 'ffffffffffffffff']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no API key ffffffffffffffff');
  });
});
