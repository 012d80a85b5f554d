import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../../core/errors/index.js';
import { JOB_ID_PATTERN } from '../../core/jobs/job-ids.js';
import { LIST_TIME_DIGITS } from '../../core/jobs/job-indexes.js';
import type { ListJobsFilter } from './list-jobs-query.js';

/** The token format's version. */
const TOKEN_VERSION = 1;
/** Bytes of the filter digest and of the MAC in a token. */
const DIGEST_BYTES = 16;
/** A partition not read yet. */
export const CURSOR_START = '';
/** A partition read to its end. */
export const CURSOR_DONE = '-';

/** Where a listing stands in each index partition: `CURSOR_START`, `CURSOR_DONE` or the last sort key read. */
export type PartitionCursors = string[];

const SORT_KEY_PATTERN = new RegExp(`^\\d{${LIST_TIME_DIGITS}}#(.+)$`);

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function invalid(message: string): ValidationError {
  return new ValidationError(`page_token: ${message}`, { field: 'page_token' });
}

function isCursor(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (value === CURSOR_START || value === CURSOR_DONE) return true;
  const match = SORT_KEY_PATTERN.exec(value);
  return match !== null && JOB_ID_PATTERN.test(match[1] ?? '');
}

/**
 * Encodes and checks ListJobs page tokens (AIP-158: opaque, bound to the
 * caller and the filter). A token holds the position in every index
 * partition the listing merges, the digest of (tenant, filter) it was
 * issued for, and a MAC over both: a changed byte, another tenant's token
 * or a token reused with another filter is refused with INVALID_ARGUMENT
 * naming `page_token`. Decoded positions are checked again (shape, count).
 * The key must be the same on every front of a deployment (see
 * `PageTokenSecretStore`). A forged token could only move within the
 * caller's own jobs: the partitions read are built from the caller's
 * tenant, never from the token.
 *
 * @example
 * ```ts
 * const codec = new PageTokenCodec({ secret: await secrets.ensure() });
 * const token = codec.encode('acme', filter, cursors);
 * codec.decode('acme', filter, token, cursors.length); // the same cursors
 * ```
 */
export class PageTokenCodec {
  readonly #secret: string;

  constructor(options: { secret: string }) {
    this.#secret = options.secret;
  }

  /** The token of the next page. */
  encode(tenant: string, filter: ListJobsFilter, cursors: PartitionCursors): string {
    const body = Buffer.from(
      JSON.stringify({ v: TOKEN_VERSION, f: this.#filterDigest(tenant, filter), c: cursors }),
    );
    return `${base64url(body)}.${base64url(this.#mac(body))}`;
  }

  /** The cursors of a token issued for `tenant` and `filter` over `partitions` partitions. */
  decode(
    tenant: string,
    filter: ListJobsFilter,
    token: string,
    partitions: number,
  ): PartitionCursors {
    const [bodyText, macText, ...rest] = token.split('.');
    if (bodyText === undefined || macText === undefined || rest.length > 0) {
      throw invalid('is not a token this service issued');
    }
    const body = Buffer.from(bodyText, 'base64url');
    const mac = Buffer.from(macText, 'base64url');
    const expected = this.#mac(body);
    // Non-canonical base64 (spare bits set) would decode to the same bytes: refused too.
    const canonical = base64url(body) === bodyText && base64url(mac) === macText;
    if (!canonical || mac.length !== expected.length || !timingSafeEqual(mac, expected)) {
      throw invalid('is not a token this service issued (or it was changed)');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw invalid('is not a token this service issued');
    }
    const { v, f, c } = (parsed ?? {}) as { v?: unknown; f?: unknown; c?: unknown };
    if (v !== TOKEN_VERSION) throw invalid('comes from another version of the service');
    if (f !== this.#filterDigest(tenant, filter)) {
      throw invalid('was issued for another filter or caller; start again without a token');
    }
    if (!Array.isArray(c) || c.length !== partitions || !c.every(isCursor)) {
      throw invalid('no longer matches the service configuration; start again without a token');
    }
    return c;
  }

  #mac(body: Buffer): Buffer {
    return createHmac('sha256', this.#secret).update(body).digest().subarray(0, DIGEST_BYTES);
  }

  #filterDigest(tenant: string, filter: ListJobsFilter): string {
    const canonical = JSON.stringify([
      tenant,
      filter.channel,
      filter.states,
      filter.type,
      filter.groupKey,
      filter.attributes,
      filter.createdAfter ?? null,
      filter.createdBefore ?? null,
    ]);
    return base64url(createHash('sha256').update(canonical).digest().subarray(0, DIGEST_BYTES));
  }
}
