import { Command, Option } from 'commander';
import { createAwsClients, destroyAwsClients } from '../../core/aws/aws-clients.js';
import { keysTableNameOf, readAwsEnvironment } from '../../core/config/aws-config.js';
import { ValidationError } from '../../core/errors/index.js';
import { API_KEY_ID_PATTERN } from '../../core/keys/api-key-format.js';
import { API_KEY_ROLES, DEFAULT_API_KEY_ROLE } from '../../core/keys/api-key-role.js';
import { ApiKeyStore, type ApiKeySummary } from '../../core/keys/api-key-store.js';
import { migrateLegacyApiKeys } from '../../core/keys/legacy-api-keys.js';
import type { CliIo } from '../cli-io.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import type { GlobalOptions } from '../global-options.js';
import { UsageError } from '../usage-error.js';

/** The AWS clients and table names one `sluice keys` command works with. */
interface KeysContext {
  store: ApiKeyStore;
  documents: ReturnType<typeof createAwsClients>['documents'];
  jobsTableName: string;
}

/** Runs `work` against the tables the environment names, then closes the clients. */
async function withStore<T>(work: (context: KeysContext) => Promise<T>): Promise<T> {
  // The pinned SDK supports Node 20; its notice about future releases would bury the key.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { aws, resources } = readAwsEnvironment(process.env);
  const clients = createAwsClients(aws);
  try {
    return await work({
      store: new ApiKeyStore({ client: clients.documents, tableName: keysTableNameOf(resources) }),
      documents: clients.documents,
      jobsTableName: resources.tableName,
    });
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
  return `${key.keyId}  ${key.tenant}  ${key.role}  ${new Date(key.createdAt).toISOString()}  ${revoked}${label}\n`;
}

/** `sluice keys …`'s own command tree (its global options come from the parent's parse). */
function keysProgram(
  globals: GlobalOptions,
  io: CliIo,
  setExitCode: (code: number) => void,
): Command {
  const json = globals.json === true;
  const keys = new Command('sluice keys')
    .description(
      'create, revoke, list and migrate API keys in the keys table (SLUICE_KEYS_TABLE_NAME), with AWS credentials from the environment',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  keys
    .command('create')
    .description('create an API key for a tenant and print it (it is shown only this once)')
    .requiredOption('--tenant <name>', 'the tenant every call with this key acts as')
    .addOption(
      new Option('--role <role>', 'operator keys may also see figures shared by all tenants')
        .choices(API_KEY_ROLES)
        .default(DEFAULT_API_KEY_ROLE),
    )
    .option('--label <text>', 'what the key is for', '')
    .action(async (options: { tenant: string; role: string; label: string }) => {
      const { key, record } = await withStore(({ store }) =>
        store.create(options.tenant, { label: options.label, role: options.role }),
      );
      if (json) {
        const { keyHash: _hash, ...summary } = record;
        io.stdout.write(`${JSON.stringify({ ...summary, key })}\n`);
      } else {
        io.stdout.write(`${key}\n`);
        io.stderr.write(
          `Created API key ${record.keyId} (${record.role}) for tenant "${record.tenant}". Store it now: it cannot be shown again.\n`,
        );
      }
      setExitCode(EXIT_OK);
    });

  keys
    .command('revoke')
    .description('revoke an API key (fronts refuse it within their cache TTL, at most 30 s)')
    .argument('<keyId>', 'the key id (the 16 hex digits after "sluice_")')
    .action(async (keyId: string) => {
      if (!API_KEY_ID_PATTERN.test(keyId)) {
        throw new UsageError('a key id is 16 hexadecimal digits (the part after "sluice_")');
      }
      const revoked = await withStore(({ store }) => store.revoke(keyId));
      if (revoked === undefined) {
        io.stderr.write(`sluice: no API key ${keyId}\n`);
        setExitCode(EXIT_FAILURE);
        return;
      }
      const { keyHash: _hash, ...summary } = revoked;
      io.stdout.write(json ? `${JSON.stringify(summary)}\n` : summaryLine(summary));
      setExitCode(EXIT_OK);
    });

  keys
    .command('list')
    .description('list API keys (id, tenant, role, created, revoked, label); never the keys')
    .option('--tenant <name>', 'only this tenant’s keys')
    .action(async (options: { tenant?: string }) => {
      const listed = await withStore(({ store }) => store.list({ tenant: options.tenant }));
      for (const key of listed) {
        io.stdout.write(json ? `${JSON.stringify(key)}\n` : summaryLine(key));
      }
      setExitCode(EXIT_OK);
    });

  keys
    .command('migrate')
    .description(
      'move the API keys of an older release from the jobs table (SLUICE_TABLE_NAME) to the keys table; they keep working, with the tenant role',
    )
    .action(async () => {
      const result = await withStore(({ store, documents, jobsTableName }) =>
        migrateLegacyApiKeys({ client: documents, jobsTableName, store }),
      );
      io.stdout.write(
        json
          ? `${JSON.stringify(result)}\n`
          : `Moved ${result.moved} API key(s) to the keys table (${result.alreadyMoved} were there already).\n`,
      );
      setExitCode(EXIT_OK);
    });

  for (const command of keys.commands) command.exitOverride();
  return keys;
}

/**
 * Runs `sluice keys create|revoke|list|migrate` on `args` (what follows
 * `keys`): manages API keys directly in the keys table with the AWS
 * credentials, region and endpoint of the environment (`AWS_*`,
 * `SLUICE_KEYS_TABLE_NAME`; `migrate` also `SLUICE_TABLE_NAME`) — an
 * operator's job, never done over gRPC. `create` prints the key once on
 * stdout (details on stderr); only its hash is stored. The CLI loads this
 * module only for `sluice keys`, so the job commands never load the AWS SDK.
 *
 * @example
 * ```ts
 * await runKeysCommand(['create', '--tenant', 'acme', '--role', 'operator'], { endpoint, json: false }, io, setExitCode);
 * ```
 */
export async function runKeysCommand(
  args: readonly string[],
  globals: GlobalOptions,
  io: CliIo,
  setExitCode: (code: number) => void,
): Promise<void> {
  await keysProgram(globals, io, setExitCode).parseAsync(args, { from: 'user' });
}
