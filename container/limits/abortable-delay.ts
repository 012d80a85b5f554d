/**
 * Resolves after `ms`, or at once when `signal` aborts — then rejecting with
 * the signal's reason, so the caller stops where it waited.
 *
 * @example
 * ```ts
 * await abortableDelay(limiter.reserve(tenant), signal);
 * ```
 */
export async function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  if (ms > 0 && !signal.aborted) {
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
  signal.throwIfAborted();
}
