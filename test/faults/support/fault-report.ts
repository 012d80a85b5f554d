/**
 * Prints one JSON line of counts for a fault scenario on stderr (jest leaves
 * raw stderr alone), so CI logs show what a run really exercised: kills
 * survived, jobs checked, faults injected, losses and doubles.
 *
 * @example
 * ```ts
 * reportFaultCounts('front-kill', { seed, kills, jobsChecked, lost: 0, doubled: 0 });
 * ```
 */
export function reportFaultCounts(scenario: string, counts: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ faults: scenario, ...counts })}\n`);
}
