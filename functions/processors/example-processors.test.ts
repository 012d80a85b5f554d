import { createHash } from 'node:crypto';
import { createLogger } from '../../core/logging/logger.js';
import { echoProcessor } from './echo-processor.js';
import { failProcessor } from './fail-processor.js';
import { flakyProcessor } from './flaky-processor.js';
import { PermanentError } from './permanent-error.js';
import type { ProcessorContext } from './processor.js';
import { encodeProcessorOutput } from './processor-output.js';
import { sha256Processor } from './sha256-processor.js';
import { sleepProcessor } from './sleep-processor.js';

const logger = createLogger('test', 'silent');

function context(overrides: Partial<ProcessorContext> = {}): ProcessorContext & {
  reports: { fraction: number; message?: string }[];
} {
  const reports: { fraction: number; message?: string }[] = [];
  return {
    jobId: 'JOB',
    tenant: 'default',
    channel: 'default',
    type: 'test',
    attempt: 1,
    contentType: 'application/json',
    attributes: {},
    signal: new AbortController().signal,
    deadline: Date.now() + 60_000,
    reportProgress: (fraction, message) => reports.push({ fraction, message }),
    logger,
    ...overrides,
    reports,
  };
}

const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));
const text = (output: Parameters<typeof encodeProcessorOutput>[0]): string =>
  Buffer.from(encodeProcessorOutput(output).bytes).toString('utf8');

describe('echo', () => {
  it('returns the payload with its content type', async () => {
    const output = encodeProcessorOutput(
      await echoProcessor(Buffer.from('{"a":1}'), context({ contentType: 'application/x-test' })),
    );
    expect(Buffer.from(output.bytes).toString()).toBe('{"a":1}');
    expect(output.contentType).toBe('application/x-test');
  });
});

describe('sha256', () => {
  it('returns the hex digest of the payload bytes as text/plain', async () => {
    const payload = Buffer.from('sluice');
    const output = encodeProcessorOutput(await sha256Processor(payload, context()));
    expect(Buffer.from(output.bytes).toString()).toBe(
      createHash('sha256').update(payload).digest('hex'),
    );
    expect(output.contentType).toBe('text/plain');
  });
});

describe('fail', () => {
  it('throws a PermanentError with the payload message', async () => {
    const failure = failProcessor(json({ message: 'no such customer' }), context());
    await expect(failure).rejects.toBeInstanceOf(PermanentError);
    await expect(failure).rejects.toThrow('no such customer');
  });

  it('rejects a payload that is not JSON as a permanent INVALID_ARGUMENT', async () => {
    await expect(failProcessor(Buffer.from('{nope'), context())).rejects.toMatchObject({
      name: 'PermanentError',
      status: 'INVALID_ARGUMENT',
      field: 'payload',
      message: 'fail: the payload is not valid JSON',
    });
  });
});

describe('flaky', () => {
  it('fails transiently on attempts up to the planned failures', async () => {
    const attempt = flakyProcessor(json({ failures: 2 }), context({ attempt: 2 }));
    await expect(attempt).rejects.toThrow('planned transient failure on attempt 2 of 2');
    await expect(attempt).rejects.not.toBeInstanceOf(PermanentError);
  });

  it('succeeds after the planned failures, reporting its attempt', async () => {
    const output = await flakyProcessor(json({ failures: 2 }), context({ attempt: 3 }));
    expect(JSON.parse(text(output))).toEqual({ attempts: 3 });
  });

  it('names the bad field of a malformed payload', async () => {
    await expect(flakyProcessor(json({ failures: -1 }), context())).rejects.toMatchObject({
      name: 'PermanentError',
      message: expect.stringContaining('failures') as unknown,
    });
  });
});

describe('sleep', () => {
  it('waits and reports progress up to 1', async () => {
    const ctx = context();
    const started = Date.now();
    const output = await sleepProcessor(json({ ms: 50 }), ctx);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(JSON.parse(text(output))).toEqual({ sleptMs: 50 });
    expect(ctx.reports.map((r) => r.fraction)).toEqual([
      0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
    ]);
  });

  it('stops as soon as its signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const sleepMs = 30_000;
    const sleeping = sleepProcessor(json({ ms: sleepMs }), context({ signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('deadline')), 20);
    await expect(sleeping).rejects.toThrow();
    // Before the sleep would have ended: it stopped on the signal, not on its own.
    expect(Date.now() - started).toBeLessThan(sleepMs);
  });

  it('rejects a payload that is not JSON as permanent', async () => {
    await expect(sleepProcessor(Buffer.from('ms=5'), context())).rejects.toBeInstanceOf(
      PermanentError,
    );
  });
});
