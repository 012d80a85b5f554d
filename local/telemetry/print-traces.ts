import { formatSpanTree } from './format-span-tree.js';
import type { ReceivedSpan } from './otlp-json-receiver.js';

/** How long a trace must stay quiet before it is printed: its spans come in several exports. */
export const DEFAULT_QUIET_MS = 2_000;

/** Options of `TracePrinter`. */
export interface TracePrinterOptions {
  /** Where each printed trace goes, a block of lines. */
  write: (text: string) => void;
  quietMs?: number;
}

/**
 * Gathers received spans by trace and prints each trace as a tree once no
 * span of it arrived for `quietMs` (a job's spans come from the front and
 * the consumers, in separate exports). A span arriving later for a printed
 * trace prints the trace again, whole.
 *
 * @example
 * ```ts
 * const printer = new TracePrinter({ write: (text) => process.stdout.write(text) });
 * await startOtlpJsonReceiver({ port: 4318, onSpan: (span) => printer.add(span) });
 * ```
 */
export class TracePrinter {
  readonly #traces = new Map<string, ReceivedSpan[]>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #write: (text: string) => void;
  readonly #quietMs: number;

  constructor(options: TracePrinterOptions) {
    this.#write = options.write;
    this.#quietMs = options.quietMs ?? DEFAULT_QUIET_MS;
  }

  /** Adds one span; its trace is printed after the quiet period. */
  add(span: ReceivedSpan): void {
    this.#traces.set(span.traceId, [...(this.#traces.get(span.traceId) ?? []), span]);
    clearTimeout(this.#timers.get(span.traceId));
    this.#timers.set(
      span.traceId,
      setTimeout(() => this.#print(span.traceId), this.#quietMs),
    );
  }

  /** Prints every trace not yet printed, at once (on exit). */
  flush(): void {
    for (const traceId of [...this.#timers.keys()]) this.#print(traceId);
  }

  #print(traceId: string): void {
    clearTimeout(this.#timers.get(traceId));
    this.#timers.delete(traceId);
    const spans = this.#traces.get(traceId) ?? [];
    this.#write([`trace ${traceId}`, ...formatSpanTree(spans), ''].join('\n') + '\n');
  }
}
