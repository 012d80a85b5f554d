import { Code, ConnectError } from '@connectrpc/connect';
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ChannelInfo, Job } from '../../../proto/gen/es/sluice/v1/job_service_pb.js';
import { callFailure, type CallFailure } from '../api/call-failure.js';
import { useDashboard } from '../api/dashboard-context.js';
import type { JobClient } from '../api/job-client.js';
import { FailureNotice } from '../components/failure-notice.js';
import { JobTable } from '../components/job-table.js';
import { StateBadge } from '../components/state-badge.js';
import { JOB_STATES, stateName } from '../jobs/job-states.js';
import { Link } from '../routing/router.js';

/** How often the overview reads channels and recent jobs again. */
const REFRESH_MS = 3_000;
/** The recent jobs counted by state. */
const RECENT_COUNTED = 200;
/** The recent jobs listed. */
const RECENT_SHOWN = 15;

interface Overview {
  channels: ChannelInfo[];
  /** False when this key may not see queue figures (not an operator's). */
  queueStats: boolean;
  recent: Job[];
}

async function readChannels(client: JobClient): Promise<Pick<Overview, 'channels' | 'queueStats'>> {
  try {
    const { channels } = await client.listChannels({ includeQueueStats: true });
    return { channels, queueStats: true };
  } catch (error) {
    if (!(error instanceof ConnectError) || error.code !== Code.PermissionDenied) throw error;
    const { channels } = await client.listChannels({});
    return { channels, queueStats: false };
  }
}

async function readOverview(client: JobClient): Promise<Overview> {
  const [channels, { jobs }] = await Promise.all([
    readChannels(client),
    client.listJobs({ pageSize: RECENT_COUNTED }),
  ]);
  return { ...channels, recent: jobs };
}

function ChannelTable({ overview }: { overview: Overview }): JSX.Element {
  return (
    <table class="channels">
      <thead>
        <tr>
          <th>Channel</th>
          <th>Job types</th>
          {overview.queueStats && <th>Waiting</th>}
          {overview.queueStats && <th>In flight</th>}
          {overview.queueStats && <th>Dead letters</th>}
        </tr>
      </thead>
      <tbody>
        {overview.channels.map((channel) => (
          <tr key={channel.name} data-channel={channel.name}>
            <td>
              <Link href={`/jobs?channel=${encodeURIComponent(channel.name)}`}>{channel.name}</Link>
            </td>
            <td>{channel.jobTypes.join(', ')}</td>
            {overview.queueStats && (
              <td class="number">{String(channel.queueStats?.visibleMessages ?? 0n)}</td>
            )}
            {overview.queueStats && (
              <td class="number">{String(channel.queueStats?.inFlightMessages ?? 0n)}</td>
            )}
            {overview.queueStats && (
              <td class="number">{String(channel.queueStats?.deadLetterMessages ?? 0n)}</td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function StateCounts({ jobs }: { jobs: readonly Job[] }): JSX.Element {
  return (
    <ul class="counts">
      {JOB_STATES.map((state) => (
        <li key={state}>
          <Link href={`/jobs?state=${stateName(state)}`}>
            <StateBadge state={state} />
            <span class="count" data-count-of={stateName(state)}>
              {jobs.filter((job) => job.state === state).length}
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

/**
 * `/`: the channels (with queue figures for operator keys), the recent jobs
 * and how many of them are in each state, read again every few seconds.
 *
 * @example
 * ```tsx
 * <OverviewPage />
 * ```
 */
export function OverviewPage(): JSX.Element {
  const { client } = useDashboard();
  const [overview, setOverview] = useState<Overview>();
  const [failure, setFailure] = useState<CallFailure>();
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = async (): Promise<void> => {
      try {
        const next = await readOverview(client);
        if (stopped) return;
        setOverview(next);
        setFailure(undefined);
      } catch (error) {
        if (!stopped) setFailure(callFailure(error));
      }
      if (!stopped) timer = setTimeout(() => void refresh(), REFRESH_MS);
    };
    void refresh();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [client]);
  return (
    <main>
      <h1>Overview</h1>
      {failure && <FailureNotice failure={failure} />}
      {overview && (
        <>
          <section>
            <h2>Channels</h2>
            <ChannelTable overview={overview} />
            {!overview.queueStats && (
              <p class="hint">Queue figures need an API key with the operator role.</p>
            )}
          </section>
          <section>
            <h2>
              Recent jobs <span class="hint">(the last {overview.recent.length}, by state)</span>
            </h2>
            <StateCounts jobs={overview.recent} />
            <JobTable jobs={overview.recent.slice(0, RECENT_SHOWN)} />
            <p>
              <Link href="/jobs">All jobs →</Link>
            </p>
          </section>
        </>
      )}
    </main>
  );
}
