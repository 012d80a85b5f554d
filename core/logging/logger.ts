import { pino, type Logger as PinoLogger } from 'pino';

/**
 * A structured logger: JSON, one event a line, with context fields (job id,
 * channel, tenant, request id) bound by `child`. Never log payloads or secrets.
 */
export type Logger = PinoLogger;

/**
 * Creates the process's root logger. `SLUICE_LOG_LEVEL` sets the level
 * (default `info`; `silent` turns logging off, as tests do).
 *
 * @example
 * ```ts
 * const log = createLogger('front').child({ requestId });
 * log.info({ jobId }, 'job accepted');
 * ```
 */
export function createLogger(
  component: string,
  level = process.env.SLUICE_LOG_LEVEL ?? 'info',
): Logger {
  return pino({ level, base: { component }, timestamp: pino.stdTimeFunctions.isoTime });
}
