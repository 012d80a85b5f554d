import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** A day is plenty for a test run. */
const VALIDITY_DAYS = '1';

/** A throwaway certificate and key in PEM files (the certificate is its own CA). */
export interface SelfSignedCertificate {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
  /** Deletes the files. */
  remove(): Promise<void>;
}

/**
 * Generates a self-signed P-256 certificate for `localhost` and 127.0.0.1
 * with the machine's `openssl` (Node has no certificate generator), so TLS
 * tests need no checked-in key. Throws naming `openssl` when it is missing.
 *
 * @example
 * ```ts
 * const certificate = await createSelfSignedCertificate();
 * const front = await startFront({ ...options, tls: { certChain: certificate.cert, privateKey: certificate.key } });
 * ```
 */
export async function createSelfSignedCertificate(): Promise<SelfSignedCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  try {
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      VALIDITY_DAYS,
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error('could not generate a test certificate: is `openssl` installed?', {
      cause: error,
    });
  }
  return {
    certFile,
    keyFile,
    cert: await readFile(certFile),
    key: await readFile(keyFile),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
