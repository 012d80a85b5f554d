import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type {
  JobServiceClient,
  SubmitJobRequest,
  SubmitJobsRequest,
  SubmitJobsResponse,
} from '../../../proto/gen/ts/sluice/v1/job_service.js';

/** How one submit ended, as a client in any language would see it. */
export interface SubmitOutcome {
  /** The idempotency key it was submitted with. */
  key: string;
  code: status;
  /** Set when `code` is OK. */
  jobId?: string;
  /** How long until the status came. */
  durationMs: number;
}

/**
 * One unary SubmitJob with a deadline, resolved (never rejected) with its
 * status: the deadline makes "no call hangs" checkable — a front that never
 * answers shows up as DEADLINE_EXCEEDED.
 *
 * @example
 * ```ts
 * const outcome = await submitOnce(client.raw, request, 20_000);
 * expect(outcome.code).toBe(status.OK);
 * ```
 */
export function submitOnce(
  client: JobServiceClient,
  request: SubmitJobRequest,
  deadlineMs: number,
): Promise<SubmitOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    client.submitJob(
      request,
      new Metadata(),
      { deadline: Date.now() + deadlineMs },
      (error: ServiceError | null, response) => {
        const durationMs = performance.now() - started;
        const key = request.idempotencyKey;
        resolve(
          error === null
            ? { key, code: status.OK, jobId: response.jobId, durationMs }
            : { key, code: error.code, durationMs },
        );
      },
    );
  });
}

/**
 * One SubmitJobs stream of `requests`, resolved with each item's outcome
 * (an item error carries its code) and the stream's own final status.
 * Writing stops when the call ends early (a server going away).
 *
 * @example
 * ```ts
 * const { items, streamCode } = await submitStream(client.raw, requests, 60_000);
 * ```
 */
export function submitStream(
  client: JobServiceClient,
  requests: readonly SubmitJobRequest[],
  deadlineMs: number,
): Promise<{ items: SubmitOutcome[]; streamCode: status }> {
  const started = performance.now();
  const call = client.submitJobs(new Metadata(), { deadline: Date.now() + deadlineMs });
  const items: SubmitOutcome[] = [];
  let open = true;
  const ended = new Promise<status>((resolve) => {
    call.on('status', () => {
      open = false;
    });
    call.on('data', (response: SubmitJobsResponse) => {
      const durationMs = performance.now() - started;
      const key = requests[Number(response.ref)]?.idempotencyKey ?? '';
      items.push(
        response.accepted === undefined
          ? { key, code: response.error?.code ?? status.UNKNOWN, durationMs }
          : { key, code: status.OK, jobId: response.accepted.jobId, durationMs },
      );
    });
    call.on('error', (error: ServiceError) => resolve(error.code));
    call.on('end', () => resolve(status.OK));
  });
  void (async () => {
    for (const [index, job] of requests.entries()) {
      if (!open) return;
      const request: SubmitJobsRequest = { ref: String(index), job };
      if (!call.write(request)) {
        await Promise.race([new Promise((resolve) => call.once('drain', resolve)), ended]);
      }
    }
    if (open) call.end();
  })();
  return ended.then((streamCode) => ({ items, streamCode }));
}

/**
 * Outcomes counted by status name, for reports and readable assertions.
 *
 * @example
 * ```ts
 * expect(codeCounts(outcomes)).toEqual({ OK: 200 });
 * ```
 */
export function codeCounts(
  outcomes: readonly Pick<SubmitOutcome, 'code'>[],
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { code } of outcomes) {
    const name = status[code] ?? String(code);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** How one WatchJobs call ended. */
export interface WatchOutcome {
  code: status;
  /** Snapshots received before the end. */
  snapshots: number;
}

/**
 * One WatchJobs call followed to its end, resolved (never rejected) with its
 * status and how many snapshots came first.
 *
 * @example
 * ```ts
 * const watch = watchUntilEnd(client.raw, jobIds);
 * expect((await watch).code).toBe(status.UNAVAILABLE);
 * ```
 */
export function watchUntilEnd(
  client: JobServiceClient,
  jobIds: readonly string[],
  onSnapshot?: () => void,
): Promise<WatchOutcome> {
  const call = client.watchJobs({ jobIds: [...jobIds] });
  let snapshots = 0;
  return new Promise((resolve) => {
    call.on('data', () => {
      snapshots += 1;
      onSnapshot?.();
    });
    call.on('error', (error: ServiceError) => resolve({ code: error.code, snapshots }));
    call.on('end', () => resolve({ code: status.OK, snapshots }));
  });
}
