import { startEmbeddedEmulators, type EmbeddedEmulators } from '../emulators/embedded-emulators.js';
import { UpstreamForwarder } from './upstream-forwarder.js';

let emulators: EmbeddedEmulators;
let forwarder: UpstreamForwarder;

beforeAll(async () => {
  emulators = await startEmbeddedEmulators();
  forwarder = new UpstreamForwarder(new URL(emulators.dynamoEndpoint));
});

afterAll(async () => {
  forwarder.close();
  await emulators.stop();
});

/** A ListTables call as the SDK frames it (dynalite checks the target, not the signature). */
function listTables(): Parameters<UpstreamForwarder['forward']>[0] {
  return {
    method: 'POST',
    path: '/',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.ListTables',
      authorization:
        'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      'x-amz-date': '20260101T000000Z',
      'transfer-encoding': 'chunked',
    },
    body: Buffer.from('{}'),
  };
}

describe('UpstreamForwarder', () => {
  it('passes a request to the emulator whole and reads its answer whole, framed by length', async () => {
    const answer = await forwarder.forward(listTables());
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString('utf8'))).toEqual({ TableNames: [] });
    expect(answer.headers['content-length']).toBe(String(answer.body.length));
    expect(answer.headers['transfer-encoding']).toBeUndefined();
  });

  it('reuses its kept-alive sockets across calls', async () => {
    const answers = await Promise.all([1, 2, 3].map(() => forwarder.forward(listTables())));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
  });
});
