import { findChannel, type Channel } from '../../core/channels/channel-config.js';
import { ValidationError } from '../../core/errors/index.js';
import { MAX_LIST_TIME_MS } from '../../core/jobs/job-indexes.js';
import type { JobState } from '../../core/jobs/job.js';
import type { SubmitLimits } from '../../core/validation/limits.js';
import type { ListJobsRequest } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { jobStateFromProto } from '../service/proto-job.js';

/** Jobs per page when the request says 0 (AIP-158 leaves the default to the service). */
export const DEFAULT_PAGE_SIZE = 50;
/** The most jobs a page holds; a larger page_size is lowered to it. */
export const MAX_PAGE_SIZE = 1000;
/** Characters of a page token; a longer one cannot be ours. */
export const MAX_PAGE_TOKEN_LENGTH = 8192;

/** What ListJobs filters on, checked; empty fields filter nothing. */
export interface ListJobsFilter {
  channel: string;
  /** Distinct states, sorted; empty: every state. */
  states: JobState[];
  type: string;
  groupKey: string;
  /** Pairs sorted by key. */
  attributes: [string, string][];
  /** Epoch ms, inclusive; `undefined`: no lower bound. */
  createdAfter?: number;
  /** Epoch ms, exclusive; `undefined`: no upper bound. */
  createdBefore?: number;
}

/** A checked ListJobs request. */
export interface ListJobsQuery {
  filter: ListJobsFilter;
  pageSize: number;
  /** The request's page token, still to be decoded against the tenant and filter. */
  pageToken: string;
}

function fail(field: string, message: string): never {
  throw new ValidationError(`${field}: ${message}`, { field });
}

function quote(value: string): string {
  return JSON.stringify(value.slice(0, 64));
}

function parseTime(value: Date | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = value.getTime();
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_LIST_TIME_MS) {
    fail(field, 'must be a time between 1970 and 2286');
  }
  return ms;
}

function parseStates(values: readonly number[]): JobState[] {
  const states = values.map((value, index) => {
    const state = jobStateFromProto(value);
    if (state === undefined) fail('states', `[${index}] ${value} is not a job state`);
    return state;
  });
  return [...new Set(states)].sort();
}

function parseType(type: string, channel: Channel | undefined, channels: readonly Channel[]): void {
  if (type === '') return;
  const known =
    channel === undefined
      ? channels.some((c) => c.types.includes(type))
      : channel.types.includes(type);
  if (!known) {
    fail(
      'type',
      channel === undefined
        ? `no channel accepts job type ${quote(type)}`
        : `channel "${channel.name}" has no job type ${quote(type)}`,
    );
  }
}

function parsePageSize(value: number): number {
  if (value < 0) fail('page_size', `must not be negative (got ${value})`);
  if (value === 0) return DEFAULT_PAGE_SIZE;
  return Math.min(value, MAX_PAGE_SIZE);
}

function parseAttributes(
  attributes: Record<string, string>,
  limits: SubmitLimits,
): [string, string][] {
  const entries = Object.entries(attributes);
  if (entries.length > limits.maxAttributes) {
    fail('attributes', `at most ${limits.maxAttributes} pairs (got ${entries.length})`);
  }
  for (const [key, value] of entries) {
    if (
      key.length > limits.maxAttributeKeyLength ||
      value.length > limits.maxAttributeValueLength
    ) {
      fail('attributes', `pair ${quote(key)} is longer than any job's attribute can be`);
    }
  }
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Checks a ListJobs request at the edge: a known channel, type and states
 * (else INVALID_ARGUMENT naming `channel`, `type` or `states`), times within
 * what a record can hold, `page_size` 0 → 50, > 1000 → 1000, < 0 refused.
 * Filters that no job can match because of the limits (too many attributes)
 * are refused too; a group key is any text (it only has to match).
 *
 * @example
 * ```ts
 * const query = parseListJobsQuery(call.request, CHANNELS, DEFAULT_SUBMIT_LIMITS);
 * ```
 */
export function parseListJobsQuery(
  request: ListJobsRequest,
  channels: readonly Channel[],
  limits: SubmitLimits,
): ListJobsQuery {
  const channel = request.channel === '' ? undefined : findChannel(channels, request.channel);
  if (request.channel !== '' && channel === undefined) {
    fail('channel', `unknown channel ${quote(request.channel)}`);
  }
  parseType(request.type, channel, channels);
  if (request.groupKey.length > limits.maxGroupKeyLength) {
    fail('group_key', `must be at most ${limits.maxGroupKeyLength} characters`);
  }
  if (request.pageToken.length > MAX_PAGE_TOKEN_LENGTH) {
    fail('page_token', 'is not a token this service issued');
  }
  return {
    filter: {
      channel: request.channel,
      states: parseStates(request.states),
      type: request.type,
      groupKey: request.groupKey,
      attributes: parseAttributes(request.attributes, limits),
      createdAfter: parseTime(request.createdAfter, 'created_after'),
      createdBefore: parseTime(request.createdBefore, 'created_before'),
    },
    pageSize: parsePageSize(request.pageSize),
    pageToken: request.pageToken,
  };
}
