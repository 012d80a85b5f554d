// CI's smoke check after `bench --quick`: the results file exists and matches its schema.
// Only completion and validity are asserted — never a figure or a target.
import { readResultsFile } from './framework/results-file.js';
import { benchPath } from './system/bench-process.js';

const path = process.argv[2] ?? benchPath('results/latest.json');
const results = await readResultsFile(path);
process.stdout.write(
  `${path}: valid (${results.scenarios.length} scenarios, ${results.mode} mode, ${results.machine.cpuModel})\n`,
);
