import type { BenchSettings } from '../framework/bench-settings.js';
import type { ScenarioResult } from '../framework/scenario-result.js';
import { startBenchSystem, type BenchSystem } from '../system/bench-system.js';
import { runBulkSubmitScenario } from './bulk-submit-scenario.js';
import { runCeilingScenario } from './ceiling-scenario.js';
import { runCliStartupScenario } from './cli-startup-scenario.js';
import { runCostScenario } from './cost-scenario.js';
import { runEndToEndScenario } from './end-to-end-scenario.js';
import { runFrontCostScenario } from './front-cost-scenario.js';
import { runListingScenario } from './listing-scenario.js';
import { runUnarySubmitScenario } from './unary-submit-scenario.js';
import { runWatchFanOutScenario } from './watch-fanout-scenario.js';
import { newSuiteState } from './suite-state.js';

/** Every scenario, in the issue's order (the order of the table). */
export const SCENARIO_IDS = [
  'ceiling',
  'front-cost',
  'unary-submit',
  'bulk-submit',
  'end-to-end',
  'watch-fanout',
  'cost',
  'cli-startup',
  'listing',
] as const;

/** Jobs in the table of the listing scenario (the issue's size; not run by --quick unless asked). */
const LISTING_JOBS = 100_000;

const MS_PER_SECOND = 1000;

/** Options of `runSuite`. */
export interface RunSuiteOptions {
  /** Run only these scenario ids (later ones still get what earlier ones measured, if run). */
  only?: string[];
  log: (line: string) => void;
  /** Extra environment for every front started (e.g. NODE_OPTIONS=--cpu-prof). */
  frontEnv?: NodeJS.ProcessEnv;
}

/** Starts a system on first use and stops it once, whether or not it started. */
class LazySystem {
  #system: Promise<BenchSystem> | undefined;
  readonly #start: () => Promise<BenchSystem>;

  constructor(start: () => Promise<BenchSystem>) {
    this.#start = start;
  }

  get = (): Promise<BenchSystem> => (this.#system ??= this.#start());

  async stop(): Promise<void> {
    const system = await this.#system?.catch(() => undefined);
    await system?.stop();
  }
}

/**
 * Runs the scenarios, each isolated (one that fails is reported as an error
 * and the rest still run). The submit-path scenarios and the fan-out share
 * one system without consumers (so queued jobs stay queued for the fan-out);
 * the end-to-end scenario gets a fresh system with the event-source runner.
 * The results come back in the issue's order.
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
  const results = new Map<string, ScenarioResult>();
  const run = async (
    id: (typeof SCENARIO_IDS)[number],
    scenario: () => Promise<ScenarioResult>,
  ): Promise<void> => {
    if (!wanted(id)) return;
    options.log(`▶ ${id}`);
    const result = await scenario();
    const seconds = (result.durationMs / MS_PER_SECOND).toFixed(1);
    options.log(
      `  ${id}: ${result.status} in ${seconds} s${result.error === undefined ? '' : ` — ${result.error}`}`,
    );
    results.set(id, result);
  };
  const { log, frontEnv } = options;

  await run('ceiling', () => runCeilingScenario(state));
  await run('front-cost', () => runFrontCostScenario(state, { log, frontEnv }));
  const submitSystem = new LazySystem(() => startBenchSystem({ consumers: false, log, frontEnv }));
  try {
    await run('unary-submit', () => runUnarySubmitScenario(state, submitSystem.get));
    await run('bulk-submit', () => runBulkSubmitScenario(state, submitSystem.get));
    await run('watch-fanout', () => runWatchFanOutScenario(state, submitSystem.get, log));
    await run('cli-startup', () => runCliStartupScenario(submitSystem.get));
  } finally {
    await submitSystem.stop();
  }
  const fullSystem = new LazySystem(() => startBenchSystem({ consumers: true, log, frontEnv }));
  try {
    await run('end-to-end', () => runEndToEndScenario(state, fullSystem.get));
  } finally {
    await fullSystem.stop();
  }
  await run('cost', () => Promise.resolve(runCostScenario(state)));
  // A 100,000-item bulk load: too slow for CI's smoke run unless asked for by --only.
  if (settings.mode === 'full' || options.only !== undefined) {
    await run('listing', () => runListingScenario({ jobs: LISTING_JOBS }));
  }
  return SCENARIO_IDS.flatMap((id) => results.get(id) ?? []);
}
