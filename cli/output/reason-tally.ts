/** Examples shown per reason; the rest are counted. */
const EXAMPLES_SHOWN_PER_REASON = 5;

/** One reason's count and its first few examples (refs, job ids). */
export interface ReasonGroup {
  count: number;
  examples: string[];
}

/**
 * Failures of a bulk command grouped by reason, each with a count and its
 * first few examples, so a summary of thousands of failures stays a few
 * lines long (`submit-many`'s rejections, a bulk `retry`'s refusals).
 *
 * @example
 * ```ts
 * const tally = new ReasonTally();
 * tally.add('INVALID_ARGUMENT: job.type: unknown', 'r7');
 * lines.push(...tally.lines('rejected')); // '  rejected 1× INVALID_ARGUMENT: … — r7'
 * ```
 */
export class ReasonTally {
  readonly #groups = new Map<string, ReasonGroup>();

  /** Counts one failure under `reason`, keeping `example` while few are kept. */
  add(reason: string, example: string): void {
    const group = this.#groups.get(reason) ?? { count: 0, examples: [] };
    group.count += 1;
    if (group.examples.length < EXAMPLES_SHOWN_PER_REASON) group.examples.push(example);
    this.#groups.set(reason, group);
  }

  /** A line per reason: `  <verb> <count>× <reason> — <examples> and N more`. */
  lines(verb: string): string[] {
    return [...this.#groups].map(([reason, group]) => {
      const more = group.count - group.examples.length;
      const examples = group.examples.join(', ') + (more > 0 ? ` and ${more} more` : '');
      return `  ${verb} ${group.count}× ${reason} — ${examples}`;
    });
  }

  /** The groups in first-seen order, the examples under `examplesKey` (`refs`, `jobIds`). */
  toJson<K extends string>(
    examplesKey: K,
  ): ({ reason: string; count: number } & Record<K, string[]>)[] {
    return [...this.#groups].map(
      ([reason, group]) =>
        ({ reason, count: group.count, [examplesKey]: group.examples }) as {
          reason: string;
          count: number;
        } & Record<K, string[]>,
    );
  }
}
