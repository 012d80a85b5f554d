import { setTimeout as delay } from 'node:timers/promises';
/** Re-checks `condition` every `intervalMs` until it holds, or throws after `timeoutMs`. */
export async function waitUntil(
  condition: () => Promise<boolean>,
  { timeoutMs = 30_000, intervalMs = 50, what = 'condition' } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(intervalMs);
  }
}
