import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { MachineInfo } from './machine-info.js';
import type { ScenarioResult } from './scenario-result.js';

/** The version of the results file's shape. */
export const RESULTS_FORMAT_VERSION = 1;

const targetSchema = z.object({
  description: z.string(),
  subject: z.enum(['value', 'ratio']),
  comparison: z.enum(['<=', '>=']),
  threshold: z.number(),
  met: z.boolean().nullable(),
});

const measurementSchema = z.object({
  name: z.string(),
  value: z.number().nullable(),
  unit: z.string(),
  baseline: z
    .object({
      name: z.string(),
      value: z.number(),
      unit: z.string(),
      samples: z.array(z.number()).optional(),
    })
    .optional(),
  ratio: z.number().optional(),
  target: targetSchema.optional(),
  samples: z.array(z.number()).optional(),
  ratioSamples: z.array(z.number()).optional(),
});

const scenarioSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['ok', 'error']),
  error: z.string().optional(),
  measurements: z.array(measurementSchema),
  details: z.record(z.string(), z.unknown()),
  settings: z.record(z.string(), z.unknown()),
  notes: z.array(z.string()),
  durationMs: z.number(),
});

/** The schema of bench/results/latest.json. */
export const resultsFileSchema = z.object({
  format: z.literal(RESULTS_FORMAT_VERSION),
  suite: z.literal('sluice-bench'),
  mode: z.enum(['quick', 'full']),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  machine: z.object({
    node: z.string(),
    platform: z.string(),
    kernel: z.string(),
    cpuModel: z.string(),
    cpuCores: z.number(),
    totalMemoryMb: z.number(),
    loadAverage: z.array(z.number()),
  }),
  settings: z.record(z.string(), z.unknown()),
  scenarios: z.array(scenarioSchema).min(1),
});

/** The whole results file. */
export interface ResultsFile {
  format: typeof RESULTS_FORMAT_VERSION;
  suite: 'sluice-bench';
  mode: 'quick' | 'full';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  machine: MachineInfo;
  settings: Record<string, unknown>;
  scenarios: ScenarioResult[];
}

/**
 * Writes the results as pretty JSON. Figures that could not be measured are
 * already `null`; any other non-finite number would become `null` too, which
 * the schema rejects where it expects a number.
 *
 * @example
 * ```ts
 * await writeResultsFile('bench/results/latest.json', results);
 * ```
 */
export async function writeResultsFile(path: string, results: ResultsFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
}

/**
 * Reads and validates a results file; throws a `ZodError` naming the first
 * bad field.
 *
 * @example
 * ```ts
 * const results = await readResultsFile('bench/results/latest.json');
 * ```
 */
export async function readResultsFile(path: string): Promise<z.infer<typeof resultsFileSchema>> {
  return resultsFileSchema.parse(JSON.parse(await readFile(path, 'utf8')));
}
