import { CHANNELS } from '../../core/channels/channels.js';
import { encodeEnvelope } from '../../core/envelope/message-envelope.js';
import { validateSubmission } from '../../core/validation/job-submission.js';
import { DEFAULT_SUBMIT_LIMITS } from '../../core/validation/limits.js';
import { parseTenantName } from '../../core/keys/tenant-name.js';
import {
  envelopeOverheadBytes,
  maxPayloadBytes,
  SQS_MAX_MESSAGE_BYTES,
  widestEnvelope,
} from './envelope-budget.js';

const bodyBytes = (payloadBytes: number): number => {
  const envelope = widestEnvelope(DEFAULT_SUBMIT_LIMITS, CHANNELS);
  return Buffer.byteLength(encodeEnvelope({ ...envelope, payload: new Uint8Array(payloadBytes) }));
};

describe('envelope budget', () => {
  it('builds its worst case from a submit that validation accepts', () => {
    const envelope = widestEnvelope(DEFAULT_SUBMIT_LIMITS, CHANNELS);
    expect(() => validateSubmission(envelope, CHANNELS, DEFAULT_SUBMIT_LIMITS)).not.toThrow();
    expect(parseTenantName(envelope.tenant)).toBe(envelope.tenant);
  });

  it('fits the largest allowed payload with the widest envelope into 256 KiB, and not one byte more', () => {
    const ceiling = maxPayloadBytes(DEFAULT_SUBMIT_LIMITS, CHANNELS);
    expect(bodyBytes(ceiling)).toBeLessThanOrEqual(SQS_MAX_MESSAGE_BYTES);
    expect(bodyBytes(ceiling + 1)).toBeGreaterThan(SQS_MAX_MESSAGE_BYTES);
  });

  it('leaves room for the default payload limit of 180 KiB', () => {
    expect(DEFAULT_SUBMIT_LIMITS.maxPayloadBytes).toBeLessThanOrEqual(
      maxPayloadBytes(DEFAULT_SUBMIT_LIMITS, CHANNELS),
    );
  });

  it('grows the overhead with the attribute limits', () => {
    const more = { ...DEFAULT_SUBMIT_LIMITS, maxAttributes: 32 };
    expect(envelopeOverheadBytes(more, CHANNELS)).toBeGreaterThan(
      envelopeOverheadBytes(DEFAULT_SUBMIT_LIMITS, CHANNELS),
    );
  });
});
