import { tracingEnabled } from './tracing-enabled.js';

/** A process's telemetry: what it must flush before freezing and shut down before exiting. */
export interface Telemetry {
  /** Whether spans are recorded and exported. */
  readonly tracing: boolean;
  /** Exports the spans ended so far (a Lambda calls it before returning: it freezes after). */
  flush(): Promise<void>;
  /** Exports what is left and stops the SDK. */
  shutdown(): Promise<void>;
}

/** Options of `startTelemetry`. */
export interface TelemetryOptions {
  /** `service.name` when `OTEL_SERVICE_NAME` does not set one (e.g. `sluice-front`). */
  serviceName: string;
  /** The environment read: the standard `OTEL_*` variables. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

const DISABLED: Telemetry = Object.freeze({
  tracing: false,
  flush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
});

/**
 * Starts OpenTelemetry tracing from the standard variables
 * (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_PROTOCOL` — `http/json`,
 * `http/protobuf` or `grpc` —, `OTEL_TRACES_EXPORTER`, `OTEL_TRACES_SAMPLER` and
 * `_ARG`, `OTEL_SERVICE_NAME`, `OTEL_BSP_*`, `OTEL_PROPAGATORS`) when they ask
 * for it (`tracingEnabled`), else does nothing: the SDK is imported only
 * then, so a process without tracing loads none of it and Sluice's spans stay
 * the API's no-ops. Traces only: metrics and logs have their own paths
 * (Prometheus, EMF, pino). Sluice creates its spans by hand with
 * `@opentelemetry/api` (no require hooks, which ESM does not run reliably).
 *
 * @example
 * ```ts
 * const telemetry = await startTelemetry({ serviceName: 'sluice-front' });
 * process.on('SIGTERM', () => void telemetry.shutdown());
 * ```
 */
export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  const env = options.env ?? process.env;
  if (!tracingEnabled(env)) return DISABLED;
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const { trace } = await import('@opentelemetry/api');
  const named = env.OTEL_SERVICE_NAME?.trim() ?? '';
  const sdk = new NodeSDK({
    // OTEL_SERVICE_NAME wins, whatever OTEL_NODE_RESOURCE_DETECTORS leaves on.
    serviceName: named === '' ? options.serviceName : named,
    instrumentations: [],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return {
    tracing: true,
    flush: async () => {
      const provider: unknown = trace.getTracerProvider();
      const delegate = hasDelegate(provider) ? provider.getDelegate() : provider;
      if (hasForceFlush(delegate)) await delegate.forceFlush();
    },
    shutdown: () => sdk.shutdown(),
  };
}

function hasDelegate(value: unknown): value is { getDelegate(): unknown } {
  return typeof (value as { getDelegate?: unknown } | undefined)?.getDelegate === 'function';
}

function hasForceFlush(value: unknown): value is { forceFlush(): Promise<void> } {
  return typeof (value as { forceFlush?: unknown } | undefined)?.forceFlush === 'function';
}
