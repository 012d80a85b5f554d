import { readFileSync } from 'node:fs';

/** Linux reports CPU time in clock ticks; 100 a second on every mainstream kernel config. */
const CLOCK_TICKS_PER_SECOND = 100;
/** How often RSS is sampled while a measurement runs. */
const DEFAULT_INTERVAL_MS = 250;
const KIB_PER_MIB = 1024;
const MS_PER_SECOND = 1000;
/** Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted after the `(comm)` field. */
const UTIME_INDEX_AFTER_COMM = 11;
const STIME_INDEX_AFTER_COMM = 12;

/** Memory and CPU of one process over a measurement window. */
export interface ProcessUsage {
  pid: number;
  /** Highest resident set size seen while sampling (MiB). */
  peakRssMb: number;
  /** Resident set size at the end of the window (MiB). */
  endRssMb: number;
  /** The kernel's high-water mark of RSS over the process's whole life (MiB). */
  lifetimePeakRssMb: number;
  /** CPU time (user + system) spent in the window (s). */
  cpuSeconds: number;
  /** CPU time ÷ wall time, in percent of one core. */
  cpuPercent: number;
  wallSeconds: number;
}

interface Snapshot {
  cpuTicks: number;
  rssKb: number;
  hwmKb: number;
  at: number;
}

function statusKb(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

function snapshot(pid: number): Snapshot {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may contain spaces and parentheses; the fields follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    cpuTicks: Number(fields[UTIME_INDEX_AFTER_COMM]) + Number(fields[STIME_INDEX_AFTER_COMM]),
    rssKb: statusKb(status, 'VmRSS'),
    hwmKb: statusKb(status, 'VmHWM'),
    at: performance.now(),
  };
}

/**
 * CPU time (user + system, seconds) a process has spent so far, from /proc:
 * two readings bracket a window.
 *
 * @example
 * ```ts
 * const before = cpuSecondsOf(pid);
 * await runLoad();
 * const spent = cpuSecondsOf(pid) - before;
 * ```
 */
export function cpuSecondsOf(pid: number): number {
  return snapshot(pid).cpuTicks / CLOCK_TICKS_PER_SECOND;
}

/**
 * Samples another process's RSS and CPU time from /proc while a measurement
 * runs (the front, an emulator), without touching the process itself.
 *
 * @example
 * ```ts
 * const sampler = ProcessSampler.start(runtime.frontPid());
 * await runLoad();
 * const usage = sampler.stop(); // { peakRssMb, cpuPercent, ... }
 * ```
 */
export class ProcessSampler {
  readonly #pid: number;
  readonly #first: Snapshot;
  readonly #timer: NodeJS.Timeout;
  #peakRssKb: number;

  private constructor(pid: number, intervalMs: number) {
    this.#pid = pid;
    this.#first = snapshot(pid);
    this.#peakRssKb = this.#first.rssKb;
    this.#timer = setInterval(() => this.#sample(), intervalMs);
    this.#timer.unref();
  }

  /** Starts sampling `pid` every `intervalMs`. */
  static start(pid: number, intervalMs = DEFAULT_INTERVAL_MS): ProcessSampler {
    return new ProcessSampler(pid, intervalMs);
  }

  #sample(): void {
    try {
      this.#peakRssKb = Math.max(this.#peakRssKb, snapshot(this.#pid).rssKb);
    } catch {
      // The process exited between samples; stop() reports what was seen.
      clearInterval(this.#timer);
    }
  }

  /** Stops sampling and returns the usage over the window. */
  stop(): ProcessUsage {
    clearInterval(this.#timer);
    const last = snapshot(this.#pid);
    this.#peakRssKb = Math.max(this.#peakRssKb, last.rssKb);
    const wallSeconds = (last.at - this.#first.at) / MS_PER_SECOND;
    const cpuSeconds = (last.cpuTicks - this.#first.cpuTicks) / CLOCK_TICKS_PER_SECOND;
    return {
      pid: this.#pid,
      peakRssMb: this.#peakRssKb / KIB_PER_MIB,
      endRssMb: last.rssKb / KIB_PER_MIB,
      lifetimePeakRssMb: last.hwmKb / KIB_PER_MIB,
      cpuSeconds,
      cpuPercent: wallSeconds > 0 ? (cpuSeconds / wallSeconds) * 100 : 0,
      wallSeconds,
    };
  }
}
