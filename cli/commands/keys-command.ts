import type { Command } from 'commander';
import { createAwsClients, destroyAwsClients } from '../../core/aws/aws-clients.js';
import { readAwsEnvironment } from '../../core/config/aws-config.js';
import { ValidationError } from '../../core/errors/index.js';
import { API_KEY_ID_PATTERN } from '../../container/auth/api-key-format.js';
import { ApiKeyStore, type ApiKeySummary } from '../../container/auth/api-key-store.js';
import type { CliIo } from '../cli-io.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import type { GlobalOptions } from '../global-options.js';
import { UsageError } from '../usage-error.js';

/** Runs `work` with an API key store on the table the environment names, then closes the clients. */
async function withStore<T>(work: (store: ApiKeyStore) => Promise<T>): Promise<T> {
  // The pinned SDK supports Node 20; its notice about future releases would bury the key.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { aws, resources } = readAwsEnvironment(process.env);
  const clients = createAwsClients(aws);
  try {
    return await work(
      new ApiKeyStore({ client: clients.documents, tableName: resources.tableName }),
    );
  } catch (error) {
    if (error instanceof ValidationError) throw new UsageError(error.message);
    throw error;
  } finally {
    destroyAwsClients(clients);
  }
}

function summaryLine(key: ApiKeySummary): string {
  const revoked =
    key.revokedAt === undefined ? 'active' : `revoked ${new Date(key.revokedAt).toISOString()}`;
  const label = key.label === '' ? '' : `  ${key.label}`;
  return `${key.keyId}  ${key.tenant}  ${new Date(key.createdAt).toISOString()}  ${revoked}${label}\n`;
}

/**
 * `sluice keys create|revoke|list`: manages API keys directly in the jobs
 * table with the AWS credentials, region and endpoint of the environment
 * (`AWS_*`, `SLUICE_TABLE_NAME`) — an operator's job, never done over gRPC.
 * `create` prints the key once on stdout (details on stderr); only its hash
 * is stored.
 *
 * @example
 * ```ts
 * addKeysCommand(program, io, setExitCode); // sluice keys create --tenant acme
 * ```
 */
export function addKeysCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  const keys = program
    .command('keys')
    .description(
      'create, revoke and list API keys (writes the jobs table with AWS credentials from the environment)',
    );

  keys
    .command('create')
    .description('create an API key for a tenant and print it (it is shown only this once)')
    .requiredOption('--tenant <name>', 'the tenant every call with this key acts as')
    .option('--label <text>', 'what the key is for', '')
    .action(async (options: { tenant: string; label: string }, command: Command) => {
      const { json } = command.optsWithGlobals<GlobalOptions>();
      const { key, record } = await withStore((store) =>
        store.create(options.tenant, { label: options.label }),
      );
      if (json === true) {
        const { keyHash: _hash, ...summary } = record;
        io.stdout.write(`${JSON.stringify({ ...summary, key })}\n`);
      } else {
        io.stdout.write(`${key}\n`);
        io.stderr.write(
          `Created API key ${record.keyId} for tenant "${record.tenant}". Store it now: it cannot be shown again.\n`,
        );
      }
      setExitCode(EXIT_OK);
    });

  keys
    .command('revoke')
    .description('revoke an API key (fronts refuse it within their cache TTL, at most 30 s)')
    .argument('<keyId>', 'the key id (the 16 hex digits after "sluice_")')
    .action(async (keyId: string, _options: unknown, command: Command) => {
      const { json } = command.optsWithGlobals<GlobalOptions>();
      if (!API_KEY_ID_PATTERN.test(keyId)) {
        throw new UsageError('a key id is 16 hexadecimal digits (the part after "sluice_")');
      }
      const revoked = await withStore((store) => store.revoke(keyId));
      if (revoked === undefined) {
        io.stderr.write(`sluice: no API key ${keyId}\n`);
        setExitCode(EXIT_FAILURE);
        return;
      }
      const { keyHash: _hash, ...summary } = revoked;
      io.stdout.write(json === true ? `${JSON.stringify(summary)}\n` : summaryLine(summary));
      setExitCode(EXIT_OK);
    });

  keys
    .command('list')
    .description('list API keys (id, tenant, created, revoked, label); never the keys')
    .option('--tenant <name>', 'only this tenant’s keys')
    .action(async (options: { tenant?: string }, command: Command) => {
      const { json } = command.optsWithGlobals<GlobalOptions>();
      const listed = await withStore((store) => store.list({ tenant: options.tenant }));
      for (const key of listed) {
        io.stdout.write(json === true ? `${JSON.stringify(key)}\n` : summaryLine(key));
      }
      setExitCode(EXIT_OK);
    });

  for (const command of keys.commands) command.exitOverride();
}
