/**
 * Everything worked (and every awaited job SUCCEEDED).
 *
 * @example
 * ```ts
 * return job.state === 'SUCCEEDED' ? EXIT_OK : EXIT_JOB_UNSUCCESSFUL;
 * ```
 */
export const EXIT_OK = 0;
/**
 * A call failed: unreachable front, NOT_FOUND, FAILED_PRECONDITION, unreadable file, …
 *
 * @example
 * ```sh
 * sluice get unknown-id; echo $? # 1
 * ```
 */
export const EXIT_FAILURE = 1;
/**
 * The command line was wrong (unknown option, bad JSON in `--payload`, …).
 *
 * @example
 * ```sh
 * sluice submit --type echo --payload '{bad' ; echo $? # 2
 * ```
 */
export const EXIT_USAGE = 2;
/**
 * A job ended FAILED, DEAD_LETTERED or CANCELLED, or a bulk item was rejected.
 *
 * @example
 * ```sh
 * sluice submit --type fail --payload '{"message":"no"}' --wait; echo $? # 3
 * ```
 */
export const EXIT_JOB_UNSUCCESSFUL = 3;
