/**
 * Limits on what a submit may carry. Defaults keep the whole message within
 * SQS's classic 256 KiB (base64 payload plus the envelope's fields).
 */
export interface SubmitLimits {
  /** Payload bytes (before base64). */
  maxPayloadBytes: number;
  /** Number of attributes. */
  maxAttributes: number;
  /** Characters of an attribute key. */
  maxAttributeKeyLength: number;
  /** Characters of an attribute value. */
  maxAttributeValueLength: number;
  /** Characters of a group key (tenant and group key form the MessageGroupId, ≤ 128). */
  maxGroupKeyLength: number;
  /** Characters of an idempotency key. */
  maxIdempotencyKeyLength: number;
  /** Characters of a content type. */
  maxContentTypeLength: number;
}

/** The default limits. */
export const DEFAULT_SUBMIT_LIMITS: Readonly<SubmitLimits> = Object.freeze({
  maxPayloadBytes: 180 * 1024,
  maxAttributes: 16,
  maxAttributeKeyLength: 64,
  maxAttributeValueLength: 256,
  maxGroupKeyLength: 64,
  maxIdempotencyKeyLength: 128,
  maxContentTypeLength: 128,
});
