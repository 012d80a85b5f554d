import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type {
  JobState,
  ListJobsRequestSchema,
} from '../../../proto/gen/es/sluice/v1/job_service_pb.js';
import { parseStateName, stateName } from '../jobs/job-states.js';

/** The list page's size unless the URL says otherwise (the front's own default). */
export const DEFAULT_LIST_PAGE_SIZE = 50;
/** The largest page the dashboard asks for (one WatchJobs stream follows a page's live rows). */
export const MAX_LIST_PAGE_SIZE = 200;

/** Every ListJobs filter, as the /jobs page holds it. */
export interface JobFilter {
  channel: string;
  states: JobState[];
  type: string;
  groupKey: string;
  attributes: [string, string][];
  /** ISO 8601 instants, or empty. */
  createdAfter: string;
  createdBefore: string;
  pageSize: number;
  pageToken: string;
}

/** The URL's query parameter of each filter (short, readable, stable: links are shared). */
const PARAM = {
  channel: 'channel',
  state: 'state',
  type: 'type',
  groupKey: 'group',
  attribute: 'attr',
  createdAfter: 'after',
  createdBefore: 'before',
  pageSize: 'size',
  pageToken: 'page',
} as const;

function pageSizeOf(value: string | null): number {
  const size = Number(value ?? '');
  return Number.isInteger(size) && size > 0
    ? Math.min(size, MAX_LIST_PAGE_SIZE)
    : DEFAULT_LIST_PAGE_SIZE;
}

/**
 * The filter a URL's query describes: `?channel=default&state=FAILED&attr=customer%3Dacme&page=…`.
 * Unknown states and malformed values are dropped, never guessed.
 *
 * @example
 * ```ts
 * parseJobFilter(new URLSearchParams('state=FAILED&size=20')).pageSize; // 20
 * ```
 */
export function parseJobFilter(query: URLSearchParams): JobFilter {
  const attributes: [string, string][] = [];
  for (const pair of query.getAll(PARAM.attribute)) {
    const at = pair.indexOf('=');
    if (at > 0) attributes.push([pair.slice(0, at), pair.slice(at + 1)]);
  }
  return {
    channel: query.get(PARAM.channel) ?? '',
    states: query
      .getAll(PARAM.state)
      .map(parseStateName)
      .filter((state): state is JobState => state !== undefined),
    type: query.get(PARAM.type) ?? '',
    groupKey: query.get(PARAM.groupKey) ?? '',
    attributes,
    createdAfter: query.get(PARAM.createdAfter) ?? '',
    createdBefore: query.get(PARAM.createdBefore) ?? '',
    pageSize: pageSizeOf(query.get(PARAM.pageSize)),
    pageToken: query.get(PARAM.pageToken) ?? '',
  };
}

/**
 * The query string of a filter (no leading `?`; empty filters left out), so
 * the address bar is a link that reproduces the view.
 *
 * @example
 * ```ts
 * formatJobFilter({ ...filter, states: [JobState.FAILED] }); // 'state=FAILED'
 * ```
 */
export function formatJobFilter(filter: JobFilter): string {
  const query = new URLSearchParams();
  if (filter.channel !== '') query.set(PARAM.channel, filter.channel);
  for (const state of filter.states) query.append(PARAM.state, stateName(state));
  if (filter.type !== '') query.set(PARAM.type, filter.type);
  if (filter.groupKey !== '') query.set(PARAM.groupKey, filter.groupKey);
  for (const [key, value] of filter.attributes) query.append(PARAM.attribute, `${key}=${value}`);
  if (filter.createdAfter !== '') query.set(PARAM.createdAfter, filter.createdAfter);
  if (filter.createdBefore !== '') query.set(PARAM.createdBefore, filter.createdBefore);
  if (filter.pageSize !== DEFAULT_LIST_PAGE_SIZE)
    query.set(PARAM.pageSize, String(filter.pageSize));
  if (filter.pageToken !== '') query.set(PARAM.pageToken, filter.pageToken);
  return query.toString();
}

function timestampOf(iso: string): ReturnType<typeof timestampFromDate> | undefined {
  if (iso === '') return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : timestampFromDate(date);
}

/**
 * The ListJobs request of a filter.
 *
 * @example
 * ```ts
 * const page = await client.listJobs(listJobsRequest(parseJobFilter(query)));
 * ```
 */
export function listJobsRequest(filter: JobFilter): MessageInitShape<typeof ListJobsRequestSchema> {
  return {
    channel: filter.channel,
    states: filter.states,
    type: filter.type,
    groupKey: filter.groupKey,
    attributes: Object.fromEntries(filter.attributes),
    createdAfter: timestampOf(filter.createdAfter),
    createdBefore: timestampOf(filter.createdBefore),
    pageSize: filter.pageSize,
    pageToken: filter.pageToken,
  };
}
