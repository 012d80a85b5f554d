import type { BenchSettings } from '../framework/bench-settings.js';
import type { ScenarioResult } from '../framework/scenario-result.js';
import { runCeilingScenario } from './ceiling-scenario.js';
import { newSuiteState } from './suite-state.js';

/** Every scenario, in the order they run. */
export const SCENARIO_IDS = [
  'ceiling',
  'unary-submit',
  'bulk-submit',
  'watch-fanout',
  'end-to-end',
  'cost',
] as const;

/** Options of `runSuite`. */
export interface RunSuiteOptions {
  /** Run only these scenario ids (later ones still get what earlier ones measured, if run). */
  only?: string[];
  log: (line: string) => void;
}

/**
 * Runs the scenarios in order, each isolated: one that fails is reported as
 * an error and the rest still run.
 *
 * @example
 * ```ts
 * const scenarios = await runSuite(benchSettings(true), { log: console.error });
 * ```
 */
export async function runSuite(
  settings: BenchSettings,
  options: RunSuiteOptions,
): Promise<ScenarioResult[]> {
  const state = newSuiteState(settings);
  const wanted = (id: string): boolean => options.only === undefined || options.only.includes(id);
  const results: ScenarioResult[] = [];
  const run = async (id: string, scenario: () => Promise<ScenarioResult>): Promise<void> => {
    if (!wanted(id)) return;
    options.log(`▶ ${id}`);
    const result = await scenario();
    options.log(
      `  ${id}: ${result.status} in ${(result.durationMs / 1000).toFixed(1)} s${result.error === undefined ? '' : ` — ${result.error}`}`,
    );
    results.push(result);
  };
  await run('ceiling', () => runCeilingScenario(state));
  return results;
}
