import { SingleBar } from 'cli-progress';
import type { CliOutput } from '../cli-io.js';

/** How often the bar redraws at most. */
const REDRAW_INTERVAL_MS = 100;
const BAR_SIZE = 30;

/**
 * The values shown next to the bar.
 *
 * @example
 * ```ts
 * bar.update({ done: 120, note: 'rejected 0' } satisfies ProgressValues);
 * ```
 */
export interface ProgressValues {
  /** Items done so far. */
  done: number;
  /** A short note, e.g. `rejected 2`. */
  note: string;
}

/**
 * A progress bar on a terminal, or nothing at all elsewhere.
 *
 * @example
 * ```ts
 * const bar: ProgressBar = startProgressBar(io.stderr, { label: 'waiting', total, enabled: true });
 * ```
 */
export interface ProgressBar {
  update(values: ProgressValues): void;
  /** A new total, for work whose size is learnt as it goes (a listing page by page). */
  setTotal(total: number): void;
  stop(): void;
}

/**
 * A progress bar on `stream` when it is a terminal (and `enabled`); a silent
 * stand-in otherwise, so piped and logged output stays clean. A total of 0
 * means "unknown" and draws no bar, unless `growing` says the total will be
 * given as it is learnt (`setTotal`).
 *
 * @example
 * ```ts
 * const bar = startProgressBar(io.stderr, { label: 'submitting', total: 5_000, enabled: true });
 * bar.update({ done: 10, note: '' });
 * bar.stop();
 * ```
 */
export function startProgressBar(
  stream: CliOutput,
  options: { label: string; total: number; enabled: boolean; growing?: boolean },
): ProgressBar {
  if (
    !options.enabled ||
    stream.isTTY !== true ||
    (options.total <= 0 && options.growing !== true)
  ) {
    return { update: () => undefined, setTotal: () => undefined, stop: () => undefined };
  }
  const bar = new SingleBar({
    stream,
    format: `${options.label} |{bar}| {value}/{total} {percentage}% | {rate}/s | {note}`,
    barsize: BAR_SIZE,
    fps: 1_000 / REDRAW_INTERVAL_MS,
    hideCursor: true,
  });
  const startedAt = Date.now();
  bar.start(options.total, 0, { rate: 0, note: '' });
  return {
    update: ({ done, note }) => {
      const seconds = Math.max((Date.now() - startedAt) / 1_000, Number.EPSILON);
      bar.update(done, { rate: Math.round(done / seconds), note });
    },
    setTotal: (total) => bar.setTotal(total),
    stop: () => bar.stop(),
  };
}
