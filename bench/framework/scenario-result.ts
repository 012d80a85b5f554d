/** How a target compares a measured number with its threshold. */
export type Comparison = '<=' | '>=';

/** A target from the issue, judged (never asserted) against one measurement. */
export interface TargetCheck {
  /** What the target says, in words ("front ≥ 0.5 × echo ceiling"). */
  description: string;
  /** Whether the target applies to the measurement's value or to its ratio. */
  subject: 'value' | 'ratio';
  comparison: Comparison;
  threshold: number;
  /** `null` when the measurement could not be made. */
  met: boolean | null;
}

/** The number a measurement is compared with, measured in the same run. */
export interface BaselineValue {
  name: string;
  value: number;
  unit: string;
  /** Each repetition's baseline, in run order, when it was measured more than once. */
  samples?: number[];
}

/** One measured number, with its same-run baseline, the ratio and the target it answers. */
export interface Measurement {
  name: string;
  /** `null` when it could not be measured (e.g. no calls of the kind were made). */
  value: number | null;
  unit: string;
  baseline?: BaselineValue;
  /** `value ÷ baseline.value`; for repeated runs the median of each repetition's ratio. */
  ratio?: number;
  target?: TargetCheck;
  /** Each repetition's value, in run order, when the figure is the median of several. */
  samples?: number[];
  /** Each repetition's `value ÷ baseline` (front and baseline run interleaved, pair by pair). */
  ratioSamples?: number[];
}

/** What one scenario measured: the rows of the table and everything behind them. */
export interface ScenarioResult {
  id: string;
  title: string;
  status: 'ok' | 'error';
  error?: string;
  measurements: Measurement[];
  /** Supporting figures: latency summaries, per-operation AWS call counts, process stats. */
  details: Record<string, unknown>;
  settings: Record<string, unknown>;
  notes: string[];
  durationMs: number;
}

/**
 * The median of `values` (the mean of the middle two for an even count; NaN
 * for none): what a repeated figure reports, robust to one outlier.
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** A target before it is judged. */
export interface TargetSpec {
  description: string;
  subject: 'value' | 'ratio';
  comparison: Comparison;
  threshold: number;
}

function judge(spec: TargetSpec, value: number | null | undefined): TargetCheck {
  const met =
    value === undefined || value === null
      ? null
      : spec.comparison === '<='
        ? value <= spec.threshold
        : value >= spec.threshold;
  return { ...spec, met };
}

/**
 * Collects a scenario's measurements as it runs, so a scenario that fails
 * half-way still reports what it measured before the failure.
 *
 * @example
 * ```ts
 * const report = new ScenarioReport('unary-submit', 'Unary SubmitJob, 64 concurrent');
 * report.measure('jobs/s', 1800, 'jobs/s', { baseline: { name: 'echo ceiling', value: 3300, unit: 'calls/s' } });
 * const result = report.finish();
 * ```
 */
export class ScenarioReport {
  readonly #id: string;
  readonly #title: string;
  readonly #started = performance.now();
  readonly #measurements: Measurement[] = [];
  readonly #details: Record<string, unknown> = {};
  readonly #notes: string[] = [];
  #settings: Record<string, unknown> = {};

  constructor(id: string, title: string) {
    this.#id = id;
    this.#title = title;
  }

  /**
   * Records a measurement; the ratio is computed when a baseline is given. A
   * non-finite value (nothing to divide by) is recorded as `null`.
   */
  measure(
    name: string,
    value: number,
    unit: string,
    options: { baseline?: BaselineValue; target?: TargetSpec } = {},
  ): Measurement {
    const { baseline, target } = options;
    const measured = Number.isFinite(value) ? value : null;
    const ratio =
      measured !== null &&
      baseline !== undefined &&
      baseline.value !== 0 &&
      Number.isFinite(baseline.value)
        ? measured / baseline.value
        : undefined;
    const measurement: Measurement = { name, value: measured, unit };
    if (baseline !== undefined) measurement.baseline = baseline;
    if (ratio !== undefined) measurement.ratio = ratio;
    if (target !== undefined) {
      measurement.target = judge(target, target.subject === 'ratio' ? ratio : measured);
    }
    this.#measurements.push(measurement);
    return measurement;
  }

  /**
   * Records a figure measured several times, interleaved with its baseline:
   * the value is the median of `samples`, the baseline the median of its
   * samples, and the ratio the median of the pairwise ratios (each
   * repetition's figure over the baseline measured beside it), so one noisy
   * repetition moves neither. The samples stay in the results file.
   */
  measureRepeated(
    name: string,
    samples: readonly number[],
    unit: string,
    options: {
      baseline?: { name: string; samples: readonly number[]; unit: string };
      target?: TargetSpec;
    } = {},
  ): Measurement {
    const { baseline, target } = options;
    const value = median(samples);
    const measurement: Measurement = {
      name,
      value: Number.isFinite(value) ? value : null,
      unit,
      samples: [...samples],
    };
    let ratio: number | undefined;
    if (baseline !== undefined) {
      measurement.baseline = {
        name: baseline.name,
        value: median(baseline.samples),
        unit: baseline.unit,
        samples: [...baseline.samples],
      };
      const pairs = samples.flatMap((sample, i) => {
        const base = baseline.samples[i];
        return base !== undefined && base !== 0 && Number.isFinite(sample / base)
          ? [sample / base]
          : [];
      });
      if (pairs.length > 0) {
        ratio = median(pairs);
        measurement.ratio = ratio;
        measurement.ratioSamples = pairs;
      }
    }
    if (target !== undefined) {
      measurement.target = judge(target, target.subject === 'ratio' ? ratio : measurement.value);
    }
    this.#measurements.push(measurement);
    return measurement;
  }

  /** Stores a supporting figure under `key` in the JSON (not a table row). */
  detail(key: string, value: unknown): void {
    this.#details[key] = value;
  }

  /** Adds a sentence that explains a figure (printed under the table). */
  note(text: string): void {
    this.#notes.push(text);
  }

  /** The scenario's settings (sizes, concurrency, durations). */
  settings(settings: Record<string, unknown>): void {
    this.#settings = { ...this.#settings, ...settings };
  }

  /** The finished result; `error` marks a scenario that could not complete. */
  finish(error?: unknown): ScenarioResult {
    const result: ScenarioResult = {
      id: this.#id,
      title: this.#title,
      status: error === undefined ? 'ok' : 'error',
      measurements: this.#measurements,
      details: this.#details,
      settings: this.#settings,
      notes: this.#notes,
      durationMs: Math.round(performance.now() - this.#started),
    };
    if (error !== undefined) {
      result.error = error instanceof Error ? error.message : JSON.stringify(error);
    }
    return result;
  }
}
