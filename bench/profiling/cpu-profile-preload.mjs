// Profiles the process it is preloaded into and writes a V8 .cpuprofile when the process exits.
// Load it with NODE_OPTIONS=--import=<this file> (Node 20 refuses --cpu-prof in NODE_OPTIONS, and
// the local runtime owns the front's command line); BENCH_CPU_PROFILE_DIR says where to write,
// BENCH_CPU_PROFILE_NAME how to name the file (default: the script's name).
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir !== undefined && dir !== '') {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.on('exit', () => {
    // A session in the same thread answers synchronously, so this runs before the process ends.
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      const name =
        process.env.BENCH_CPU_PROFILE_NAME ?? process.argv[1]?.split('/').pop() ?? 'node';
      const file = join(dir, `${name}-${process.pid}.cpuprofile`);
      writeFileSync(file, JSON.stringify(result.profile));
    });
  });
}
