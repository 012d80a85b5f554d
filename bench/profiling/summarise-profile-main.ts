// Prints where a process spent its CPU: `tsx bench/profiling/summarise-profile-main.ts <file.cpuprofile> [top]`.
import { summariseCpuProfile } from './profile-summary.js';

const DEFAULT_TOP = 20;
const [path, limit] = process.argv.slice(2);
if (path === undefined) {
  process.stderr.write('usage: summarise-profile-main.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
const summary = await summariseCpuProfile(path, Number(limit ?? DEFAULT_TOP));
const line = (e: { name: string; selfMs: number; percent: number }): string =>
  `${e.percent.toFixed(1).padStart(5)} %  ${e.selfMs.toFixed(0).padStart(7)} ms  ${e.name}`;
process.stdout.write(
  [
    `${path}: ${summary.totalMs.toFixed(0)} ms profiled`,
    '',
    'by package (self time):',
    ...summary.packages.map(line),
    '',
    'by function (self time):',
    ...summary.functions.map(line),
    '',
  ].join('\n'),
);
