import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../../test/support/wait-until.js';

const PARENT = fileURLToPath(new URL('./testing/orphan-parent.ts', import.meta.url));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('managed processes', () => {
  it('exit by themselves when their parent is SIGKILLed: emulators and the front', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', PARENT], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(createInterface({ input: parent.stdout }), 'line')) as [string];
    const { pids } = JSON.parse(line) as { pids: number[] };
    expect(pids).toHaveLength(3);
    for (const pid of pids) expect(isAlive(pid)).toBe(true);

    parent.kill('SIGKILL');
    await once(parent, 'exit');
    await waitUntil(async () => Promise.resolve(pids.every((pid) => !isAlive(pid))), {
      timeoutMs: 10_000,
      what: 'the orphaned children to exit',
    });
  });
});
