import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { SluiceClient, json } from '../../client/index.js';
import { ApiKeyStore } from '../../core/keys/api-key-store.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';
import { clientFailure } from '../support/client-failure.js';
import { keysTableNameOf } from '../../core/config/aws-config.js';

/** Recognisable values nobody would log by accident — unless something logs user data. */
const PAYLOAD_CANARY = `payload-canary-${randomBytes(8).toString('hex')}`;
const ATTRIBUTE_CANARY = `attribute-canary-${randomBytes(8).toString('hex')}`;
const KEY_CANARY = `idempotency-canary-${randomBytes(8).toString('hex')}`;

let system: TestSystem;
let apiKey: string;
const logLines: string[] = [];

beforeAll(async () => {
  system = await startTestSystem({
    // Everything the front process writes, at its most verbose.
    frontEnv: { SLUICE_LOG_LEVEL: 'trace', SLUICE_AUTH: 'api-keys' },
    onOutput: (line) => logLines.push(line),
    // And everything the consumers log.
    logger: pino({ level: 'trace' }, { write: (line: string) => logLines.push(line) }),
  });
  const store = new ApiKeyStore({
    client: system.runtime.clients.documents,
    tableName: keysTableNameOf(system.runtime.resources),
  });
  apiKey = (await store.create('acme')).key;
});

afterAll(() => system?.stop());

describe('logs', () => {
  it('never contain an API key, a payload, attributes or idempotency keys', async () => {
    const client = new SluiceClient({ endpoint: system.runtime.endpoint, apiKey });
    const payload = json({ secret: PAYLOAD_CANARY });
    try {
      const { jobId } = await client.submit(
        { type: 'echo', payload, attributes: { note: ATTRIBUTE_CANARY } },
        { idempotencyKey: KEY_CANARY },
      );
      expect((await client.waitFor(jobId)).state).toBe('SUCCEEDED');
      // A failing processor's message quotes its input: it stays in the record, out of the logs.
      const failing = await client.submit({
        type: 'fail',
        payload: json({ message: PAYLOAD_CANARY }),
      });
      const failed = await client.waitFor(failing.jobId);
      expect(failed.state).toBe('FAILED');
      expect(failed.error?.message).toContain(PAYLOAD_CANARY);
      for await (const result of client.submitMany([
        { ref: '1', job: { type: 'sha256', payload } },
      ])) {
        expect(result.error).toBeUndefined();
      }
      // Refused calls log too: bad input, an oversized payload, a forged key.
      await clientFailure(
        client.submit({ type: 'echo', payload, attributes: { 'bad key': ATTRIBUTE_CANARY } }),
      );
      await clientFailure(client.submit({ type: 'echo', payload: PAYLOAD_CANARY.repeat(20_000) }));
      const forged = new SluiceClient({
        endpoint: system.runtime.endpoint,
        apiKey: `${apiKey.slice(0, -8)}AAAAAAAA`,
        retry: { maxAttempts: 1 },
      });
      expect((await clientFailure(forged.submit({ type: 'echo', payload }))).codeName).toBe(
        'UNAUTHENTICATED',
      );
      forged.close();
    } finally {
      client.close();
    }
    await system.runtime.stopFront();

    // The capture works: the front logged its calls and its stop, the consumers their jobs.
    const all = logLines.join('\n');
    expect(all).toContain('call answered');
    expect(all).toContain('front stopped');
    expect(all).toContain('job succeeded');
    const secrets = [
      apiKey,
      apiKey.slice(-43),
      PAYLOAD_CANARY,
      Buffer.from(JSON.stringify({ secret: PAYLOAD_CANARY })).toString('base64'),
      ATTRIBUTE_CANARY,
      KEY_CANARY,
    ];
    for (const secret of secrets) expect(all).not.toContain(secret);
  });
});
