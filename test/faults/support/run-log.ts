import { existsSync, readFileSync } from 'node:fs';
import type { RunSpan } from './job-checks.js';

/** One line of a consumer process's run log. */
export interface LoggedRun {
  jobId: string;
  attempt: number;
  /** The job's `group` attribute ('' when none). */
  group: string;
  event: 'start' | 'end';
  /** Epoch ms (one clock for every process on the machine). */
  at: number;
  /** Which consumer process ran it. */
  process: string;
}

/** A processor run pieced together from its start and end lines. */
export interface LoggedSpan extends RunSpan {
  attempt: number;
  group: string;
  process: string;
}

/**
 * Reads a run log that consumer processes append to, and pairs each run's
 * start with its end (a run whose process was killed has no end).
 *
 * @example
 * ```ts
 * const spans = readRunLog(path);
 * const inProgress = spans.filter((span) => span.finishedAt === undefined);
 * ```
 */
export function readRunLog(path: string): LoggedSpan[] {
  if (!existsSync(path)) return [];
  const spans: LoggedSpan[] = [];
  const open = new Map<string, LoggedSpan>();
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    if (text === '') continue;
    const line = JSON.parse(text) as LoggedRun;
    const id = `${line.process}/${line.jobId}/${line.attempt}`;
    if (line.event === 'start') {
      const span: LoggedSpan = {
        jobId: line.jobId,
        attempt: line.attempt,
        group: line.group,
        process: line.process,
        startedAt: line.at,
      };
      spans.push(span);
      open.set(id, span);
    } else {
      const span = open.get(id);
      if (span !== undefined) span.finishedAt = line.at;
      open.delete(id);
    }
  }
  return spans;
}
