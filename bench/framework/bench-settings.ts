/** Sizes and durations of every scenario; `quick` is CI's smoke run (< 3 minutes). */
export interface BenchSettings {
  mode: 'quick' | 'full';
  ceiling: {
    concurrency: number;
    streamCounts: number[];
    windowPerStream: number;
    warmupMs: number;
    durationMs: number;
  };
  unary: {
    concurrency: number;
    warmupMs: number;
    durationMs: number;
    /** Front runs, each next to a naive producer run (interleaved, alternating order). */
    repetitions: number;
  };
  /** The front's own cost, against the instant AWS backend. */
  frontCost: {
    concurrency: number;
    warmupMs: number;
    durationMs: number;
    repetitions: number;
    bulkStreams: number;
    bulkJobs: number;
    bulkWarmupJobs: number;
  };
  bulk: {
    jobs: number;
    warmupJobs: number;
    streamCounts: number[];
    windowPerStream: number;
    /** Batches in flight tried for the direct ceilings (the front's default is 8). */
    ceilingBatchConcurrencies: number[];
    ceilingPutConcurrencies: number[];
    ceilingWarmupMs: number;
    ceilingDurationMs: number;
    /** Front runs per stream count, each next to a direct producer run (interleaved). */
    repetitions: number;
    /**
     * The pipelined direct producer's sweep: every pair of sends in flight and
     * jobs in flight, `jobs` each (after one warm-up); the best is the ceiling.
     */
    directSweep: {
      batchesInFlight: number[];
      jobsInFlight: number[];
      jobs: number;
      warmupJobs: number;
    };
  };
  endToEnd: {
    jobsPerSecond: number;
    warmupMs: number;
    durationMs: number;
    jobTimeoutMs: number;
    /** Measured time of the direct chain (the light load's floor), at the same rate. */
    chainDurationMs: number;
    /** Job write sequences in flight tried for the DynamoDB emulator's write ceiling. */
    writeCeilingConcurrencies: number[];
    saturationJobs: number;
    saturationWarmupJobs: number;
    streams: number;
    windowPerStream: number;
    idsPerWatch: number;
    saturationTimeoutMs: number;
    /** Full 10-message batches the consumer handler is timed on with the emulators idle. */
    fullBatchInvocations: number;
  };
  fanOut: {
    jobs: number;
    streams: number;
    settleTimeoutMs: number;
    durationMs: number;
    cancels: number;
    cancelConcurrency: number;
    cancelPhaseMs: number;
    /** The per-job GetItem poller measured beside the watch hub: reads open, and for how long. */
    pollerConcurrency: number;
    pollerDurationMs: number;
  };
  /** A load process that has not reported after this long is killed. */
  loadTimeoutMs: number;
}

const SHARED = {
  concurrency: 64,
  streamCounts: [1, 4],
  windowPerStream: 256,
  jobsPerSecond: 10,
  fanOutJobs: 10_000,
  fanOutStreams: 100,
  idsPerWatch: 100,
} as const;

const QUICK: BenchSettings = {
  mode: 'quick',
  ceiling: {
    concurrency: SHARED.concurrency,
    streamCounts: [...SHARED.streamCounts],
    windowPerStream: SHARED.windowPerStream,
    warmupMs: 1000,
    durationMs: 2500,
  },
  unary: { concurrency: SHARED.concurrency, warmupMs: 1000, durationMs: 3000, repetitions: 3 },
  frontCost: {
    concurrency: SHARED.concurrency,
    warmupMs: 500,
    durationMs: 2000,
    repetitions: 3,
    bulkStreams: 4,
    bulkJobs: 5_000,
    bulkWarmupJobs: 500,
  },
  bulk: {
    jobs: 3_000,
    warmupJobs: 300,
    streamCounts: [...SHARED.streamCounts],
    windowPerStream: SHARED.windowPerStream,
    ceilingBatchConcurrencies: [8, 32],
    ceilingPutConcurrencies: [8, 32],
    ceilingWarmupMs: 500,
    ceilingDurationMs: 1500,
    repetitions: 3,
    directSweep: {
      batchesInFlight: [4, 8, 16, 32],
      jobsInFlight: [256, 1024],
      jobs: 1_000,
      warmupJobs: 500,
    },
  },
  endToEnd: {
    jobsPerSecond: SHARED.jobsPerSecond,
    warmupMs: 1000,
    durationMs: 6000,
    jobTimeoutMs: 20_000,
    chainDurationMs: 3000,
    writeCeilingConcurrencies: [48],
    saturationJobs: 800,
    saturationWarmupJobs: 50,
    streams: 4,
    windowPerStream: SHARED.windowPerStream,
    idsPerWatch: SHARED.idsPerWatch,
    saturationTimeoutMs: 60_000,
    fullBatchInvocations: 10,
  },
  fanOut: {
    jobs: SHARED.fanOutJobs,
    streams: SHARED.fanOutStreams,
    settleTimeoutMs: 30_000,
    durationMs: 5000,
    cancels: 200,
    cancelConcurrency: 8,
    cancelPhaseMs: 5000,
    pollerConcurrency: 64,
    pollerDurationMs: 3000,
  },
  loadTimeoutMs: 120_000,
};

const FULL: BenchSettings = {
  mode: 'full',
  ceiling: { ...QUICK.ceiling, warmupMs: 2000, durationMs: 10_000 },
  unary: { ...QUICK.unary, warmupMs: 2000, durationMs: 10_000, repetitions: 5 },
  frontCost: {
    ...QUICK.frontCost,
    warmupMs: 1000,
    durationMs: 5000,
    repetitions: 5,
    bulkJobs: 20_000,
    bulkWarmupJobs: 2_000,
  },
  bulk: {
    ...QUICK.bulk,
    jobs: 30_000,
    warmupJobs: 2000,
    ceilingBatchConcurrencies: [4, 8, 32],
    ceilingPutConcurrencies: [8, 32, 64],
    ceilingWarmupMs: 1000,
    ceilingDurationMs: 4000,
    repetitions: 3,
    directSweep: {
      batchesInFlight: [2, 4, 8, 12, 16, 24, 32],
      jobsInFlight: [128, 256, 512, 1024],
      jobs: 3_000,
      warmupJobs: 2_000,
    },
  },
  endToEnd: {
    ...QUICK.endToEnd,
    warmupMs: 2000,
    durationMs: 30_000,
    chainDurationMs: 15_000,
    writeCeilingConcurrencies: [16, 48, 128],
    saturationJobs: 10_000,
    saturationWarmupJobs: 200,
    saturationTimeoutMs: 600_000,
    fullBatchInvocations: 40,
  },
  fanOut: {
    ...QUICK.fanOut,
    durationMs: 20_000,
    cancels: 1000,
    cancelPhaseMs: 20_000,
    settleTimeoutMs: 60_000,
    pollerDurationMs: 10_000,
  },
  loadTimeoutMs: 900_000,
};

/**
 * The settings of a run: the sizes in full mode, smaller ones in
 * quick mode (bulk 10,000 jobs instead of 100,000, shorter windows).
 *
 * @example
 * ```ts
 * const settings = benchSettings(options.quick);
 * ```
 */
export function benchSettings(quick: boolean): BenchSettings {
  return structuredClone(quick ? QUICK : FULL);
}
