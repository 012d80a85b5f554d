import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { JobState, type Job } from '../../../proto/gen/es/sluice/v1/job_service_pb.js';
import { callFailure, type CallFailure } from '../api/call-failure.js';
import { useDashboard } from '../api/dashboard-context.js';
import { FailureNotice } from '../components/failure-notice.js';
import { ProgressBar } from '../components/progress-bar.js';
import { ResultPanel } from '../components/result-panel.js';
import { StateBadge } from '../components/state-badge.js';
import { TimeText } from '../components/time-text.js';
import { isRetryableState, isTerminalState } from '../jobs/job-states.js';
import { newerJob, useWatchedJobs } from '../jobs/use-watched-jobs.js';
import { Link } from '../routing/router.js';

const jobHref = (jobId: string): string => `/jobs/${encodeURIComponent(jobId)}`;

/** The trace viewer's address of a trace id, from a template with `{traceId}`. */
function traceHref(template: string, traceId: string): string | undefined {
  if (template === '' || traceId === '') return undefined;
  const href = template.replaceAll('{traceId}', encodeURIComponent(traceId));
  // Only web addresses: a template cannot smuggle in `javascript:`.
  return /^https?:\/\//i.test(href) ? href : undefined;
}

function Field({
  name,
  children,
}: {
  name: string;
  children: JSX.Element | string | number | null;
}): JSX.Element {
  return (
    <>
      <dt>{name}</dt>
      <dd data-field={name}>{children}</dd>
    </>
  );
}

function JobFields({ job, traceUrlTemplate }: { job: Job; traceUrlTemplate: string }): JSX.Element {
  const trace = traceHref(traceUrlTemplate, job.traceId);
  return (
    <dl class="fields">
      <Field name="Job id">{job.jobId}</Field>
      <Field name="State">
        <StateBadge state={job.state} />
      </Field>
      <Field name="Channel">{job.channel}</Field>
      <Field name="Type">{job.type}</Field>
      <Field name="Attempts">{job.attempts}</Field>
      <Field name="Group key">{job.groupKey}</Field>
      <Field name="Idempotency key">{job.idempotencyKey}</Field>
      <Field name="Created">
        <TimeText at={job.createdAt} />
      </Field>
      <Field name="Started">
        <TimeText at={job.startedAt} />
      </Field>
      <Field name="Finished">
        <TimeText at={job.finishedAt} />
      </Field>
      <Field name="Updated">
        <TimeText at={job.updatedAt} />
      </Field>
      <Field name="Version">{String(job.version)}</Field>
      <Field name="Retry of">
        {job.retryOf === '' ? null : <Link href={jobHref(job.retryOf)}>{job.retryOf}</Link>}
      </Field>
      <Field name="Retried as">
        {job.retriedAs === '' ? null : <Link href={jobHref(job.retriedAs)}>{job.retriedAs}</Link>}
      </Field>
      <Field name="Trace id">
        {trace === undefined ? (
          job.traceId
        ) : (
          <a href={trace} target="_blank" rel="noopener noreferrer">
            {job.traceId}
          </a>
        )}
      </Field>
    </dl>
  );
}

