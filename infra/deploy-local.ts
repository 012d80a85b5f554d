// `npm run deploy:local [-- <cdk deploy options>]`: bootstraps and deploys the stack into a
// running LocalStack with the plain `cdk` CLI (≥ 2.177 honours AWS_ENDPOINT_URL), as
// LocalStack's docs do it. Ambient credentials and profiles are dropped, so it can never
// reach a real account. LocalStack accepts but ignores the queues' high-throughput settings.
import { spawnSync } from 'node:child_process';

/** LocalStack's edge endpoint (its docs' default); an AWS_ENDPOINT_URL already set wins. */
const DEFAULT_ENDPOINT = 'http://localhost.localstack.cloud:4566';
/** The host LocalStack serves S3 virtual-host-style buckets under, as `s3.<host>`. */
const VIRTUAL_HOST_CAPABLE = 'localhost.localstack.cloud';
/** LocalStack's mock credentials (its default account 000000000000). */
const MOCK_CREDENTIAL = 'test';
const DEFAULT_REGION = 'us-east-1';
/** The exit code when cdk died without one (killed by a signal). */
const EXIT_FAILURE = 1;
/** Variables that could point the CLI at a real account. */
const AMBIENT_AWS_VARIABLES = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
];

function s3Endpoint(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.hostname === VIRTUAL_HOST_CAPABLE) url.hostname = `s3.${url.hostname}`;
  return url.toString().replace(/\/$/, '');
}

function localStackEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of AMBIENT_AWS_VARIABLES) delete env[name];
  const endpoint = process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT;
  const region = process.env.AWS_REGION ?? DEFAULT_REGION;
  return {
    ...env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_S3: s3Endpoint(endpoint),
    AWS_ACCESS_KEY_ID: MOCK_CREDENTIAL,
    AWS_SECRET_ACCESS_KEY: MOCK_CREDENTIAL,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    CDK_DISABLE_VERSION_CHECK: '1',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

function cdk(args: readonly string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync('cdk', args, { stdio: 'inherit', env });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? EXIT_FAILURE);
}

const env = localStackEnvironment();
process.stderr.write(`deploying to LocalStack at ${env.AWS_ENDPOINT_URL} (${env.AWS_REGION})\n`);
cdk(['bootstrap', '--no-notices'], env);
cdk(['deploy', '--no-notices', '--require-approval', 'never', ...process.argv.slice(2)], env);
