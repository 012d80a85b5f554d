import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { BulkSubmitItem, JsonValue } from '@sluice/client';

/** One line of a jobs file. */
const jobLineSchema = z.strictObject({
  ref: z.string().min(1).optional(),
  channel: z.string().min(1).optional(),
  type: z.string().min(1),
  /** A string is sent as UTF-8 text; any other JSON value as JSON. */
  payload: z.json().optional(),
  contentType: z.string().optional(),
  groupKey: z.string().optional(),
  idempotencyKey: z.string().optional(),
  attributes: z.record(z.string(), z.string()).optional(),
});

/**
 * A line that could not be turned into a job: it is reported, never sent.
 *
 * @example
 * ```ts
 * readJsonlJobs(source, (line: InvalidLine) => summary.addInvalidLine(line));
 * ```
 */
export interface InvalidLine {
  ref: string;
  line: number;
  reason: string;
}

/**
 * Where a jobs file comes from and how its jobs are completed.
 *
 * @example
 * ```ts
 * const source: JsonlJobSource = { path: '-', stdin: process.stdin, defaultChannel: 'default' };
 * ```
 */
export interface JsonlJobSource {
  /** A file path, or `-` for standard input. */
  path: string;
  stdin: NodeJS.ReadableStream;
  /** The channel of lines that name none. */
  defaultChannel: string;
}

/**
 * Reads a JSON-lines jobs file (one job object per line, blank lines
 * skipped) as bulk-submit items, lazily — a file of any size streams through
 * in constant memory. A line without a `ref` gets `line:<n>`. Invalid lines
 * are passed to `onInvalid` instead of being yielded.
 *
 * @example
 * ```ts
 * const items = readJsonlJobs({ path: 'jobs.jsonl', stdin: process.stdin, defaultChannel: 'default' }, report);
 * for await (const result of client.submitMany(items)) …
 * ```
 */
export async function* readJsonlJobs(
  source: JsonlJobSource,
  onInvalid: (line: InvalidLine) => void,
): AsyncGenerator<BulkSubmitItem, void, undefined> {
  const input = source.path === '-' ? source.stdin : createReadStream(source.path);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let number = 0;
  for await (const text of lines) {
    number += 1;
    if (text.trim() === '') continue;
    const parsed = parseLine(text);
    const ref =
      parsed.success && parsed.data.ref !== undefined ? parsed.data.ref : `line:${number}`;
    if (!parsed.success) {
      onInvalid({ ref, line: number, reason: parsed.reason });
      continue;
    }
    const { ref: _ref, payload, channel, ...job } = parsed.data;
    yield {
      ref,
      job: {
        ...job,
        channel: channel ?? source.defaultChannel,
        payload:
          payload === undefined || typeof payload === 'string'
            ? payload
            : { json: payload as JsonValue },
      },
    };
  }
}

/**
 * Counts the non-blank lines of a file (the progress bar's total) without
 * holding it in memory.
 *
 * @example
 * ```ts
 * const total = await countJobLines('jobs.jsonl');
 * ```
 */
export async function countJobLines(path: string): Promise<number> {
  let count = 0;
  for await (const text of createInterface({
    input: createReadStream(path),
    crlfDelay: Infinity,
  })) {
    if (text.trim() !== '') count += 1;
  }
  return count;
}

type LineParse =
  { success: true; data: z.infer<typeof jobLineSchema> } | { success: false; reason: string };

function parseLine(text: string): LineParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { success: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const parsed = jobLineSchema.safeParse(value);
  if (parsed.success) return { success: true, data: parsed.data };
  const reason = parsed.error.issues
    .map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`)
    .join('; ');
  return { success: false, reason };
}
