/** The kinds a `# TYPE` line may declare. */
export type MetricKind = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** One sample line: its full name (`…_bucket`, `…_sum` included), labels and value. */
export interface MetricSample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** A metric family: its `# HELP`, `# TYPE` and samples. */
export interface MetricFamily {
  name: string;
  help: string;
  kind: MetricKind;
  samples: MetricSample[];
}

/** Text that is not the Prometheus exposition format (0.0.4); names the line. */
export class PrometheusTextError extends Error {
  override readonly name = 'PrometheusTextError';
  /** The 1-based line at fault. */
  readonly line: number;

  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const KINDS: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
/** The sample-name suffixes a histogram's and a summary's family owns. */
const SUFFIXES: Readonly<Record<MetricKind, readonly string[]>> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', n: '\n' };

/** Parses `{a="x",b="y"}` starting at `text[0] === '{'`; returns the labels and the rest. */
function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let at = 1;
  for (;;) {
    if (text[at] === '}') return { labels, rest: text.slice(at + 1) };
    const eq = text.indexOf('=', at);
    const name = eq < 0 ? '' : text.slice(at, eq);
    if (!LABEL_NAME.test(name)) throw new PrometheusTextError(line, 'bad label name');
    if (name in labels) throw new PrometheusTextError(line, `label ${name} repeated`);
    if (text[eq + 1] !== '"') throw new PrometheusTextError(line, 'label value not quoted');
    let value = '';
    at = eq + 2;
    while (text[at] !== '"') {
      if (at >= text.length) throw new PrometheusTextError(line, 'unterminated label value');
      if (text[at] === '\\') {
        const escaped = ESCAPES[text[at + 1] ?? ''];
        if (escaped === undefined) throw new PrometheusTextError(line, 'bad escape');
        value += escaped;
        at += 2;
      } else {
        value += text[at];
        at += 1;
      }
    }
    labels[name] = value;
    at += 1;
    if (text[at] === ',') at += 1;
    else if (text[at] !== '}') throw new PrometheusTextError(line, 'expected , or }');
  }
}

/**
 * Prometheus reads values with Go's `strconv.ParseFloat`, which takes `NaN`
 * and `Inf` in any case (prom-client writes an event-loop lag of no samples
 * as `Nan`), so this parser does too.
 */
function parseValue(text: string, line: number): number {
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  if (lower === 'nan') return Number.NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value))
    throw new PrometheusTextError(line, `bad value "${text}"`);
  return value;
}

/** A histogram's series must have cumulative buckets ending at `+Inf` = `_count`. */
function checkHistogram(family: MetricFamily, line: number): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (sample.name.endsWith('_bucket')) {
      if (le === undefined) throw new PrometheusTextError(line, `${sample.name} without le`);
      entry.buckets.push([parseValue(le, line), sample.value]);
    } else if (sample.name.endsWith('_count')) entry.count = sample.value;
  }
  for (const { buckets, count } of series.values()) {
    const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
    const last = sorted.at(-1);
    if (last?.[0] !== Number.POSITIVE_INFINITY || last[1] !== count) {
      throw new PrometheusTextError(line, `${family.name}: +Inf bucket must equal _count`);
    }
    sorted.forEach(([, value], i) => {
      if (i > 0 && value < (sorted[i - 1]?.[1] ?? 0)) {
        throw new PrometheusTextError(line, `${family.name}: buckets must be cumulative`);
      }
    });
  }
}

/**
 * Parses Prometheus text (exposition format 0.0.4) strictly: every sample
 * belongs to a family declared by `# TYPE` before it (with the suffixes
 * its kind owns), names and labels are well formed, values are numbers,
 * a family is declared once, and a histogram's buckets are cumulative and
 * end at `+Inf` equal to `_count`. What the tests check `/metrics` with and
 * what the bench reads the front's figures from: a scrape Prometheus would
 * refuse fails here too.
 *
 * @example
 * ```ts
 * const families = parsePrometheusText(await (await fetch(`${base}/metrics`)).text());
 * sumOf(families, 'sluice_submits_total', { outcome: 'accepted' });
 * ```
 */
export function parsePrometheusText(text: string): MetricFamily[] {
  const families = new Map<string, MetricFamily>();
  const typed = new Set<string>();
  let current: MetricFamily | undefined;
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
      if (match === null) return; // a comment
      const [, keyword, name = '', rest = ''] = match;
      if (!METRIC_NAME.test(name)) throw new PrometheusTextError(line, `bad metric name ${name}`);
      const family = families.get(name) ?? { name, help: '', kind: 'untyped', samples: [] };
      if (keyword === 'TYPE') {
        if (!KINDS.has(rest)) throw new PrometheusTextError(line, `bad type ${rest}`);
        if (typed.has(name)) throw new PrometheusTextError(line, `${name} declared twice`);
        typed.add(name);
        family.kind = rest as MetricKind;
      } else family.help = rest;
      families.set(name, family);
      current = family;
      return;
    }
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(raw);
    if (nameMatch === null) throw new PrometheusTextError(line, 'bad sample name');
    const name = nameMatch[0];
    let rest = raw.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, line));
    const [value = '', timestamp, extra] = rest.trim().split(/\s+/);
    if (extra !== undefined || (timestamp !== undefined && !/^-?\d+$/.test(timestamp))) {
      throw new PrometheusTextError(line, 'trailing text after the value');
    }
    const family =
      current !== undefined &&
      SUFFIXES[current.kind].some((suffix) => `${current?.name}${suffix}` === name)
        ? current
        : undefined;
    if (family === undefined) {
      throw new PrometheusTextError(line, `sample ${name} outside its family's # TYPE`);
    }
    family.samples.push({ name, labels, value: parseValue(value, line) });
  });
  for (const family of families.values()) {
    if (family.kind === 'histogram') checkHistogram(family, lines.length);
  }
  return [...families.values()];
}

/**
 * The sum of the samples named `name` whose labels include `labels` (0 when
 * none): a counter across the label values not asked for.
 *
 * @example
 * ```ts
 * sumOf(families, 'sluice_aws_call_duration_seconds_count', { service: 'SQS' });
 * ```
 */
export function sumOf(
  families: readonly MetricFamily[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  let total = 0;
  for (const family of families) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue;
      if (Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) {
        total += sample.value;
      }
    }
  }
  return total;
}
