/**
 * The standard variables that turn tracing on: an OTLP endpoint, or an
 * explicit traces exporter. Unset, nothing of the SDK is loaded.
 */
const ENABLING_VARIABLES = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_TRACES_EXPORTER',
] as const;

function isSet(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

/**
 * Whether the environment asks for traces: an OTLP endpoint or
 * `OTEL_TRACES_EXPORTER` is set (and is not `none`), and `OTEL_SDK_DISABLED`
 * is not `true`. Off by default, so a process that configures nothing pays
 * nothing.
 *
 * @example
 * ```ts
 * tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }); // true
 * tracingEnabled({ OTEL_TRACES_EXPORTER: 'none' }); // false
 * ```
 */
export function tracingEnabled(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((name) => name.trim());
  if (exporters.includes('none')) return false;
  return ENABLING_VARIABLES.some((name) => isSet(env[name]));
}
