/** Everything worked (and every awaited job SUCCEEDED). */
export const EXIT_OK = 0;
/** A call failed: unreachable front, NOT_FOUND, FAILED_PRECONDITION, unreadable file, … */
export const EXIT_FAILURE = 1;
/** The command line was wrong (unknown option, bad JSON in `--payload`, …). */
export const EXIT_USAGE = 2;
/** A job ended FAILED, DEAD_LETTERED or CANCELLED, or a bulk item was rejected. */
export const EXIT_JOB_UNSUCCESSFUL = 3;
