import { prepareJob } from './job-input.js';
import { SluiceClientError } from './sluice-client-error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('prepareJob', () => {
  it('fills the channel and encodes the payload', () => {
    const { request } = prepareJob(
      { type: 'echo', payload: { json: { a: 1 } }, groupKey: 'g', attributes: { k: 'v' } },
      { defaultChannel: 'default', generate: false },
    );
    expect(request).toMatchObject({
      channel: 'default',
      type: 'echo',
      contentType: 'application/json',
      groupKey: 'g',
      idempotencyKey: '',
      attributes: { k: 'v' },
    });
    expect(request.payload.toString()).toBe('{"a":1}');
  });

  it("generates a UUID key for 'auto' and says it did", () => {
    const prepared = prepareJob(
      { type: 'echo' },
      { defaultChannel: 'd', idempotencyKey: 'auto', generate: false },
    );
    expect(prepared.idempotencyKey).toMatch(UUID);
    expect(prepared.generatedKey).toBe(true);
  });

  it('generates a key only when the job has none and generation is on', () => {
    const own = prepareJob(
      { type: 'echo', idempotencyKey: 'mine' },
      { defaultChannel: 'd', generate: true },
    );
    expect(own).toMatchObject({ idempotencyKey: 'mine', generatedKey: false });
    const generated = prepareJob({ type: 'echo' }, { defaultChannel: 'd', generate: true });
    expect(generated.idempotencyKey).toMatch(UUID);
  });

  it('lets the submit option override the key of the job', () => {
    const prepared = prepareJob(
      { type: 'echo', idempotencyKey: 'in-job' },
      { defaultChannel: 'd', idempotencyKey: 'in-options', generate: false },
    );
    expect(prepared.request.idempotencyKey).toBe('in-options');
  });

  it('reports a payload without a JSON form as INVALID_ARGUMENT on job.payload', () => {
    const bad = { json: undefined as unknown as null };
    expect(() =>
      prepareJob({ type: 'echo', payload: bad }, { defaultChannel: 'd', generate: false }),
    ).toThrow(
      expect.objectContaining({
        codeName: 'INVALID_ARGUMENT',
        field: 'job.payload',
      }) as SluiceClientError,
    );
  });
});
