import type { JsonValue } from './payload.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A job's output: the processor's bytes and their media type, with decoders
 * for the common cases. Kept as bytes so binary results survive untouched.
 *
 * @example
 * ```ts
 * const job = await client.waitFor(jobId);
 * console.log(job.result?.json());
 * ```
 */
export class JobResult {
  /** The raw output. */
  readonly bytes: Uint8Array;
  /** Its media type, for example `application/json` (may be empty). */
  readonly contentType: string;

  constructor(bytes: Uint8Array, contentType: string) {
    this.bytes = bytes;
    this.contentType = contentType;
  }

  /**
   * The output as UTF-8 text; throws a `TypeError` if it is not valid UTF-8.
   *
   * @example
   * ```ts
   * const digest = job.result?.text(); // sha256 processor: hex string
   * ```
   */
  text(): string {
    return UTF8.decode(this.bytes);
  }

  /**
   * The output parsed as JSON (`T` is the caller's claim, not checked).
   *
   * @example
   * ```ts
   * const { a } = job.result!.json<{ a: number }>();
   * ```
   */
  json<T = JsonValue>(): T {
    return JSON.parse(this.text()) as T;
  }

  /**
   * The output as a JSON value when it is JSON, else as text when it is UTF-8,
   * else `undefined`: what a human-facing view shows.
   *
   * @example
   * ```ts
   * console.log(job.result?.toDisplayValue() ?? '<binary>');
   * ```
   */
  toDisplayValue(): JsonValue | undefined {
    try {
      const text = this.text();
      try {
        return JSON.parse(text) as JsonValue;
      } catch {
        return text;
      }
    } catch {
      return undefined;
    }
  }
}
