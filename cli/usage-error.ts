/**
 * A command line that cannot be run as written (bad `--payload` JSON, a
 * malformed `--attr`). Reported without a stack and exits with `EXIT_USAGE`.
 *
 * @example
 * ```ts
 * throw new UsageError(`--attr expects key=value, got "${value}"`);
 * ```
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
