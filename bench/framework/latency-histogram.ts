import * as hdr from 'hdr-histogram-js';

/** Latencies are recorded in microseconds: sub-millisecond resolution for loopback calls. */
const MICROS_PER_MS = 1000;
/** The longest latency a histogram tracks (10 minutes); anything longer is clamped. */
const HIGHEST_TRACKABLE_MICROS = 600_000_000;
/** Three significant digits: ±0.1 % error at every percentile. */
const SIGNIFICANT_DIGITS = 3;

/** Percentiles of one latency distribution, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/**
 * An HDR histogram of latencies, recorded in one process and merged in
 * another: load clients send theirs as compressed base64 over IPC.
 *
 * @example
 * ```ts
 * const histogram = new LatencyHistogram();
 * histogram.recordMs(performance.now() - started);
 * process.send?.({ histogram: histogram.encode() });
 * ```
 */
export class LatencyHistogram {
  readonly #histogram: hdr.Histogram;

  constructor(histogram?: hdr.Histogram) {
    this.#histogram =
      histogram ??
      hdr.build({
        lowestDiscernibleValue: 1,
        highestTrackableValue: HIGHEST_TRACKABLE_MICROS,
        numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
        autoResize: false,
      });
  }

  /** Rebuilds a histogram that another process encoded. */
  static decode(encoded: string): LatencyHistogram {
    return new LatencyHistogram(hdr.decodeFromCompressedBase64(encoded));
  }

  /** Records one latency in milliseconds (fractions kept to the microsecond). */
  recordMs(ms: number): void {
    const micros = Math.max(1, Math.round(ms * MICROS_PER_MS));
    this.#histogram.recordValue(Math.min(micros, HIGHEST_TRACKABLE_MICROS));
  }

  /** Adds every value of `other` to this histogram. */
  add(other: LatencyHistogram): void {
    this.#histogram.add(other.#histogram);
  }

  /** The compressed base64 form, for IPC. */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.#histogram);
  }

  /** Percentiles in milliseconds. */
  summary(): LatencySummary {
    const h = this.#histogram;
    const at = (percentile: number): number => h.getValueAtPercentile(percentile) / MICROS_PER_MS;
    return {
      count: h.totalCount,
      p50Ms: at(50),
      p90Ms: at(90),
      p99Ms: at(99),
      maxMs: h.maxValue / MICROS_PER_MS,
      meanMs: h.totalCount === 0 ? 0 : h.mean / MICROS_PER_MS,
    };
  }
}
