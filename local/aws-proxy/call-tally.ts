/**
 * Counts occurrences by name (calls by operation, faults by kind): the
 * proxy's view of what a test or a bench run did, readable as a map while
 * it runs.
 *
 * @example
 * ```ts
 * const calls = new CallTally();
 * calls.add('PutItem'); // 0: the first PutItem
 * calls.counts.get('PutItem'); // 1
 * ```
 */
export class CallTally {
  readonly #counts = new Map<string, number>();

  /** Counts one more `name`; returns how many came before it (from 0). */
  add(name: string): number {
    const seen = this.#counts.get(name) ?? 0;
    this.#counts.set(name, seen + 1);
    return seen;
  }

  /** The live counts by name. */
  get counts(): ReadonlyMap<string, number> {
    return this.#counts;
  }

  /** The sum over every name. */
  get total(): number {
    let sum = 0;
    for (const count of this.#counts.values()) sum += count;
    return sum;
  }
}
