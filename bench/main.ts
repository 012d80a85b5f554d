// The benchmark suite: `npm run bench` (full) or `npm run bench -- --quick` (CI's smoke run).
// Prints a table and writes bench/results/latest.json. Targets are reported, never asserted.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { benchSettings } from './framework/bench-settings.js';
import { describeMachine } from './framework/machine-info.js';
import { RESULTS_FORMAT_VERSION, writeResultsFile } from './framework/results-file.js';
import { formatResultsTable } from './framework/results-table.js';
import { runSuite, SCENARIO_IDS } from './scenarios/run-suite.js';
import { benchPath } from './system/bench-process.js';

// The SDK versions pinned here support Node 20; its notice about future versions
// needing Node 22 would only bury the output (children inherit this).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command()
  .name('bench')
  .description('Sluice benchmark suite: each figure next to a baseline measured in the same run')
  .option('--quick', 'smaller sizes and shorter windows (CI smoke run, < 3 minutes)', false)
  .option('--only <ids>', `comma-separated scenarios to run (${SCENARIO_IDS.join(', ')})`)
  .option('--output <file>', 'where to write the JSON results', benchPath('results/latest.json'))
  .option(
    '--cpu-prof <dir>',
    'write V8 CPU profiles (.cpuprofile) of the front and of the consumers (this process) there',
  )
  .parse();
const options = program.opts<{ quick: boolean; only?: string; output: string; cpuProf?: string }>();

if (options.cpuProf !== undefined) {
  // The event-source runner and the consumer handlers run in this process: profile it too.
  process.env.BENCH_CPU_PROFILE_DIR = resolve(options.cpuProf);
  process.env.BENCH_CPU_PROFILE_NAME = 'bench-consumers';
  await import(pathToFileURL(benchPath('profiling/cpu-profile-preload.mjs')).href);
}
const settings = benchSettings(options.quick);
const machine = describeMachine();
const startedAt = new Date();
process.stderr.write(
  `sluice bench (${settings.mode}) on ${machine.cpuModel} ×${machine.cpuCores}, Node ${machine.node}, load ${machine.loadAverage.join(' ')}\n`,
);
const scenarios = await runSuite(settings, {
  only: options.only?.split(',').map((id) => id.trim()),
  log: (line) => process.stderr.write(`${line}\n`),
  frontEnv:
    options.cpuProf === undefined
      ? {}
      : {
          // Node 20 refuses --cpu-prof in NODE_OPTIONS; a preloaded inspector session does the same.
          NODE_OPTIONS: [
            process.env.NODE_OPTIONS,
            `--import=${benchPath('profiling/cpu-profile-preload.mjs')}`,
          ]
            .filter((option) => option !== undefined && option !== '')
            .join(' '),
          BENCH_CPU_PROFILE_DIR: resolve(options.cpuProf),
          BENCH_CPU_PROFILE_NAME: 'front',
        },
});
const finishedAt = new Date();
await writeResultsFile(options.output, {
  format: RESULTS_FORMAT_VERSION,
  suite: 'sluice-bench',
  mode: settings.mode,
  startedAt: startedAt.toISOString(),
  finishedAt: finishedAt.toISOString(),
  durationMs: finishedAt.getTime() - startedAt.getTime(),
  machine,
  settings: { ...settings },
  scenarios,
});
process.stdout.write(`\n${formatResultsTable(scenarios)}\nResults: ${options.output}\n`);
const failed = scenarios.filter((s) => s.status === 'error');
if (failed.length > 0) {
  process.stderr.write(
    `${failed.length} scenario(s) did not complete: ${failed.map((s) => s.id).join(', ')}\n`,
  );
  process.exitCode = 1;
}
