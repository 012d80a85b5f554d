import { emptyOperationCounts, type AwsCallCounts } from '../aws/aws-call-counts.js';
import { PRICE_LIST } from './price-list.js';

const PER_MILLION = 1_000_000;
const MS_PER_SECOND = 1000;
const MB_PER_GB = 1024;
const SECONDS_PER_HOUR = 3600;
/** The front's task shape priced for Fargate: 2 GB of memory per vCPU. */
const FARGATE_GB_PER_VCPU = 2;

/** One priced line: what is counted per job, and what a million jobs cost. */
export interface CostLine {
  service: 'SQS' | 'DynamoDB' | 'Lambda' | 'Fargate';
  item: string;
  /** API calls per job (or invocations, or vCPU-seconds). */
  callsPerJob: number;
  /** Billed units per job: SQS requests, DynamoDB request units, GB-seconds, vCPU-seconds. */
  unitsPerJob: number;
  unit: string;
  /** USD per million jobs. */
  usdPerMillionJobs: number;
}

/** What one design costs per million jobs, itemised. */
export interface CostEstimate {
  name: string;
  /** Jobs the counted calls served. */
  jobs: number;
  lines: CostLine[];
  usdPerMillionJobs: number;
}

/** The consumer function's invocations as the event-source runner ran them. */
export interface HandlerRuns {
  invocations: number;
  /** The handler's run time summed over invocations, each rounded up to 1 ms. */
  billedDurationMs: number;
}

/** Everything the cost model needs from a measured window. */
export interface CostInput {
  name: string;
  jobs: number;
  calls: AwsCallCounts;
  /** The consumer function's configured memory. */
  lambdaMemoryMb: number;
  /**
   * What the consumers ran in the window (absent: none ran). Lambda bills the
   * handler's run; the event source mapping's receives and deletes are not
   * part of it (they are priced as SQS requests).
   */
  handlers?: HandlerRuns;
  /** CPU seconds the front spent in the window (priced as Fargate), if sampled. */
  frontCpuSeconds?: number;
}

/**
 * Prices counted calls with the public list prices (price-list.ts): each SQS
 * call by its 64 KiB chunks, each DynamoDB call by the request units the
 * emulator reported, Lambda by invocations and by the handlers' billed
 * duration in GB-seconds at the function's memory, and the front's measured CPU time as Fargate vCPU time (at 100 %
 * utilisation — the floor of what the task costs).
 *
 * @example
 * ```ts
 * const estimate = priceCalls({ name: 'sluice', jobs: 10_000, calls, lambdaMemoryMb: 512 });
 * estimate.usdPerMillionJobs; // e.g. 2.1
 * ```
 */
export function priceCalls(input: CostInput): CostEstimate {
  const perJob = (n: number): number => (input.jobs > 0 ? n / input.jobs : 0);
  const lines: CostLine[] = [];
  const sqsLine = (item: string, calls: number, billable: number): CostLine => ({
    service: 'SQS',
    item,
    callsPerJob: perJob(calls),
    unitsPerJob: perJob(billable),
    unit: 'requests (64 KiB chunks)',
    usdPerMillionJobs: perJob(billable) * PRICE_LIST.sqsFifoPerMillionRequests,
  });
  for (const op of Object.values(input.calls.operations)) {
    if (op.service === 'sqs' && op.operation === 'ReceiveMessage') {
      // Receives that returned messages are the invocations; the rest came back empty.
      const full = Math.min(op.calls, input.calls.lambda.invocations);
      const fullBillable = op.calls > 0 ? (op.billableRequests * full) / op.calls : 0;
      lines.push(sqsLine('ReceiveMessage (with messages)', full, fullBillable));
      lines.push(
        sqsLine('ReceiveMessage (empty)', op.calls - full, op.billableRequests - fullBillable),
      );
    } else if (op.service === 'sqs') {
      lines.push(sqsLine(op.operation, op.calls, op.billableRequests));
    } else if (op.service === 'dynamodb' && op.readUnits + op.writeUnits > 0) {
      const isWrite = op.writeUnits > 0;
      const units = perJob(isWrite ? op.writeUnits : op.readUnits);
      lines.push({
        service: 'DynamoDB',
        item: op.operation,
        callsPerJob: perJob(op.calls),
        unitsPerJob: units,
        unit: isWrite ? 'write request units' : 'read request units',
        usdPerMillionJobs:
          units *
          (isWrite
            ? PRICE_LIST.dynamoDbPerMillionWriteUnits
            : PRICE_LIST.dynamoDbPerMillionReadUnits),
      });
    }
  }
  const invocations = perJob(input.handlers?.invocations ?? input.calls.lambda.invocations);
  lines.push({
    service: 'Lambda',
    item: 'requests',
    callsPerJob: invocations,
    unitsPerJob: invocations,
    unit: 'invocations',
    usdPerMillionJobs: invocations * PRICE_LIST.lambdaPerMillionRequests,
  });
  const gbSeconds = perJob(
    ((input.handlers?.billedDurationMs ?? 0) / MS_PER_SECOND) * (input.lambdaMemoryMb / MB_PER_GB),
  );
  lines.push({
    service: 'Lambda',
    item: `duration (Arm, ${input.lambdaMemoryMb} MB)`,
    callsPerJob: invocations,
    unitsPerJob: gbSeconds,
    unit: 'GB-seconds',
    usdPerMillionJobs: gbSeconds * PER_MILLION * PRICE_LIST.lambdaArmPerGbSecond,
  });
  if (input.frontCpuSeconds !== undefined) {
    const vcpuSeconds = perJob(input.frontCpuSeconds);
    const usdPerVcpuSecond =
      (PRICE_LIST.fargateArmPerVcpuHour + FARGATE_GB_PER_VCPU * PRICE_LIST.fargateArmPerGbHour) /
      SECONDS_PER_HOUR;
    lines.push({
      service: 'Fargate',
      item: `front CPU time (ARM, 1 vCPU : ${FARGATE_GB_PER_VCPU} GB, at 100 % use)`,
      callsPerJob: 0,
      unitsPerJob: vcpuSeconds,
      unit: 'vCPU-seconds',
      usdPerMillionJobs: vcpuSeconds * PER_MILLION * usdPerVcpuSecond,
    });
  }
  return {
    name: input.name,
    jobs: input.jobs,
    lines,
    usdPerMillionJobs: lines.reduce((sum, line) => sum + line.usdPerMillionJobs, 0),
  };
}

