import type { JSX } from 'preact';
import type { Job } from '../../../proto/gen/es/sluice/v1/job_service_pb.js';
import { Link } from '../routing/router.js';
import { ProgressBar } from './progress-bar.js';
import { StateBadge } from './state-badge.js';
import { TimeText } from './time-text.js';

/**
 * Jobs as a table, one row a job linking to its page. Every value is a
 * text node: ids, types and attributes come from tenants.
 *
 * @example
 * ```tsx
 * <JobTable jobs={page.jobs} />
 * ```
 */
export function JobTable({ jobs }: { jobs: readonly Job[] }): JSX.Element {
  if (jobs.length === 0) return <p class="empty">No jobs.</p>;
  return (
    <table class="jobs">
      <thead>
        <tr>
          <th>Job</th>
          <th>State</th>
          <th>Channel</th>
          <th>Type</th>
          <th>Progress</th>
          <th>Attempts</th>
          <th>Created</th>
          <th>Group</th>
          <th>Attributes</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr key={job.jobId} data-job-id={job.jobId}>
            <td class="mono">
              <Link href={`/jobs/${encodeURIComponent(job.jobId)}`}>{job.jobId}</Link>
            </td>
            <td>
              <StateBadge state={job.state} />
            </td>
            <td>{job.channel}</td>
            <td>{job.type}</td>
            <td>
              <ProgressBar progress={job.progress} />
            </td>
            <td class="number">{job.attempts}</td>
            <td>
              <TimeText at={job.createdAt} />
            </td>
            <td>{job.groupKey}</td>
            <td class="attributes">
              {Object.entries(job.attributes).map(([key, value]) => (
                <span class="attribute" key={key}>
                  {key}={value}
                </span>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
