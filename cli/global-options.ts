import { Option, type Command } from 'commander';
// The defaults alone: declaring the options must not load gRPC (`sluice --version`).
import { DEFAULT_ENDPOINT } from '@sluice/client/defaults';

/**
 * The options every command accepts (before or after the command name).
 *
 * @example
 * ```ts
 * const { endpoint, json } = command.optsWithGlobals<GlobalOptions>();
 * ```
 */
export interface GlobalOptions {
  endpoint: string;
  apiKey?: string;
  tls?: boolean;
  tlsCaFile?: string;
  json?: boolean;
}

/**
 * Declares `--endpoint` (env `SLUICE_ENDPOINT`), `--api-key` (env
 * `SLUICE_API_KEY`), `--tls`, `--tls-ca-file` (env `SLUICE_TLS_CA_FILE`) and
 * `--json` on the root command.
 *
 * @example
 * ```ts
 * addGlobalOptions(new Command('sluice'));
 * ```
 */
export function addGlobalOptions(program: Command): Command {
  return program
    .addOption(
      new Option('--endpoint <host:port>', 'the Sluice front to call')
        .env('SLUICE_ENDPOINT')
        .default(DEFAULT_ENDPOINT),
    )
    .addOption(
      new Option('--api-key <key>', 'sent as "authorization: Bearer <key>"').env('SLUICE_API_KEY'),
    )
    .option('--tls', 'connect with TLS (system root certificates)')
    .addOption(
      new Option(
        '--tls-ca-file <path>',
        'connect with TLS, trusting the PEM certificates in this file (implies --tls)',
      ).env('SLUICE_TLS_CA_FILE'),
    )
    .option('--json', 'print machine-readable JSON instead of text');
}