function Attributes({ attributes }: { attributes: Record<string, string> }): JSX.Element {
  const entries = Object.entries(attributes);
  return (
    <section>
      <h2>Attributes</h2>
      {entries.length === 0 ? (
        <p class="empty">None.</p>
      ) : (
        <table class="attributes-table">
          <tbody>
            {entries.map(([key, value]) => (
              <tr key={key}>
                <th>{key}</th>
                <td>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Timeline({ job }: { job: Job }): JSX.Element {
  return (
    <section>
      <h2>Transitions</h2>
      <ol class="timeline">
        {job.transitions.map((transition, index) => (
          <li key={index}>
            <StateBadge state={transition.state} /> <TimeText at={transition.at} />
            {transition.attempt > 0 && <span class="hint"> attempt {transition.attempt}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Actions({
  job,
  onChange,
}: {
  job: Job;
  onChange: (job: Job) => void;
}): JSX.Element | null {
  const { client } = useDashboard();
  const [failure, setFailure] = useState<CallFailure>();
  const [retried, setRetried] = useState<{ jobId: string; duplicate: boolean }>();
  const [busy, setBusy] = useState(false);
  const act = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setFailure(undefined);
    try {
      await action();
    } catch (error) {
      setFailure(callFailure(error));
    } finally {
      setBusy(false);
    }
  };
  const cancel = (): Promise<void> =>
    act(async () => {
      const { job: cancelled } = await client.cancelJob({ jobId: job.jobId });
      if (cancelled !== undefined) onChange(cancelled);
    });
  const retry = (): Promise<void> =>
    act(async () => {
      const { job: retry, duplicate } = await client.retryJob({ jobId: job.jobId });
      if (retry !== undefined) setRetried({ jobId: retry.jobId, duplicate });
    });
  return (
    <div class="job-actions">
      {job.state === JobState.QUEUED && (
        <button type="button" disabled={busy} onClick={() => void cancel()}>
          Cancel
        </button>
      )}
      {isRetryableState(job.state) && (
        <button type="button" disabled={busy} onClick={() => void retry()}>
          Retry
        </button>
      )}
      {retried && (
        <p class="retried">
          {retried.duplicate ? 'Already retried as ' : 'Retried as '}
          <Link href={jobHref(retried.jobId)} class="retry-link">
            {retried.jobId}
          </Link>
        </p>
      )}
      {failure && <FailureNotice failure={failure} />}
    </div>
  );
}

/**
 * `/jobs/<jobId>`: every field of a job, its attributes, progress,
 * transitions, result and error, followed live until terminal, with Cancel
 * (QUEUED) and Retry (FAILED, DEAD_LETTERED, CANCELLED).
 *
 * @example
 * ```tsx
 * <JobPage jobId="01J…" />
 * ```
 */
export function JobPage({ jobId }: { jobId: string }): JSX.Element {
  const { client, traceUrlTemplate } = useDashboard();
  const [loaded, setLoaded] = useState<Job>();
  const [failure, setFailure] = useState<CallFailure>();
  useEffect(() => {
    let stopped = false;
    setLoaded(undefined);
    setFailure(undefined);
    client.getJob({ jobId }).then(
      ({ job }) => {
        if (!stopped) setLoaded(job);
      },
      (error: unknown) => {
        if (!stopped) setFailure(callFailure(error));
      },
    );
    return () => {
      stopped = true;
    };
  }, [client, jobId]);
  const live = useWatchedJobs(
    client,
    loaded !== undefined && !isTerminalState(loaded.state) ? [loaded.jobId] : [],
  );
  const job = loaded === undefined ? undefined : newerJob(loaded, live.get(loaded.jobId));
  return (
    <main>
      <h1>
        Job <span class="mono">{jobId}</span>
      </h1>
      {failure && <FailureNotice failure={failure} />}
      {job && (
        <>
          <div class="job-head">
            <StateBadge state={job.state} />
            <ProgressBar progress={job.progress} />
            {!isTerminalState(job.state) && <span class="live">live</span>}
          </div>
          <Actions job={job} onChange={(changed) => setLoaded(newerJob(job, changed))} />
          <JobFields job={job} traceUrlTemplate={traceUrlTemplate} />
          <Attributes attributes={job.attributes} />
          {job.error && (
            <section class="job-error">
              <h2>Error</h2>
              <p>
                <span class="mono">code {job.error.code}</span>
                {job.error.field !== '' && <span class="hint"> field {job.error.field}</span>}
              </p>
              <pre>{job.error.message}</pre>
            </section>
          )}
          {job.result.length > 0 && (
            <ResultPanel bytes={job.result} contentType={job.resultContentType} />
          )}
          <Timeline job={job} />
        </>
      )}
    </main>
  );
}
