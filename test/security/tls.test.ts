import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConnectTimeoutError, SluiceClient, json } from '../../client/index.js';
import { startManagedProcess, type ManagedProcess } from '../../local/process/managed-process.js';
import { startFrontTestBed, type FrontTestBed } from '../../container/testing/front-test-bed.js';
import {
  createSelfSignedCertificate,
  type SelfSignedCertificate,
} from '../../container/testing/self-signed-certificate.js';
import { clientFailure } from '../support/client-failure.js';

const FRONT_MAIN = fileURLToPath(new URL('../../container/main.ts', import.meta.url));
const CLI_BIN = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));
const CHILD_TIMEOUT_MS = 45_000;
const FAIL_FAST = { connectTimeoutMs: 1_000, retry: { maxAttempts: 1 } };
const UNKNOWN_JOB = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

let bed: FrontTestBed;
let certificate: SelfSignedCertificate;
let endpoint: string;
const clients: SluiceClient[] = [];

beforeAll(async () => {
  [bed, certificate] = await Promise.all([startFrontTestBed('tls'), createSelfSignedCertificate()]);
  const { front } = await bed.startFront({
    tls: { certChain: certificate.cert, privateKey: certificate.key },
  });
  endpoint = `127.0.0.1:${front.grpcPort}`;
});

afterAll(async () => {
  for (const client of clients) client.close();
  await bed.stop();
  await certificate.remove();
});

function client(options: ConstructorParameters<typeof SluiceClient>[0]): SluiceClient {
  const created = new SluiceClient({ endpoint, ...FAIL_FAST, ...options });
  clients.push(created);
  return created;
}

describe('TLS', () => {
  it('serves a client that trusts the front’s certificate', async () => {
    const trusting = client({ tls: { rootCerts: certificate.cert } });
    const { jobId } = await trusting.submit({ type: 'echo', payload: json({}) });
    expect((await trusting.get(jobId)).state).toBe('QUEUED');
  });

  it('never connects a plaintext client', async () => {
    const plaintext = client({});
    expect(await clientFailure(plaintext.get(UNKNOWN_JOB))).toBeInstanceOf(ConnectTimeoutError);
  });

  it('is never connected to by a client that does not trust the certificate', async () => {
    const systemRoots = client({ tls: true });
    expect(await clientFailure(systemRoots.get(UNKNOWN_JOB))).toBeInstanceOf(ConnectTimeoutError);
  });

  it('is served by container/main.ts from SLUICE_TLS_* files and reached by the CLI with --tls-ca-file', async () => {
    let front: ManagedProcess | undefined;
    try {
      front = await startManagedProcess({
        name: 'tls-front',
        nodeArgs: ['--import', 'tsx', FRONT_MAIN],
        env: {
          ...process.env,
          ...bed.frontEnv,
          SLUICE_TLS_CERT_FILE: certificate.certFile,
          SLUICE_TLS_KEY_FILE: certificate.keyFile,
        },
      });
      const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [
            CLI_BIN,
            'get',
            UNKNOWN_JOB,
            '--endpoint',
            `127.0.0.1:${String(front?.ready.grpcPort)}`,
            '--tls-ca-file',
            certificate.certFile,
          ],
          { timeout: CHILD_TIMEOUT_MS },
          (error, _stdout, stderr) =>
            resolve({ code: error === null ? 0 : Number(error.code), stderr }),
        );
      });
      // NOT_FOUND came over the TLS connection: the handshake and the call both worked.
      expect(run.stderr).toContain('NOT_FOUND');
      expect(run.code).toBe(1);
    } finally {
      await front?.stop();
    }
  });

  it('refuses to start with a certificate but no key, naming the missing variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', FRONT_MAIN], {
      env: { ...process.env, ...bed.frontEnv, SLUICE_TLS_CERT_FILE: certificate.certFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('SLUICE_TLS_KEY_FILE');
  });
});
