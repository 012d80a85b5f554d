/**
 * The CloudWatch units Sluice's metrics use (a subset of the `Unit` values
 * EMF accepts); the unit is also in each metric's name, so a reader of the
 * raw line needs no table.
 */
export type EmfUnit = 'Count' | 'Milliseconds' | 'Bytes';

/** One metric of an EMF line: its name, unit and value. */
export interface EmfMetric {
  readonly name: string;
  readonly unit: EmfUnit;
  readonly value: number;
}

/** What one EMF line says. */
export interface EmfLineFields {
  /** The CloudWatch namespace (e.g. `Sluice`). */
  readonly namespace: string;
  /** Epoch milliseconds the values are for. */
  readonly timestamp: number;
  /** Dimension names and values: every metric is published once per dimension set. */
  readonly dimensions: Readonly<Record<string, string>>;
  /**
   * The dimension sets, each a list of names of `dimensions` (e.g.
   * `[['channel', 'outcome'], ['channel']]`). Default: one set of all of them.
   */
  readonly dimensionSets?: readonly (readonly string[])[];
  readonly metrics: readonly EmfMetric[];
  /**
   * Searchable fields that are not metrics or dimensions (a job id, a trace
   * id): CloudWatch keeps them in the log event, never as a metric's
   * dimension, so their cardinality costs nothing.
   */
  readonly properties?: Readonly<Record<string, string | number>>;
}

/**
 * One line of CloudWatch Embedded Metric Format: a JSON log event whose `_aws`
 * member tells CloudWatch Logs which of its fields are metrics (with units)
 * and which are dimensions. A Lambda writes it to stdout and CloudWatch turns
 * it into metrics asynchronously — no API call, no extra latency in the
 * invocation. A few lines of JSON, so no library is needed for it.
 *
 * @example
 * ```ts
 * process.stdout.write(`${emfLine({
 *   namespace: 'Sluice', timestamp: Date.now(), dimensions: { channel: 'default' },
 *   metrics: [{ name: 'Jobs', unit: 'Count', value: 1 }],
 * })}\n`);
 * ```
 */
export function emfLine(fields: EmfLineFields): string {
  const dimensionSets = fields.dimensionSets ?? [Object.keys(fields.dimensions)];
  const document: Record<string, unknown> = {
    _aws: {
      Timestamp: fields.timestamp,
      CloudWatchMetrics: [
        {
          Namespace: fields.namespace,
          Dimensions: dimensionSets,
          Metrics: fields.metrics.map(({ name, unit }) => ({ Name: name, Unit: unit })),
        },
      ],
    },
    ...fields.properties,
    ...fields.dimensions,
    ...Object.fromEntries(fields.metrics.map(({ name, value }) => [name, value])),
  };
  return JSON.stringify(document);
}
