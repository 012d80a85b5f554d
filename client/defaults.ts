import manifest from './package.json' with { type: 'json' };

/**
 * The defaults `SluiceClient` applies, importable without loading gRPC: for
 * command lines, config screens and help texts that show them before (or
 * without) connecting. `@sluice/client` exports the same values.
 *
 * @example
 * ```ts
 * import { DEFAULT_ENDPOINT } from '@sluice/client/defaults';
 * console.log(`calls ${process.env.SLUICE_ENDPOINT ?? DEFAULT_ENDPOINT}`);
 * ```
 */
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_DEADLINE_MS,
  DEFAULT_ENDPOINT,
  DEFAULT_KEEPALIVE_TIME_MS,
  DEFAULT_KEEPALIVE_TIMEOUT_MS,
} from './sluice-client-options.js';

/**
 * The version of this client package (what `sluice --version` prints).
 *
 * @example
 * ```ts
 * console.log(`@sluice/client ${CLIENT_VERSION}`);
 * ```
 */
export const CLIENT_VERSION: string = manifest.version;
