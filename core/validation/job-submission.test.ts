import { CHANNELS } from '../channels/channels.js';
import { ValidationError } from '../errors/validation-error.js';
import { validateSubmission, type SubmitJobInput } from './job-submission.js';
import { DEFAULT_SUBMIT_LIMITS } from './limits.js';

const valid: SubmitJobInput = {
  channel: 'default',
  type: 'echo',
  payload: Buffer.from('{}'),
  contentType: '',
  groupKey: '',
  idempotencyKey: '',
  attributes: {},
};

function fieldOf(input: Partial<SubmitJobInput>, prefix = ''): string | undefined {
  try {
    validateSubmission({ ...valid, ...input }, CHANNELS, DEFAULT_SUBMIT_LIMITS, prefix);
  } catch (error) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
  return undefined;
}

describe('validateSubmission', () => {
  it('accepts a minimal request and defaults the content type', () => {
    const submission = validateSubmission(valid, CHANNELS, DEFAULT_SUBMIT_LIMITS);
    expect(submission.contentType).toBe('application/octet-stream');
  });

  it.each<[string, Partial<SubmitJobInput>]>([
    ['channel', { channel: '' }],
    ['channel', { channel: 'nope' }],
    ['type', { type: 'nope' }],
    ['payload', { payload: Buffer.alloc(DEFAULT_SUBMIT_LIMITS.maxPayloadBytes + 1) }],
    ['content_type', { contentType: 'json' }],
    ['group_key', { groupKey: 'a b' }],
    ['idempotency_key', { idempotencyKey: 'x\n' }],
    ['attributes.key', { attributes: { '1x': 'v' } }],
    ['attributes[k]', { attributes: { k: 'v\u0000' } }],
  ])('names %s when it is invalid', (field, input) => {
    expect(fieldOf(input)).toBe(field);
  });

  it('accepts a payload exactly at the limit', () => {
    expect(
      fieldOf({ payload: Buffer.alloc(DEFAULT_SUBMIT_LIMITS.maxPayloadBytes) }),
    ).toBeUndefined();
  });

  it('prefixes field names inside a bulk submit', () => {
    expect(fieldOf({ type: '' }, 'job.')).toBe('job.type');
  });
});
