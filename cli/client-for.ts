import { readFileSync } from 'node:fs';
import { SluiceClient, type SluiceClientOptions, type TlsOptions } from '@sluice/client';
import type { GlobalOptions } from './global-options.js';
import { UsageError } from './usage-error.js';

/**
 * Creates the client a command calls, from the global options.
 *
 * @example
 * ```ts
 * const client = clientFor(command.optsWithGlobals<GlobalOptions>());
 * ```
 */
export function clientFor(options: GlobalOptions, extra: SluiceClientOptions = {}): SluiceClient {
  return new SluiceClient({
    endpoint: options.endpoint,
    apiKey: options.apiKey === '' ? undefined : options.apiKey,
    tls: tlsFor(options),
    ...extra,
  });
}

function tlsFor(options: GlobalOptions): boolean | TlsOptions {
  if (options.tlsCaFile === undefined || options.tlsCaFile === '') return options.tls === true;
  try {
    return { rootCerts: readFileSync(options.tlsCaFile) };
  } catch (error) {
    throw new UsageError(
      `cannot read --tls-ca-file ${options.tlsCaFile}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
