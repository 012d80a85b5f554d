import { z } from 'zod';

/** What CloudWatch requires of an EMF line's `_aws` member (the parts Sluice writes). */
const emfDirective = z.object({
  _aws: z.object({
    Timestamp: z.number().int().positive(),
    CloudWatchMetrics: z
      .array(
        z.object({
          Namespace: z.string().min(1),
          Dimensions: z.array(z.array(z.string()).max(30)),
          Metrics: z.array(z.object({ Name: z.string().min(1), Unit: z.string().min(1) }).strict()),
        }),
      )
      .length(1),
  }),
});

/** One metric of a parsed EMF line. */
export interface ParsedEmfMetric {
  unit: string;
  value: number;
}

/** An EMF line read back as CloudWatch would read it. */
export interface ParsedEmfLine {
  namespace: string;
  /** Each dimension set with its values. */
  dimensionSets: Record<string, string>[];
  metrics: Record<string, ParsedEmfMetric>;
  /** The whole document (properties included). */
  fields: Record<string, unknown>;
}

/**
 * Parses one EMF line strictly: its directive must be well formed, every
 * metric it names must be a number in the document and every dimension a
 * string — the checks CloudWatch makes before it extracts a metric (a line
 * failing them is kept as a log event but yields no metric).
 *
 * @example
 * ```ts
 * const line = parseEmfLine(stdoutLine);
 * expect(line.metrics.RunTimeMs?.unit).toBe('Milliseconds');
 * ```
 */
export function parseEmfLine(line: string): ParsedEmfLine {
  const fields = JSON.parse(line) as Record<string, unknown>;
  const [directive] = emfDirective.parse(fields)._aws.CloudWatchMetrics;
  if (directive === undefined) throw new Error('no metric directive');
  const metrics: Record<string, ParsedEmfMetric> = {};
  for (const { Name, Unit } of directive.Metrics) {
    const value = fields[Name];
    if (typeof value !== 'number') throw new Error(`metric ${Name} has no numeric value`);
    metrics[Name] = { unit: Unit, value };
  }
  const dimensionSets = directive.Dimensions.map((names) =>
    Object.fromEntries(
      names.map((name) => {
        const value = fields[name];
        if (typeof value !== 'string') throw new Error(`dimension ${name} has no string value`);
        return [name, value];
      }),
    ),
  );
  return { namespace: directive.Namespace, dimensionSets, metrics, fields };
}

/** Whether a stdout line is an EMF line (rather than a log line or a response). */
export function isEmfLine(line: string): boolean {
  return line.startsWith('{"_aws":');
}
