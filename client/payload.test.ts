import { encodePayload, json } from './payload.js';

describe('encodePayload', () => {
  it('serialises a JSON value as application/json', () => {
    const encoded = encodePayload(json({ a: 1 }));
    expect(Buffer.from(encoded.bytes).toString()).toBe('{"a":1}');
    expect(encoded.contentType).toBe('application/json');
  });

  it('keeps a JSON string apart from text', () => {
    expect(Buffer.from(encodePayload(json('hi')).bytes).toString()).toBe('"hi"');
    const text = encodePayload('hi');
    expect(Buffer.from(text.bytes).toString()).toBe('hi');
    expect(text.contentType).toBe('text/plain; charset=utf-8');
  });

  it('sends bytes untouched, with an explicit content type winning', () => {
    const bytes = new Uint8Array([0, 255]);
    expect(encodePayload(bytes)).toEqual({ bytes, contentType: 'application/octet-stream' });
    expect(encodePayload(bytes, 'image/png').contentType).toBe('image/png');
  });

  it('sends nothing for an absent payload', () => {
    expect(encodePayload(undefined).bytes.byteLength).toBe(0);
  });
});
