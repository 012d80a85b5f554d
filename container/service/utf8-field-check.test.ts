import { findProtoDir, loadServiceDescriptors } from '../server/service-descriptors.js';
import {
  SubmitJobRequest,
  SubmitJobsRequest,
  WatchJobsRequest,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import { Utf8FieldCheck } from './utf8-field-check.js';

const descriptors = loadServiceDescriptors(findProtoDir());
const NOT_UTF8 = '~NOT-UTF8~';
const BAD_BYTES = Buffer.from([0xed, 0xa0, 0x80]);

/** Encodes with the generated code, then swaps the marker text for bytes that are not UTF-8. */
function withBadBytes(encoded: Uint8Array): Buffer {
  const bytes = Buffer.from(encoded);
  const marker = Buffer.from(NOT_UTF8);
  const at = bytes.indexOf(marker);
  // Same length keeps every length prefix right.
  BAD_BYTES.copy(bytes, at);
  Buffer.alloc(marker.length - BAD_BYTES.length, 0x41).copy(bytes, at + BAD_BYTES.length);
  return bytes;
}

const job = (overrides: Partial<SubmitJobRequest> = {}): SubmitJobRequest => ({
  channel: 'default',
  type: 'echo',
  payload: Buffer.from('{}'),
  contentType: '',
  groupKey: '',
  idempotencyKey: '',
  attributes: {},
  ...overrides,
});

describe('Utf8FieldCheck', () => {
  const submit = new Utf8FieldCheck(descriptors, 'sluice.v1.SubmitJobRequest');
  const bulk = new Utf8FieldCheck(descriptors, 'sluice.v1.SubmitJobsRequest');
  const watch = new Utf8FieldCheck(descriptors, 'sluice.v1.WatchJobsRequest');

  it('finds nothing in a valid request, and never looks inside bytes fields', () => {
    const payload = Buffer.concat([BAD_BYTES, Buffer.from('x')]);
    expect(submit.find(SubmitJobRequest.encode(job({ payload })).finish())).toBeUndefined();
  });

  it.each<[Partial<SubmitJobRequest>, string, string]>([
    [{ channel: NOT_UTF8 }, 'channel', 'channel'],
    [{ idempotencyKey: NOT_UTF8 }, 'idempotency_key', 'idempotency_key'],
    [{ attributes: { [NOT_UTF8]: 'v' } }, 'attributes.key', 'attributes.key'],
    [{ attributes: { colour: NOT_UTF8 } }, 'attributes[colour]', 'attributes[colour]'],
  ])('names the field of %j', (overrides, field, location) => {
    const bytes = withBadBytes(SubmitJobRequest.encode(job(overrides)).finish());
    expect(submit.find(bytes)).toEqual({ field, location });
  });

  it('names nested fields from the root and repeated ones with their index', () => {
    const item = withBadBytes(
      SubmitJobsRequest.encode({ ref: 'r', job: job({ groupKey: NOT_UTF8 }) }).finish(),
    );
    expect(bulk.find(item)).toEqual({ field: 'job.group_key', location: 'job.group_key' });
    const ids = withBadBytes(WatchJobsRequest.encode({ jobIds: ['a', 'b', NOT_UTF8] }).finish());
    expect(watch.find(ids)).toEqual({ field: 'job_ids', location: 'job_ids[2]' });
  });

  it('leaves bytes that are no message at all to the decoder', () => {
    expect(submit.find(Buffer.from([0xff, 0xff, 0xff]))).toBeUndefined();
  });
});
