import type { Measurement, ScenarioResult } from './scenario-result.js';

const COLUMNS = ['Scenario', 'Measure', 'Value', 'Baseline (same run)', 'Ratio', 'Target'] as const;

/**
 * A number with as many digits as its size deserves: 12,345 · 123.4 · 1.23 · 0.0123.
 *
 * @example
 * ```ts
 * formatNumber(3412.7); // '3,413'
 * ```
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  if (magnitude === 0) return '0';
  return value.toPrecision(3);
}

function withUnit(value: number | null, unit: string): string {
  if (value === null) return 'n/a';
  return unit === '$' ? `$${formatNumber(value)}` : `${formatNumber(value)} ${unit}`;
}

/** ` (min–max, n=N)` of repeated samples; nothing for a single measurement. */
function spreadText(samples: readonly number[] | undefined, suffix = ''): string {
  if (samples === undefined || samples.length < 2) return '';
  const low = formatNumber(Math.min(...samples));
  const high = formatNumber(Math.max(...samples));
  return ` (${low}–${high}${suffix}, n=${samples.length})`;
}

function targetText(measurement: Measurement): string {
  const target = measurement.target;
  if (target === undefined) return '';
  const verdict = target.met === null ? 'n/a' : target.met ? 'met' : 'MISSED';
  const subject = target.subject === 'ratio' ? 'ratio' : 'value';
  return `${subject} ${target.comparison} ${formatNumber(target.threshold)}: ${verdict}`;
}

function rowsOf(scenario: ScenarioResult): string[][] {
  if (scenario.status === 'error' && scenario.measurements.length === 0) {
    return [[scenario.title, `ERROR: ${scenario.error ?? 'unknown'}`, '', '', '', '']];
  }
  const rows = scenario.measurements.map((m, i) => [
    i === 0 ? scenario.title : '',
    m.name,
    `${withUnit(m.value, m.unit)}${spreadText(m.samples)}`,
    m.baseline === undefined
      ? ''
      : `${withUnit(m.baseline.value, m.baseline.unit)}${spreadText(m.baseline.samples)} (${m.baseline.name})`,
    m.ratio === undefined ? '' : `${formatNumber(m.ratio)}×${spreadText(m.ratioSamples, '×')}`,
    targetText(m),
  ]);
  if (scenario.status === 'error')
    rows.push(['', `ERROR: ${scenario.error ?? 'unknown'}`, '', '', '', '']);
  return rows;
}

/**
 * The results as a Markdown table (readable in a terminal, pasteable into
 * the README), followed by the scenarios' notes.
 *
 * @example
 * ```ts
 * process.stdout.write(formatResultsTable(scenarios));
 * ```
 */
export function formatResultsTable(scenarios: readonly ScenarioResult[]): string {
  const rows = scenarios.flatMap(rowsOf);
  const widths = COLUMNS.map((title, c) =>
    Math.max(title.length, ...rows.map((row) => (row[c] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  const out = [
    line(COLUMNS),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ];
  const notes = scenarios.flatMap((s) => s.notes.map((note) => `- ${s.title}: ${note}`));
  return `${out.join('\n')}\n${notes.length > 0 ? `\n${notes.join('\n')}\n` : ''}`;
}
