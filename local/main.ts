import { parseArgs } from 'node:util';
import { z } from 'zod';
import { keysTableNameOf } from '../core/config/aws-config.js';
import { createLogger } from '../core/logging/logger.js';
import { startTelemetry } from '../core/telemetry/start-telemetry.js';
import { DEFAULT_LOCAL_PORT, DEFAULT_LOCAL_WEB_PORT, startLocalRuntime } from './local-runtime.js';

const envSchema = z.object({
  SLUICE_PORT: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_LOCAL_PORT),
  SLUICE_HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).default(0),
  SLUICE_WEB_PORT: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_LOCAL_WEB_PORT),
  AWS_ENDPOINT_URL: z.url().optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  SLUICE_AUTH: z.enum(['open', 'api-keys']).optional(),
});

// The SDK versions pinned here support Node 20; its notice about future versions
// needing Node 22 would only bury the output (children inherit this).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `npm start -- --auth` requires API keys, as the deployed front does; the default is open.
const { values: args } = parseArgs({ options: { auth: { type: 'boolean', default: false } } });
// The consumers run in this process; the front (a child) reads the same OTEL_* variables.
const telemetry = await startTelemetry({ serviceName: 'sluice-local-consumers' });
const logger = createLogger('local');
const env = envSchema.parse(process.env);
const auth = args.auth ? 'api-keys' : (env.SLUICE_AUTH ?? 'open');
const runtime = await startLocalRuntime({
  port: env.SLUICE_PORT,
  healthPort: env.SLUICE_HEALTH_PORT,
  webPort: env.SLUICE_WEB_PORT,
  awsEndpoint: env.AWS_ENDPOINT_URL,
  region: env.AWS_REGION,
  logger,
  frontEnv: { SLUICE_AUTH: auth },
  onOutput: (line) => process.stderr.write(`${line}\n`),
  // Each job attempt's metrics, in the EMF a consumer writes on Lambda (same names and units).
  onJobMetrics: (line) => process.stdout.write(`${line}\n`),
});

function authLines(): string[] {
  if (auth === 'open')
    return [
      'Auth: open (every caller is tenant "default" with the operator role; `npm start -- --auth` requires API keys).',
    ];
  const dynamo = runtime.aws.dynamoEndpoint ?? runtime.aws.endpoint ?? '';
  return [
    'Auth: API keys (send "authorization: Bearer <key>"). Create one — it is printed once:',
    `  AWS_ENDPOINT_URL_DYNAMODB=${dynamo} SLUICE_KEYS_TABLE_NAME=${keysTableNameOf(runtime.resources)} npx sluice keys create --tenant acme`,
  ];
}

const where =
  env.AWS_ENDPOINT_URL ??
  `embedded emulators (SQS ${runtime.aws.sqsEndpoint}, DynamoDB ${runtime.aws.dynamoEndpoint})`;
process.stdout.write(
  [
    '',
    `Sluice is running on ${runtime.endpoint} (gRPC, plaintext), health on http://127.0.0.1:${runtime.healthPort}/`,
    `Dashboard: http://127.0.0.1:${runtime.webPort}/ (also Connect and gRPC-Web for browsers)`,
    `AWS: ${where}`,
    ...authLines(),
    '',
    'Try:',
    `  npx sluice submit --endpoint ${runtime.endpoint}${auth === 'open' ? '' : ' --api-key <key>'} --type echo --payload '{"hello":"world"}' --wait`,
    `  grpcurl -plaintext${auth === 'open' ? '' : " -H 'authorization: Bearer <key>'"} -d '{"channel":"default","type":"sha256","payload":"aGVsbG8="}' ${runtime.endpoint} sluice.v1.JobService/SubmitJob`,
    '',
    'Ctrl-C stops everything.',
    '',
  ].join('\n'),
);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('Stopping…\n');
  runtime
    .stop()
    .then(() => telemetry.shutdown())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
