import {
  parsePrometheusText,
  sumOf,
  type MetricFamily,
} from '../../container/metrics/prometheus-text.js';
import { JobState, SubmitJobRequest } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';

/** A job that runs long enough to be watched while the test scrapes. */
const SLEEP_MS = 1_500;

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem();
}, 120_000);

afterAll(() => system.stop());

async function scrape(): Promise<MetricFamily[]> {
  const response = await fetch(`http://127.0.0.1:${system.runtime.healthPort}/metrics`);
  expect(response.status).toBe(200);
  return parsePrometheusText(await response.text());
}

describe("the front process's /metrics", () => {
  let before: MetricFamily[];
  let during: MetricFamily[];
  let after: MetricFamily[];

  beforeAll(async () => {
    before = await scrape();
    const { jobId } = await system.client.submit(
      SubmitJobRequest.fromPartial({
        channel: 'default',
        type: 'sleep',
        payload: Buffer.from(JSON.stringify({ ms: SLEEP_MS })),
      }),
    );
    let scraped: Promise<MetricFamily[]> | undefined;
    const snapshots = await system.client.watchAll([jobId], () => {
      // The first snapshot arrives on an open stream: scrape while it is open.
      scraped ??= scrape();
    });
    expect(snapshots.at(-1)?.state).toBe(JobState.JOB_STATE_SUCCEEDED);
    during = await (scraped as Promise<MetricFamily[]>);
    after = await scrape();
  }, 120_000);

  const moved = (name: string, labels: Record<string, string> = {}): number =>
    sumOf(after, name, labels) - sumOf(before, name, labels);

  it('counts the submit by channel and outcome, and times it', () => {
    expect(moved('sluice_submits_total', { channel: 'default', outcome: 'accepted' })).toBe(1);
    expect(moved('sluice_submit_duration_seconds_count', { channel: 'default' })).toBe(1);
  });

  it("counts the producer's batch and SQS's answer", () => {
    expect(moved('sluice_producer_batch_entries_count', { channel: 'default' })).toBe(1);
    expect(moved('sluice_producer_entries_sent_total')).toBe(1);
    expect(
      moved('sluice_aws_call_duration_seconds_count', {
        service: 'SQS',
        operation: 'SendMessageBatch',
      }),
    ).toBe(1);
  });

  it("times the front's DynamoDB calls: the record write and the watch's reads", () => {
    expect(
      moved('sluice_aws_call_duration_seconds_count', {
        service: 'DynamoDB',
        operation: 'PutItem',
      }),
    ).toBe(1);
    expect(
      moved('sluice_aws_call_duration_seconds_count', {
        service: 'DynamoDB',
        operation: 'BatchGetItem',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('shows the open watch stream and its job while watched, none after', () => {
    expect(sumOf(during, 'sluice_watch_streams_open')).toBe(1);
    expect(sumOf(during, 'sluice_watched_jobs')).toBe(1);
    expect(sumOf(after, 'sluice_watch_streams_open')).toBe(0);
    expect(moved('sluice_watch_polls_total')).toBeGreaterThanOrEqual(1);
  });

  it('never labels a series with the tenant', () => {
    const labelNames = after.flatMap((family) =>
      family.samples.flatMap((sample) => Object.keys(sample.labels)),
    );
    expect(labelNames).not.toContain('tenant');
  });
});