/** Read units of one strongly consistent GetItem of a job record (≤ 4 KB). */
const GET_JOB_READ_UNITS = 1;
const WATCH_READ_OPERATION = 'dynamodb:BatchGetItem';
const GET_JOB_OPERATION = 'dynamodb:GetItem';

/**
 * The same jobs awaited with one GetJob each instead of a live watch: the
 * watch's BatchGetItem polls (the only BatchGetItem calls of a job's life)
 * give way to one strongly consistent GetItem per job. A watch is the
 * client's choice, and a client that does not watch does not pay for it.
 *
 * @example
 * ```ts
 * priceCalls(awaitedWithOneGetJob(endToEndLight)).usdPerMillionJobs;
 * ```
 */
export function awaitedWithOneGetJob(input: CostInput): CostInput {
  const operations: AwsCallCounts['operations'] = {};
  for (const [key, op] of Object.entries(input.calls.operations)) {
    if (key !== WATCH_READ_OPERATION) operations[key] = op;
  }
  const [service, operation] = GET_JOB_OPERATION.split(':') as ['dynamodb', string];
  const gets = operations[GET_JOB_OPERATION] ?? emptyOperationCounts(service, operation);
  operations[GET_JOB_OPERATION] = {
    ...gets,
    calls: gets.calls + input.jobs,
    entries: gets.entries + input.jobs,
    billableRequests: gets.billableRequests + input.jobs,
    readUnits: gets.readUnits + input.jobs * GET_JOB_READ_UNITS,
  };
  return {
    ...input,
    name: `${input.name}, awaited with one GetJob`,
    calls: { ...input.calls, operations },
  };
}

/** The operations of the submit path, where the naive producer differs from the front. */
const SUBMIT_PATH_OPERATIONS = new Set([
  'sqs:SendMessage',
  'sqs:SendMessageBatch',
  'dynamodb:PutItem',
]);

function scaleCounts(counts: AwsCallCounts, factor: number): AwsCallCounts {
  const operations: AwsCallCounts['operations'] = {};
  for (const [key, op] of Object.entries(counts.operations)) {
    operations[key] = {
      ...op,
      calls: op.calls * factor,
      errors: op.errors * factor,
      entries: op.entries * factor,
      billableRequests: op.billableRequests * factor,
      readUnits: op.readUnits * factor,
      writeUnits: op.writeUnits * factor,
      requestBytes: op.requestBytes * factor,
      responseBytes: op.responseBytes * factor,
    };
  }
  return { operations, lambda: { ...counts.lambda } };
}

/**
 * The naive design's whole-job cost: the naive producer's measured submit
 * path (one SendMessage and one PutItem per job) in place of the front's,
 * with everything after the queue — consumers, watchers, the front's CPU —
 * as measured for Sluice (the naive design changes only the producer).
 *
 * @example
 * ```ts
 * const naive = withSubmitPathOf(sluiceEndToEnd, naiveUnary);
 * priceCalls(naive).usdPerMillionJobs;
 * ```
 */
export function withSubmitPathOf(whole: CostInput, submitPath: CostInput): CostInput {
  const scaled = scaleCounts(
    submitPath.calls,
    submitPath.jobs > 0 ? whole.jobs / submitPath.jobs : 0,
  );
  const operations: AwsCallCounts['operations'] = {};
  for (const [key, op] of Object.entries(whole.calls.operations)) {
    if (!SUBMIT_PATH_OPERATIONS.has(key)) operations[key] = op;
  }
  for (const [key, op] of Object.entries(scaled.operations)) {
    if (SUBMIT_PATH_OPERATIONS.has(key)) operations[key] = op;
  }
  // The front's CPU time stays the measured one: the naive design still needs a front that
  // serves WatchJobs, and the submit path's CPU difference is shown by the unary scenario.
  return {
    ...whole,
    name: `${submitPath.name} + ${whole.name} after the queue`,
    calls: { operations, lambda: whole.calls.lambda },
  };
}
