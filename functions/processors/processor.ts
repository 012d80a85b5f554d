import type { Logger } from '../../core/logging/logger.js';

/** A value `JSON.stringify` turns into JSON and back unchanged. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * What a processor returns: raw bytes with their content type, text, or a
 * JSON value. Text defaults to `text/plain; charset=utf-8`, JSON to
 * `application/json`.
 */
export type ProcessorOutput =
  | { bytes: Uint8Array; contentType: string }
  | { text: string; contentType?: string }
  | { json: JsonValue; contentType?: string };

/** Everything a processor may know about and do for the job it runs. */
export interface ProcessorContext {
  readonly jobId: string;
  readonly tenant: string;
  readonly channel: string;
  /** The job type, i.e. the processor's name. */
  readonly type: string;
  /** Which attempt this is: 1 on the first run, +1 after each crash or transient failure. */
  readonly attempt: number;
  /** The content type the payload was submitted with (may be empty). */
  readonly contentType: string;
  /** The submitter's attributes. */
  readonly attributes: Readonly<Record<string, string>>;
  /**
   * Aborted at `deadline`: stop, and throw (an abort counts as a transient
   * failure, so the job is retried). Pass it to every call that takes one.
   */
  readonly signal: AbortSignal;
  /** Epoch milliseconds by which the processor must have returned. */
  readonly deadline: number;
  /**
   * Records progress watchers see: `fraction` from 0 to 1 (clamped). Never
   * blocks: writes are throttled (the last report in an interval wins) and
   * flushed before the job's final state is written.
   */
  reportProgress(fraction: number, message?: string): void;
  /** A logger bound to the job id, channel and tenant. Never log payloads. */
  readonly logger: Logger;
}

/**
 * A job type's code: turns the job's payload into its result. Throw a
 * `PermanentError` for a failure no retry can fix; any other error is
 * transient and the job is retried.
 *
 * @example
 * ```ts
 * export const upperCase: Processor = async (input) => ({
 *   text: new TextDecoder().decode(input).toUpperCase(),
 * });
 * ```
 */
export type Processor = (input: Uint8Array, ctx: ProcessorContext) => Promise<ProcessorOutput>;

/** Processors by job type. */
export type ProcessorRegistry = ReadonlyMap<string, Processor>;
