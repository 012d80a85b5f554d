/**
 * The work a load-generating child process is asked to do, and what it
 * reports back over IPC. Latencies travel as compressed HDR histograms.
 */

/** Closed-loop unary calls with a fixed number in flight. */
export interface UnaryLoadTask {
  kind: 'unary';
  /** `echo`: the raw grpc-js echo service; `submit`: JobService/SubmitJob. */
  target: 'echo' | 'submit';
  address: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** SubmitJob only: a fresh idempotency key per job (the TypeScript client's default). */
  keyed?: boolean;
  /** SubmitJob only: sent as `authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

/** Messages echoed over bidi streams, with a bounded window in flight per stream. */
export interface BidiEchoLoadTask {
  kind: 'bidi-echo';
  address: string;
  streams: number;
  windowPerStream: number;
  warmupMs: number;
  durationMs: number;
}

/** A fixed number of jobs over SubmitJobs streams, after a warm-up batch. */
export interface BulkSubmitLoadTask {
  kind: 'bulk-submit';
  address: string;
  streams: number;
  jobs: number;
  warmupJobs: number;
  /** Jobs written but not yet answered, per stream. */
  windowPerStream: number;
  /** How many accepted job ids to send back (for the watch fan-out). */
  returnJobIds: number;
  /** The number of the first job (runs in one session number their jobs apart); 0 when unset. */
  firstJob?: number;
  /** The payload size of each job (bytes); the bench job's ~100 B when unset. */
  payloadBytes?: number;
  /** A fresh idempotency key per job, as the TypeScript client sends by default. */
  keyed?: boolean;
  /** An API key for a front with API keys on. */
  apiKey?: string;
}

/**
 * The calls of a job that a ceiling run can measure: the submit path's
 * (`sendBatch`, `conditionalPut`; both together, overlapped, are the
 * pipelined direct producer's), and `jobWrites` — the three
 * conditional writes of one job's life in order (the record's PutItem, the
 * claim's and the outcome's UpdateItem), which bound completed jobs/s.
 */
export type SubmitPathCall = 'sendBatch' | 'conditionalPut' | 'jobWrites';

/**
 * The emulators' own ceilings for the calls one job needs on the submit path,
 * each measured at every concurrency listed (a ceiling is the best of them).
 */
export interface SubmitPathCeilingTask {
  kind: 'submit-path-ceiling';
  awsEndpoint: string;
  queueUrl: string;
  tableName: string;
  calls: SubmitPathCall[];
  /** SendMessageBatch calls in flight. */
  batchConcurrencies: number[];
  /** Conditional PutItem calls (or jobs' write sequences) in flight. */
  putConcurrencies: number[];
  /** Warm-up before each kind of call. */
  warmupMs: number;
  /** Measured time of each concurrency. */
  durationMs: number;
}

/** Submit → SUCCEEDED on a WatchJobs stream, at a fixed arrival rate. */
export interface LightEndToEndTask {
  kind: 'end-to-end-light';
  address: string;
  jobsPerSecond: number;
  warmupMs: number;
  durationMs: number;
  jobTimeoutMs: number;
}

/**
 * A job's critical-path AWS calls made directly, one chain at a time, at a
 * fixed rate: the floor of end-to-end latency on these emulators.
 */
export interface DirectChainTask {
  kind: 'direct-chain';
  awsEndpoint: string;
  /** A FIFO queue no consumer polls. */
  queueUrl: string;
  tableName: string;
  jobsPerSecond: number;
  warmupMs: number;
  durationMs: number;
}

/** The calls of a direct chain, each timed. */
export type ChainStep = 'send' | 'record' | 'wake' | 'claim' | 'finish' | 'read';

/** A direct chain's result: total latency, and each step's. */
export interface DirectChainResult extends ThroughputResult {
  histogram: string;
  steps: Record<ChainStep, string>;
}

/** As many echo jobs as the system takes, watched until they all succeed. */
export interface SaturatedEndToEndTask {
  kind: 'end-to-end-saturation';
  address: string;
  jobs: number;
  warmupJobs: number;
  streams: number;
  windowPerStream: number;
  idsPerWatch: number;
  timeoutMs: number;
}

/**
 * Many jobs watched on many streams of one front: a steady window with no
 * changes (the poller's cost), then a phase that cancels some of the jobs
 * (changes to deliver).
 */
export interface WatchFanOutTask {
  kind: 'watch-fanout';
  address: string;
  jobIds: string[];
  streams: number;
  settleTimeoutMs: number;
  durationMs: number;
  cancels: number;
  cancelConcurrency: number;
  /** The cancel phase ends after this long even if cancels remain. */
  cancelPhaseMs: number;
}

/**
 * The pipelined direct producer: the submit path's AWS calls for `jobs`
 * jobs made directly, overlapped as the front overlaps them — up to
 * `batchesInFlight` 10-entry SendMessageBatch calls open, each answered
 * batch's conditional PutItems started at once (sends do not wait for
 * them), at most `jobsInFlight` jobs sent or being recorded.
 */
export interface DirectProducerTask {
  kind: 'direct-producer';
  awsEndpoint: string;
  queueUrl: string;
  tableName: string;
  jobs: number;
  /** Jobs run (and discarded) before the measured ones, at the same settings. */
  warmupJobs: number;
  batchesInFlight: number;
  jobsInFlight: number;
  /** The payload of each job (bytes); the bench job's ~100 B when unset. */
  payloadBytes?: number;
  /** Read each job's record first (strongly consistent GetItem), as a keyed submit does. */
  keyed?: boolean;
}

/** The per-job GetItem poller (a naive watcher), paced at a rate, for a duration. */
export interface GetItemPollerTask {
  kind: 'getitem-poller';
  awsEndpoint: string;
  tableName: string;
  jobIds: string[];
  /** GetItem calls a second it aims at (ids × the watch hub's polls a second). */
  callsPerSecond: number;
  /** Reads open at most. */
  concurrency: number;
  durationMs: number;
}

/** Any task. */
export type LoadTask =
  | UnaryLoadTask
  | BidiEchoLoadTask
  | BulkSubmitLoadTask
  | SubmitPathCeilingTask
  | LightEndToEndTask
  | DirectChainTask
  | SaturatedEndToEndTask
  | WatchFanOutTask
  | DirectProducerTask
  | GetItemPollerTask;

/** What a load session (one warm process, many tasks) sends its worker. */
export type SessionMessage = { kind: 'session-task'; task: LoadTask } | { kind: 'session-end' };

/** Counts of calls that failed, by gRPC status or error name. */
export type ErrorCounts = Record<string, number>;

/** What a throughput run reports. */
export interface ThroughputResult {
  completed: number;
  elapsedMs: number;
  /** Compressed HDR histogram of per-call latency (ms), when latencies were recorded. */
  histogram?: string;
  errors: ErrorCounts;
}

/** The result of a bulk submit. */
export interface BulkSubmitResult extends ThroughputResult {
  accepted: number;
  rejected: number;
  jobIds: string[];
}

/** One concurrency of a ceiling run. */
export interface CeilingPoint {
  concurrency: number;
  result: ThroughputResult;
}

/**
 * Single calls measured directly: messages/s of 10-entry SendMessageBatch
 * calls alone, conditional PutItem calls/s alone, job write sequences/s.
 */
export type SubmitPathCeilingResult = Partial<Record<SubmitPathCall, CeilingPoint[]>>;

/** The result of the end-to-end saturation run. */
export interface SaturatedEndToEndResult {
  submitted: number;
  succeeded: number;
  otherTerminal: number;
  /** Completion times (ms since the first submit), sorted. */
  completionOffsetsMs: number[];
  submitElapsedMs: number;
  histogram: string;
  errors: ErrorCounts;
}

/** The result of the watch fan-out. */
export interface WatchFanOutResult {
  streamsOpened: number;
  /** Snapshots received before the window (each job's first state). */
  initialSnapshots: number;
  settleMs: number;
  /** Snapshots received during the steady window. */
  windowEvents: number;
  windowMs: number;
  cancelled: number;
  /** Snapshots received during the cancel phase (and until the streams were closed). */
  cancelPhaseEvents: number;
  cancelPhaseMs: number;
  /** Streams the server ended because every job on them was terminal. */
  streamsEndedByServer: number;
  errors: ErrorCounts;
}

/** A message from a load process to the bench. */
export type LoadMessage =
  | { type: 'ready' }
  | { type: 'mark'; name: string }
  | { type: 'result'; result: unknown }
  | { type: 'error'; message: string };
