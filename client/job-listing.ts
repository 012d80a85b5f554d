import type { ListJobsRequest } from '../proto/gen/ts/sluice/v1/job_service.js';
import { stateToProto, type Job, type JobState } from './job.js';

/**
 * What `list` and `listPage` filter on; every field is optional and an
 * absent one filters nothing.
 *
 * @example
 * ```ts
 * const filter: JobFilter = { states: ['FAILED', 'DEAD_LETTERED'], createdAfter: new Date(Date.now() - 3_600_000) };
 * ```
 */
export interface JobFilter {
  channel?: string;
  states?: readonly JobState[];
  type?: string;
  groupKey?: string;
  /** Every pair must match exactly. */
  attributes?: Record<string, string>;
  /** Inclusive. */
  createdAfter?: Date;
  /** Exclusive. */
  createdBefore?: Date;
  /** Jobs per page (0 or absent: the server's 50; at most 1000). */
  pageSize?: number;
}

/**
 * One page of a listing, newest created first. It may hold fewer jobs than
 * asked (even none); only an empty `nextPageToken` ends the list.
 *
 * @example
 * ```ts
 * const page = await client.listPage({ channel: 'default' });
 * if (page.nextPageToken !== '') await client.listPage({ channel: 'default' }, page.nextPageToken);
 * ```
 */
export interface JobPage {
  jobs: Job[];
  nextPageToken: string;
}

/**
 * A channel and its job types, and its queue figures when asked for
 * (operator keys only).
 *
 * @example
 * ```ts
 * for (const channel of await client.channels({ queueStats: true })) console.log(channel.name, channel.queueStats);
 * ```
 */
export interface ChannelInfo {
  name: string;
  jobTypes: string[];
  queueStats?: { visibleMessages: number; inFlightMessages: number; deadLetterMessages: number };
}

/**
 * The wire request of a filter and page token.
 *
 * @example
 * ```ts
 * grpc.listJobs(listJobsRequest({ type: 'echo' }, ''), callback);
 * ```
 */
export function listJobsRequest(filter: JobFilter, pageToken: string): ListJobsRequest {
  return {
    channel: filter.channel ?? '',
    states: (filter.states ?? []).map(stateToProto),
    type: filter.type ?? '',
    groupKey: filter.groupKey ?? '',
    attributes: { ...filter.attributes },
    createdAfter: filter.createdAfter,
    createdBefore: filter.createdBefore,
    pageSize: filter.pageSize ?? 0,
    pageToken,
  };
}
