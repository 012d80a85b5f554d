// The front's entrypoint: `node --import tsx container/main.ts` locally, an esbuild bundle in the image.
// Reads its settings from the environment, serves, prints one ready line
// {"sluice":"ready","grpcPort":N,"healthPort":M,"webPort":W} on stdout, and drains on SIGTERM/SIGINT.
import { readFileSync } from 'node:fs';
import { createAwsClients, destroyAwsClients, resolveAwsRegion } from '../core/aws/aws-clients.js';
import { resolveChannelQueues } from '../core/aws/queue-directory.js';
import { CHANNELS } from '../core/channels/channels.js';
import { JobsTable } from '../core/jobs/jobs-table.js';
import { createLogger } from '../core/logging/logger.js';
import { ApiKeyAuthenticator } from './auth/api-key-authenticator.js';
import { ApiKeyStore } from '../core/keys/api-key-store.js';
import { PageTokenSecretStore } from './list/page-token-secret-store.js';
import type { Authenticator } from './auth/authenticator.js';
import { OpenAuthenticator } from './auth/open-authenticator.js';
import { LeasedRateLimiter } from './limits/leased-rate-limiter.js';
import { readFrontConfig, type FrontConfig } from './config/front-config.js';
import { startFront, type FrontTls } from './server/start-front.js';
import { findWebRoot } from './web/static-files.js';
import { keysTableNameOf } from '../core/config/aws-config.js';
import { startTelemetry } from '../core/telemetry/start-telemetry.js';

/** Exit code of a front that could not start or stop cleanly. */
const EXIT_FAILURE = 1;
/** Time beyond the shutdown grace for flushing the producers and exiting. */
const FLUSH_ALLOWANCE_MS = 5_000;

function readConfigOrExit(): FrontConfig {
  try {
    return readFrontConfig(process.env);
  } catch (error) {
    process.stderr.write(
      `sluice front: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(EXIT_FAILURE);
  }
}

/** Reads the TLS certificate and key files, or exits naming the one that cannot be read. */
function readTlsOrExit(files: FrontConfig['tls']): FrontTls | undefined {
  if (files === undefined) return undefined;
  const read = (variable: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      process.stderr.write(
        `sluice front: cannot read ${variable} (${path}): ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(EXIT_FAILURE);
    }
  };
  return {
    certChain: read('SLUICE_TLS_CERT_FILE', files.certFile),
    privateKey: read('SLUICE_TLS_KEY_FILE', files.keyFile),
  };
}

// Before anything else, so every span from the first call on is exported (no-op unless OTEL_* ask).
const telemetry = await startTelemetry({ serviceName: 'sluice-front' });
const config = readConfigOrExit();
const tls = readTlsOrExit(config.tls);
const logger = createLogger('front', config.logLevel);
process.on('uncaughtException', (error) => {
  logger.fatal({ err: error }, 'uncaught exception');
  process.exit(EXIT_FAILURE);
});
process.on('unhandledRejection', (reason) => {
  logger.fatal({ err: reason }, 'unhandled rejection');
  process.exit(EXIT_FAILURE);
});

const clients = createAwsClients(config.aws);
try {
  logger.info({ region: await resolveAwsRegion(clients) }, 'AWS region');
} catch (error) {
  logger.fatal({ err: error }, 'cannot start');
  process.exit(EXIT_FAILURE);
}
const authenticator: Authenticator =
  config.auth.mode === 'open'
    ? new OpenAuthenticator()
    : new ApiKeyAuthenticator({
        store: new ApiKeyStore({
          client: clients.documents,
          tableName: keysTableNameOf(config.resources),
        }),
        cacheTtlMs: config.auth.cacheTtlMs,
      });
logger.info({ auth: config.auth.mode }, 'authentication mode');
// With a limits table the submit rate holds for the deployment; without, per front.
const limitsTableName = config.resources.limitsTableName;
const submitLimiter =
  config.submitRate === undefined || limitsTableName === undefined
    ? undefined
    : new LeasedRateLimiter({
        client: clients.documents,
        tableName: limitsTableName,
        ratePerSecond: config.submitRate.ratePerSecond,
        logger: logger.child({ part: 'rate-limiter' }),
      });
logger.info(
  {
    submitRatePerTenant: config.submitRate?.ratePerSecond,
    scope: submitLimiter === undefined ? 'front' : 'deployment',
  },
  'submit rate limit',
);
const front = await (async () => {
  try {
    const queues = await resolveChannelQueues(clients.sqs, CHANNELS, config.resources.queuePrefix);
    // One key for every front of the deployment: the configured one, or the keys table's.
    const pageTokenSecret =
      config.pageTokenSecret ??
      (await new PageTokenSecretStore({
        client: clients.documents,
        tableName: keysTableNameOf(config.resources),
      }).ensure());
    return await startFront({
      sqs: clients.sqs,
      dynamodb: clients.dynamodb,
      table: new JobsTable({
        client: clients.documents,
        tableName: config.resources.tableName,
        listShards: config.resources.listShards,
      }),
      queues,
      channels: CHANNELS,
      host: config.host,
      port: config.port,
      healthPort: config.healthPort,
      webPort: config.web.port,
      webRoot: findWebRoot(config.web.root),
      webAllowedOrigins: config.web.allowedOrigins,
      producer: config.producer,
      watch: config.watch,
      streamMaxInFlight: config.streamMaxInFlight,
      maxWatchJobs: config.maxWatchJobs,
      grpc: config.grpc,
      limits: config.limits,
      submitRate: config.submitRate,
      pageTokenSecret,
      submitLimiter,
      shutdownGraceMs: config.shutdownGraceMs,
      protoDir: config.protoDir,
      authenticator,
      tls,
      logger,
    });
  } catch (error) {
    logger.fatal({ err: error }, 'the front could not start');
    destroyAwsClients(clients);
    process.exit(EXIT_FAILURE);
  }
})();

process.stdout.write(
  `${JSON.stringify({ sluice: 'ready', grpcPort: front.grpcPort, healthPort: front.healthPort, webPort: front.webPort })}\n`,
);

let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting now');
    process.exit(EXIT_FAILURE);
  }
  stopping = true;
  logger.info({ signal }, 'stopping');
  setTimeout(() => {
    logger.error('shutdown took too long: exiting');
    process.exit(EXIT_FAILURE);
  }, config.shutdownGraceMs + FLUSH_ALLOWANCE_MS).unref();
  front
    .shutdown()
    .then(() => telemetry.shutdown())
    .then(
      () => {
        destroyAwsClients(clients);
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(EXIT_FAILURE);
      },
    );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Started by the local runtime or a test over IPC: go when the parent goes, even after a
// SIGKILL of the parent. Its pipes (where the logs go) and the emulators went with it, so
// there is nothing to drain and nothing to log: exit at once. In a container there is no
// IPC channel and this does nothing.
if (process.channel !== undefined) {
  process.on('disconnect', () => process.exit(EXIT_FAILURE));
  process.channel.unref();
}
