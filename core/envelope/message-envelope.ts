import { z } from 'zod';

/** The version of the message format; a consumer rejects what it does not know. */
export const ENVELOPE_VERSION = 1;

/** Room for a W3C `traceparent` (55 characters in version 00) and a future version's extra. */
const MAX_TRACEPARENT_LENGTH = 256;

const envelopeSchema = z.object({
  v: z.literal(ENVELOPE_VERSION),
  jobId: z.string().min(1),
  tenant: z.string().min(1),
  channel: z.string().min(1),
  type: z.string().min(1),
  /** The payload, base64. */
  payload: z.string(),
  contentType: z.string(),
  groupKey: z.string(),
  idempotencyKey: z.string(),
  attributes: z.record(z.string(), z.string()),
  submitToken: z.string(),
  /** Epoch milliseconds of the submit. */
  createdAt: z.number().int(),
  /** The job this one retries (RetryJob); absent otherwise. */
  retryOf: z.string().min(1).optional(),
  /** The W3C trace context of the submit, when it was traced. */
  traceparent: z.string().max(MAX_TRACEPARENT_LENGTH).optional(),
});

/**
 * Everything a job needs, carried in its SQS message, so a consumer can run a
 * job (and create its record) even if the front died before writing it.
 */
export interface MessageEnvelope {
  jobId: string;
  tenant: string;
  channel: string;
  type: string;
  payload: Uint8Array;
  contentType: string;
  groupKey: string;
  idempotencyKey: string;
  attributes: Record<string, string>;
  submitToken: string;
  createdAt: number;
  /** The job this one retries (RetryJob). */
  retryOf?: string;
  /**
   * The W3C `traceparent` of the submit, when tracing was on: the consumer's
   * processing span continues (and links to) it. Carried in the body, not in
   * message attributes, which SQS limits to 10 a message.
   */
  traceparent?: string;
}

/**
 * Serialises an envelope as the SQS message body (JSON, payload in base64).
 *
 * @example
 * ```ts
 * const body = encodeEnvelope(envelope);
 * decodeEnvelope(body).jobId === envelope.jobId;
 * ```
 */
export function encodeEnvelope(envelope: MessageEnvelope): string {
  return JSON.stringify({
    v: ENVELOPE_VERSION,
    ...envelope,
    payload: Buffer.from(envelope.payload).toString('base64'),
  });
}

/** Parses an SQS message body; throws a `ZodError` or `SyntaxError` on a malformed one. */
export function decodeEnvelope(body: string): MessageEnvelope {
  const parsed = envelopeSchema.parse(JSON.parse(body));
  const { v: _version, ...rest } = parsed;
  return { ...rest, payload: Buffer.from(parsed.payload, 'base64') };
}

/**
 * The SQS MessageGroupId of a job: its tenant and group key, or the job id when
 * it has none (no ordering, full parallelism). The tenant keeps groups of
 * different tenants apart.
 */
export function messageGroupId(
  envelope: Pick<MessageEnvelope, 'tenant' | 'groupKey' | 'jobId'>,
): string {
  return envelope.groupKey === '' ? envelope.jobId : `${envelope.tenant}:${envelope.groupKey}`;
}
