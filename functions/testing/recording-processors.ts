import type { Processor, ProcessorRegistry } from '../processors/processor.js';
import { PROCESSORS } from '../processors/processor-registry.js';

/** One processor run, as a test processor registry saw it. */
export interface ProcessorRun {
  jobId: string;
  type: string;
  attempt: number;
  /** Job's group, from its `group` attribute (tests set it). */
  group: string | undefined;
  startedAt: number;
  finishedAt?: number;
  outcome?: 'returned' | 'threw';
}

/** A processor registry that records every run of the processors it wraps. */
export interface RecordingProcessors {
  registry: ProcessorRegistry;
  runs: ProcessorRun[];
  runsOf(jobId: string): ProcessorRun[];
}

/**
 * Wraps processors (default: the deployment's) so tests can count runs and
 * see when each started and finished (ordering, overlap, run-once checks).
 * `extra` adds or replaces processors by type.
 *
 * @example
 * ```ts
 * const recording = recordingProcessors();
 * createConsumerHandler({ ..., processors: recording.registry });
 * expect(recording.runsOf(jobId)).toHaveLength(1);
 * ```
 */
export function recordingProcessors(
  extra: Record<string, Processor> = {},
  base: ProcessorRegistry = PROCESSORS,
): RecordingProcessors {
  const runs: ProcessorRun[] = [];
  const wrap =
    (type: string, processor: Processor): Processor =>
    async (input, ctx) => {
      const run: ProcessorRun = {
        jobId: ctx.jobId,
        type,
        attempt: ctx.attempt,
        group: ctx.attributes.group,
        startedAt: performance.now(),
      };
      runs.push(run);
      try {
        const output = await processor(input, ctx);
        run.outcome = 'returned';
        return output;
      } catch (error) {
        run.outcome = 'threw';
        throw error;
      } finally {
        run.finishedAt = performance.now();
      }
    };
  const all = new Map<string, Processor>([...base, ...Object.entries(extra)]);
  return {
    registry: new Map([...all].map(([type, processor]) => [type, wrap(type, processor)])),
    runs,
    runsOf: (jobId) => runs.filter((run) => run.jobId === jobId),
  };
}
