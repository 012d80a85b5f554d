import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ListJobsResponse } from '../../../proto/gen/es/sluice/v1/job_service_pb.js';
import { callFailure, type CallFailure } from '../api/call-failure.js';
import { useDashboard } from '../api/dashboard-context.js';
import { FailureNotice } from '../components/failure-notice.js';
import { formText } from '../components/form-text.js';
import { JobTable } from '../components/job-table.js';
import { isTerminalState, JOB_STATES, stateName } from '../jobs/job-states.js';
import { newerJob, useWatchedJobs } from '../jobs/use-watched-jobs.js';
import {
  formatJobFilter,
  listJobsRequest,
  parseJobFilter,
  type JobFilter,
} from '../routing/job-filter-query.js';
import { Link, navigate, useLocation } from '../routing/router.js';

/** `datetime-local` inputs hold `YYYY-MM-DDTHH:MM`, in local time. */
const LOCAL_MINUTES = 16;

function localInputOf(iso: string): string {
  if (iso === '') return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000)
    .toISOString()
    .slice(0, LOCAL_MINUTES);
}

function isoOfLocalInput(value: string): string {
  return value === '' ? '' : new Date(value).toISOString();
}

function filterOfForm(form: HTMLFormElement, pageSize: number): JobFilter {
  const data = new FormData(form);
  const text = (name: string): string => formText(data, name);
  const attributes: [string, string][] = text('attributes')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.indexOf('=') > 0)
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  return {
    channel: text('channel'),
    states: JOB_STATES.filter((state) => data.getAll('state').includes(stateName(state))),
    type: text('type'),
    groupKey: text('group'),
    attributes,
    createdAfter: isoOfLocalInput(text('after')),
    createdBefore: isoOfLocalInput(text('before')),
    pageSize: Number(text('size')) || pageSize,
    pageToken: '',
  };
}

function FilterForm({ filter }: { filter: JobFilter }): JSX.Element {
  const onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    const query = formatJobFilter(
      filterOfForm(event.currentTarget as HTMLFormElement, filter.pageSize),
    );
    navigate(query === '' ? '/jobs' : `/jobs?${query}`);
  };
  // Uncontrolled inputs (a re-render never undoes typing), keyed by the query: a navigation
  // (back, a shared link) resets them to the URL.
  return (
    <form class="filters" onSubmit={onSubmit} key={formatJobFilter(filter)}>
      <label>
        Channel <input name="channel" defaultValue={filter.channel} />
      </label>
      <label>
        Type <input name="type" defaultValue={filter.type} />
      </label>
      <label>
        Group key <input name="group" defaultValue={filter.groupKey} />
      </label>
      <label>
        Created after{' '}
        <input
          name="after"
          type="datetime-local"
          defaultValue={localInputOf(filter.createdAfter)}
        />
      </label>
      <label>
        Created before{' '}
        <input
          name="before"
          type="datetime-local"
          defaultValue={localInputOf(filter.createdBefore)}
        />
      </label>
      <label>
        Page size <input name="size" type="number" min={1} defaultValue={filter.pageSize} />
      </label>
      <fieldset class="states">
        <legend>States</legend>
        {JOB_STATES.map((state) => (
          <label key={state}>
            <input
              type="checkbox"
              name="state"
              value={stateName(state)}
              defaultChecked={filter.states.includes(state)}
            />{' '}
            {stateName(state)}
          </label>
        ))}
      </fieldset>
      <label class="wide">
        Attributes (key=value, one a line)
        <textarea
          name="attributes"
          rows={2}
          defaultValue={filter.attributes.map(([key, value]) => `${key}=${value}`).join('\n')}
        />
      </label>
      <div class="actions">
        <button type="submit">Apply</button> <Link href="/jobs">Clear</Link>
      </div>
    </form>
  );
}

/**
 * `/jobs`: every ListJobs filter, held in the URL (a copied link shows the
 * same view), a page at a time; the page's non-terminal jobs follow their
 * changes over one WatchJobs stream.
 *
 * @example
 * ```tsx
 * <JobsPage />
 * ```
 */
export function JobsPage(): JSX.Element {
  const { client } = useDashboard();
  const { query } = useLocation();
  const filter = useMemo(() => parseJobFilter(query), [query.toString()]);
  const view = formatJobFilter(filter);
  // What was answered for which view: until the current view's answer is in, the list is busy.
  const [answered, setAnswered] = useState<{ view: string; page?: ListJobsResponse }>();
  const [failure, setFailure] = useState<CallFailure>();
  useEffect(() => {
    let stopped = false;
    client.listJobs(listJobsRequest(filter)).then(
      (response) => {
        if (stopped) return;
        setAnswered({ view, page: response });
        setFailure(undefined);
      },
      (error: unknown) => {
        if (stopped) return;
        setAnswered({ view });
        setFailure(callFailure(error));
      },
    );
    return () => {
      stopped = true;
    };
  }, [client, filter]);
  const page = answered?.page;
  const loading = answered?.view !== view;
  const live = useWatchedJobs(
    client,
    (page?.jobs ?? []).filter((job) => !isTerminalState(job.state)).map((job) => job.jobId),
  );
  const jobs = (page?.jobs ?? []).map((job) => newerJob(job, live.get(job.jobId)));
  const next =
    page !== undefined && page.nextPageToken !== ''
      ? `/jobs?${formatJobFilter({ ...filter, pageToken: page.nextPageToken })}`
      : undefined;
  const first = formatJobFilter({ ...filter, pageToken: '' });
  return (
    <main>
      <h1>Jobs</h1>
      <FilterForm filter={filter} />
      {failure && <FailureNotice failure={failure} />}
      <div class="list" aria-busy={loading}>
        {page && <JobTable jobs={jobs} />}
      </div>
      <nav class="paging">
        {filter.pageToken !== '' && (
          <Link href={first === '' ? '/jobs' : `/jobs?${first}`}>First page</Link>
        )}
        {next !== undefined && (
          <Link href={next} rel="next">
            Next page →
          </Link>
        )}
      </nav>
    </main>
  );
}
