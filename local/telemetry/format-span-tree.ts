import type { ReceivedSpan } from './otlp-json-receiver.js';

/** OTLP span kinds, as a reader knows them. */
const KIND_NAMES: Readonly<Record<number, string>> = {
  1: 'internal',
  2: 'server',
  3: 'client',
  4: 'producer',
  5: 'consumer',
};
/** OTLP's error status code. */
const STATUS_ERROR = 2;
/** Attributes worth a line's room: which job, which call, what went wrong. */
const SHOWN_ATTRIBUTES = ['sluice.job.id', 'sluice.job.type', 'rpc.grpc.status_code', 'error.type'];

function describe(span: ReceivedSpan): string {
  const kind = KIND_NAMES[span.kind] ?? 'unspecified';
  const shown = SHOWN_ATTRIBUTES.flatMap((key) =>
    span.attributes[key] === undefined ? [] : [`${key}=${String(span.attributes[key])}`],
  );
  const links = span.links.map((link) => `link→${link.spanId}`);
  const status = span.statusCode === STATUS_ERROR ? ['ERROR'] : [];
  return [
    `${span.name}`,
    `[${span.serviceName} ${kind}]`,
    `${span.durationMs.toFixed(1)} ms`,
    ...status,
    ...shown,
    ...links,
  ].join(' ');
}

function byStart(a: ReceivedSpan, b: ReceivedSpan): number {
  const difference = BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

/**
 * One trace's spans as an indented tree, a line per span in start order
 * under its parent: what `npm run traces` prints, so a job's path through
 * the front (server span, queue send, record write) and the consumer
 * (processing span and the processor's own spans) reads at a glance. A
 * span whose parent was not received (the caller's own span, in another
 * process) is a root, marked with its parent's id.
 *
 * @example
 * ```ts
 * for (const line of formatSpanTree(spansOfOneTrace)) console.log(line);
 * ```
 */
export function formatSpanTree(spans: readonly ReceivedSpan[]): string[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string, ReceivedSpan[]>();
  const roots: ReceivedSpan[] = [];
  for (const span of spans) {
    if (span.parentSpanId === '' || !ids.has(span.parentSpanId)) roots.push(span);
    else children.set(span.parentSpanId, [...(children.get(span.parentSpanId) ?? []), span]);
  }
  const lines: string[] = [];
  const visit = (span: ReceivedSpan, prefix: string, last: boolean, root: boolean): void => {
    const remote =
      root && span.parentSpanId !== '' ? ` (parent ${span.parentSpanId} not received)` : '';
    lines.push(`${prefix}${root ? '' : last ? '└─ ' : '├─ '}${describe(span)}${remote}`);
    const below = (children.get(span.spanId) ?? []).toSorted(byStart);
    const childPrefix = root ? prefix : `${prefix}${last ? '   ' : '│  '}`;
    below.forEach((child, index) => visit(child, childPrefix, index === below.length - 1, false));
  };
  for (const root of roots.toSorted(byStart)) visit(root, '', true, true);
  return lines;
}
