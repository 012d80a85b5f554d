import type { ManagedProcess } from '../../local/process/managed-process.js';
import { ScenarioReport, type ScenarioResult } from '../framework/scenario-result.js';
import { runMeasured } from '../framework/measured-run.js';
import type { ThroughputResult } from '../load/load-task.js';
import { startBenchProcess } from '../system/bench-process.js';
import { latencyOf, perSecond, type SuiteState } from './suite-state.js';

/**
 * Scenario 1, the ceiling: a raw grpc-js echo service (bytes in, same bytes
 * out) driven by a client in its own process — unary with 64 concurrent
 * calls, and bidi streams. Nothing a Node gRPC front does can beat it here.
 *
 * @example
 * ```ts
 * results.push(await runCeilingScenario(state));
 * ```
 */
export async function runCeilingScenario(state: SuiteState): Promise<ScenarioResult> {
  const settings = state.settings.ceiling;
  const report = new ScenarioReport('ceiling', '1. Ceiling: raw grpc-js echo service');
  report.settings({ ...settings, message: 'the bytes of a benchmark SubmitJobRequest' });
  let server: ManagedProcess | undefined;
  try {
    server = await startBenchProcess('echo-server', 'servers/echo-server-main.ts');
    const address = `127.0.0.1:${String(server.ready.port)}`;
    const unary = await runMeasured<ThroughputResult>(
      {
        kind: 'unary',
        target: 'echo',
        address,
        concurrency: settings.concurrency,
        warmupMs: settings.warmupMs,
        durationMs: settings.durationMs,
      },
      { timeoutMs: state.settings.loadTimeoutMs, pid: server.pid },
    );
    const unaryRate = perSecond(unary.result);
    const unaryLatency = latencyOf(unary.result.histogram);
    report.measure(`unary echo, ${settings.concurrency} concurrent`, unaryRate, 'calls/s');
    report.measure('unary echo p50', unaryLatency.p50Ms, 'ms');
    report.measure('unary echo p99', unaryLatency.p99Ms, 'ms');
    report.detail('unary', {
      latency: unaryLatency,
      errors: unary.result.errors,
      server: unary.usage,
    });
    state.echo = { unaryCallsPerSecond: unaryRate, bidiMessagesPerSecond: {} };

    for (const streams of settings.streamCounts) {
      const bidi = await runMeasured<ThroughputResult>(
        {
          kind: 'bidi-echo',
          address,
          streams,
          windowPerStream: settings.windowPerStream,
          warmupMs: settings.warmupMs,
          durationMs: settings.durationMs,
        },
        { timeoutMs: state.settings.loadTimeoutMs, pid: server.pid },
      );
      const rate = perSecond(bidi.result);
      state.echo.bidiMessagesPerSecond[streams] = rate;
      report.measure(`bidi echo, ${streams} stream${streams === 1 ? '' : 's'}`, rate, 'msgs/s', {
        baseline: { name: 'unary echo', value: unaryRate, unit: 'calls/s' },
      });
      report.detail(`bidi${streams}`, {
        latency: latencyOf(bidi.result.histogram),
        errors: bidi.result.errors,
        server: bidi.usage,
      });
    }
    return report.finish();
  } catch (error) {
    return report.finish(error);
  } finally {
    await server?.stop();
  }
}
