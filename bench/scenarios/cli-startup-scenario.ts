import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { json, SluiceClient } from '@sluice/client';
import { ScenarioReport, type ScenarioResult } from '../framework/scenario-result.js';
import type { BenchSystem } from '../system/bench-system.js';

const run = promisify(execFile);
/** The `sluice` that @sluice/client ships (built by `npm ci` / `npm run build`). */
const SHIPPED_BIN = fileURLToPath(new URL('../../client/dist/cli/sluice.js', import.meta.url));
/** Cold starts of each command, interleaved. */
const RUNS = 20;
const VERSION_TARGET_RATIO = 2;
const GET_TARGET_RATIO = 4;
const NS_PER_MS = 1e6;

async function timedMs(args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  await run(process.execPath, args);
  return Number(process.hrtime.bigint() - started) / NS_PER_MS;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

/**
 * Scenario 7: how fast `sluice` starts — `sluice --version` and
 * `sluice get <id>` against the bench's front, each a new process, as ratios
 * to a bare `node -e 0` timed in the same rounds (median of 20 cold runs
 * each, the three interleaved so machine load hits all alike).
 *
 * @example
 * ```ts
 * results.push(await runCliStartupScenario(submitSystem.get));
 * ```
 */
export async function runCliStartupScenario(
  system: () => Promise<BenchSystem>,
): Promise<ScenarioResult> {
  const report = new ScenarioReport('cli-startup', '7. CLI start-up (cold processes)');
  report.settings({ runs: RUNS, bin: 'client/dist/cli/sluice.js' });
  try {
    const { runtime } = await system();
    const client = new SluiceClient({ endpoint: runtime.endpoint });
    const { jobId } = await client.submit({ type: 'echo', payload: json({ bench: 'cli' }) });
    client.close();
    const times = { bare: [] as number[], version: [] as number[], get: [] as number[] };
    for (let round = 0; round < RUNS; round += 1) {
      times.bare.push(await timedMs(['-e', '0']));
      times.version.push(await timedMs([SHIPPED_BIN, '--version']));
      times.get.push(await timedMs([SHIPPED_BIN, 'get', jobId, '--endpoint', runtime.endpoint]));
    }
    const bare = { name: 'node -e 0', value: median(times.bare), unit: 'ms' };
    report.measure('node -e 0 (median)', bare.value, 'ms');
    report.measure('sluice --version (median)', median(times.version), 'ms', {
      baseline: bare,
      target: {
        description: `≤ ${VERSION_TARGET_RATIO}× node -e 0`,
        subject: 'ratio',
        comparison: '<=',
        threshold: VERSION_TARGET_RATIO,
      },
    });
    report.measure('sluice get <id> (median)', median(times.get), 'ms', {
      baseline: bare,
      target: {
        description: `≤ ${GET_TARGET_RATIO}× node -e 0`,
        subject: 'ratio',
        comparison: '<=',
        threshold: GET_TARGET_RATIO,
      },
    });
    report.detail('runsMs', times);
    return report.finish();
  } catch (error) {
    return report.finish(error);
  }
}
