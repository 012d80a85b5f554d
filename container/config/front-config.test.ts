import { ValidationError } from '../../core/errors/index.js';
import { readFrontConfig } from './front-config.js';

function fieldOf(env: NodeJS.ProcessEnv): string | undefined {
  try {
    readFrontConfig(env);
  } catch (error) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
  return undefined;
}

describe('readFrontConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    expect(readFrontConfig({})).toMatchObject({
      host: '0.0.0.0',
      port: 50051,
      healthPort: 8080,
      logLevel: 'info',
      resources: { tableName: 'sluice-jobs', queuePrefix: 'sluice' },
      producer: {
        lingerMs: 5,
        idleLingerMs: 0,
        maxBatchBytes: 262_144,
        maxInFlightBatches: 8,
        maxPending: 4_096,
      },
      streamMaxInFlight: 256,
      watch: { fastIntervalMs: 10, slowIntervalMs: 500 },
      maxWatchJobs: 1_000,
      shutdownGraceMs: 15_000,
      grpc: { keepaliveTimeMs: 300_000 },
      auth: { mode: 'api-keys', cacheTtlMs: 10_000 },
      tls: undefined,
      limits: {
        maxPayloadBytes: 184_320,
        maxAttributes: 16,
        maxAttributeKeyLength: 64,
        maxAttributeValueLength: 256,
      },
      submitRate: { ratePerSecond: 5_000, burst: 10_000 },
    });
    expect(readFrontConfig({}).grpc).toMatchObject({
      maxReceiveMessageBytes: 1_048_576,
      maxConcurrentStreams: 128,
    });
  });

  it('reads the limits, the rate (0 = unlimited, burst two seconds’ worth by default) and TLS files', () => {
    const config = readFrontConfig({
      SLUICE_MAX_PAYLOAD_BYTES: '1000',
      SLUICE_MAX_ATTRIBUTES: '4',
      SLUICE_GRPC_MAX_CONCURRENT_STREAMS: '8',
      SLUICE_GRPC_MAX_RECEIVE_MESSAGE_BYTES: '65536',
      SLUICE_SUBMIT_RATE_PER_TENANT: '50',
      SLUICE_TLS_CERT_FILE: '/etc/sluice/cert.pem',
      SLUICE_TLS_KEY_FILE: '/etc/sluice/key.pem',
    });
    expect(config).toMatchObject({
      limits: { maxPayloadBytes: 1000, maxAttributes: 4 },
      grpc: { maxConcurrentStreams: 8, maxReceiveMessageBytes: 65_536 },
      submitRate: { ratePerSecond: 50, burst: 100 },
      tls: { certFile: '/etc/sluice/cert.pem', keyFile: '/etc/sluice/key.pem' },
    });
    expect(readFrontConfig({ SLUICE_SUBMIT_RATE_PER_TENANT: '0' }).submitRate).toBeUndefined();
  });

  it('runs open only when SLUICE_AUTH=open says so', () => {
    expect(readFrontConfig({ SLUICE_AUTH: 'open' }).auth.mode).toBe('open');
  });

  it('treats an empty variable as unset', () => {
    expect(readFrontConfig({ SLUICE_PORT: '', AWS_ENDPOINT_URL: '' })).toMatchObject({
      port: 50051,
      aws: { endpoint: undefined },
    });
  });

  it('reads the tunables', () => {
    const config = readFrontConfig({
      SLUICE_PORT: '0',
      SLUICE_BATCH_LINGER_MS: '2',
      SLUICE_PRODUCER_MAX_PENDING: '100',
      SLUICE_WATCH_FAST_INTERVAL_MS: '20',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
    });
    expect(config).toMatchObject({
      port: 0,
      producer: { lingerMs: 2, maxPending: 100 },
      watch: { fastIntervalMs: 20 },
      aws: { endpoint: 'http://127.0.0.1:4566' },
    });
  });

  it('reads the maximum connection age and its grace, and leaves both unset by default', () => {
    expect(
      readFrontConfig({
        SLUICE_GRPC_MAX_CONNECTION_AGE_MS: '300000',
        SLUICE_GRPC_MAX_CONNECTION_AGE_GRACE_MS: '30000',
      }).grpc,
    ).toMatchObject({ maxConnectionAgeMs: 300_000, maxConnectionAgeGraceMs: 30_000 });
    expect(readFrontConfig({}).grpc).toMatchObject({
      maxConnectionAgeMs: undefined,
      maxConnectionAgeGraceMs: undefined,
    });
  });

  it.each<[string, NodeJS.ProcessEnv]>([
    ['SLUICE_PORT', { SLUICE_PORT: '70000' }],
    ['SLUICE_HEALTH_PORT', { SLUICE_HEALTH_PORT: 'http' }],
    ['SLUICE_LOG_LEVEL', { SLUICE_LOG_LEVEL: 'loud' }],
    ['SLUICE_SHUTDOWN_GRACE_MS', { SLUICE_SHUTDOWN_GRACE_MS: '60000' }],
    ['SLUICE_GRPC_KEEPALIVE_TIME_MS', { SLUICE_GRPC_KEEPALIVE_TIME_MS: '400000' }],
    [
      'SLUICE_WATCH_SLOW_INTERVAL_MS',
      { SLUICE_WATCH_FAST_INTERVAL_MS: '100', SLUICE_WATCH_SLOW_INTERVAL_MS: '50' },
    ],
    ['SLUICE_TABLE_NAME', { SLUICE_TABLE_NAME: 'x' }],
    ['SLUICE_AUTH', { SLUICE_AUTH: 'none' }],
    ['SLUICE_TLS_KEY_FILE', { SLUICE_TLS_CERT_FILE: '/etc/sluice/cert.pem' }],
    ['SLUICE_MAX_PAYLOAD_BYTES', { SLUICE_MAX_PAYLOAD_BYTES: '200000' }],
    [
      'SLUICE_MAX_PAYLOAD_BYTES',
      { SLUICE_MAX_ATTRIBUTES: '64', SLUICE_MAX_ATTRIBUTE_VALUE_LENGTH: '4096' },
    ],
    ['SLUICE_GRPC_MAX_RECEIVE_MESSAGE_BYTES', { SLUICE_GRPC_MAX_RECEIVE_MESSAGE_BYTES: '65536' }],
    ['SLUICE_GRPC_MAX_CONCURRENT_STREAMS', { SLUICE_GRPC_MAX_CONCURRENT_STREAMS: '0' }],
    ['SLUICE_SUBMIT_RATE_PER_TENANT', { SLUICE_SUBMIT_RATE_PER_TENANT: '-1' }],
    ['SLUICE_AUTH_CACHE_TTL_MS', { SLUICE_AUTH_CACHE_TTL_MS: '30001' }],
    ['AWS_ENDPOINT_URL', { AWS_ENDPOINT_URL: 'not a url' }],
    ['SLUICE_GRPC_MAX_CONNECTION_AGE_MS', { SLUICE_GRPC_MAX_CONNECTION_AGE_MS: '10' }],
    [
      'SLUICE_GRPC_MAX_CONNECTION_AGE_GRACE_MS',
      { SLUICE_GRPC_MAX_CONNECTION_AGE_GRACE_MS: '30000' },
    ],
  ])('names %s when it is invalid', (field, env) => {
    expect(fieldOf(env)).toBe(field);
  });
});
