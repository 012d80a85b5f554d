import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { Metadata } from '@grpc/grpc-js';
import { ApiKeyAuthenticator } from '../../container/auth/api-key-authenticator.js';
import { startFrontTestBed, type FrontTestBed } from '../../container/testing/front-test-bed.js';
import { keysTableNameOf } from '../../core/config/aws-config.js';
import { JOBS_TABLE_SCHEMA } from '../../core/jobs/table-schema.js';
import { generateApiKey, hashApiKey } from '../../core/keys/api-key-format.js';
import { ApiKeyStore } from '../../core/keys/api-key-store.js';
import { LEGACY_API_KEY_PARTITION_PREFIX } from '../../core/keys/legacy-api-keys.js';

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
let authenticator: ApiKeyAuthenticator;

beforeAll(async () => {
  bed = await startFrontTestBed('keys');
  const store = new ApiKeyStore({
    client: bed.clients.documents,
    tableName: keysTableNameOf(bed.resources),
  });
  authenticator = new ApiKeyAuthenticator({ store, cacheTtlMs: 0 });
  const { front } = await bed.startFront({ authenticator });
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
    expect(listed.stdout).toMatch(new RegExp(`^${keyId}  globex  tenant  \\S+  active\\n$`));
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

  it('creates an operator key with --role operator, which authenticates as an operator', async () => {
    const created = await sluice(['keys', 'create', '--tenant', 'ops', '--role', 'operator']);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain('(operator)');
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${created.stdout.trim()}`);
    expect(await authenticator.authenticate(metadata)).toEqual({ tenant: 'ops', role: 'operator' });
    const listed = await sluice(['keys', 'list', '--tenant', 'ops', '--json']);
    expect(JSON.parse(listed.stdout)).toMatchObject({ tenant: 'ops', role: 'operator' });
  });

  it('exits 2 for a role that is neither tenant nor operator', async () => {
    const run = await sluice(['keys', 'create', '--tenant', 'ops', '--role', 'admin']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--role');
  });

  it('shows the key commands with "keys --help"', async () => {
    const run = await sluice(['keys', '--help']);
    expect(run.code).toBe(0);
    for (const command of ['create', 'revoke', 'list', 'migrate']) {
      expect(run.stdout).toContain(command);
    }
  });

  it('moves the keys an older release kept in the jobs table, which then keep working', async () => {
    // A key as an older release stored it: in the jobs table, without a role.
    const { keyId, key } = generateApiKey();
    const pk = JOBS_TABLE_SCHEMA.partitionKey;
    await bed.clients.documents.send(
      new PutCommand({
        TableName: bed.resources.tableName,
        Item: {
          [pk]: `${LEGACY_API_KEY_PARTITION_PREFIX}${keyId}`,
          keyId,
          tenant: 'oldtimer',
          keyHash: hashApiKey(key).toString('hex'),
          label: '',
          createdAt: Date.now(),
        },
      }),
    );
    const migrated = await sluice(['keys', 'migrate', '--json']);
    expect(migrated.code).toBe(0);
    expect(JSON.parse(migrated.stdout)).toEqual({ moved: 1, alreadyMoved: 0 });
    const viaEnv = await sluice(['get', '01ARZ3NDEKTSV4RRFFQ69G5FAV', '--endpoint', endpoint], {
      SLUICE_API_KEY: key,
    });
    expect(viaEnv.stderr).toContain('NOT_FOUND');
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
