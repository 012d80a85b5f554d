import { credentials, type ChannelCredentials } from '@grpc/grpc-js';

/**
 * TLS settings for a front behind a TLS listener (the NLB with a certificate).
 *
 * @example
 * ```ts
 * new SluiceClient({ endpoint: 'jobs.example.com:443', tls: { rootCerts: readFileSync('ca.pem') } });
 * ```
 */
export interface TlsOptions {
  /** PEM root certificates to trust; default: the system's roots. */
  rootCerts?: Buffer;
  /** PEM private key, for mutual TLS. */
  privateKey?: Buffer;
  /** PEM certificate chain, for mutual TLS. */
  certChain?: Buffer;
}

/**
 * Chooses the channel credentials: explicit credentials win, then TLS
 * (`true` for the system roots, or `TlsOptions`), else plaintext — what the
 * local runtime serves.
 *
 * @example
 * ```ts
 * const creds = resolveChannelCredentials({ tls: true }); // TLS with the system roots
 * ```
 */
export function resolveChannelCredentials(options: {
  credentials?: ChannelCredentials;
  tls?: boolean | TlsOptions;
}): ChannelCredentials {
  if (options.credentials !== undefined) return options.credentials;
  if (options.tls === undefined || options.tls === false) return credentials.createInsecure();
  if (options.tls === true) return credentials.createSsl();
  return credentials.createSsl(
    options.tls.rootCerts,
    options.tls.privateKey,
    options.tls.certChain,
  );
}
