import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMachine } from './machine-info.js';
import { readResultsFile, RESULTS_FORMAT_VERSION, writeResultsFile } from './results-file.js';
import { ScenarioReport } from './scenario-result.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-bench-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function resultsWith(report: ScenarioReport): Parameters<typeof writeResultsFile>[1] {
  return {
    format: RESULTS_FORMAT_VERSION,
    suite: 'sluice-bench',
    mode: 'quick',
    startedAt: new Date(0).toISOString(),
    finishedAt: new Date(1).toISOString(),
    durationMs: 1,
    machine: describeMachine(),
    settings: {},
    scenarios: [report.finish()],
  };
}

describe('results file', () => {
  it('round-trips a scenario with its baseline, ratio and judged target', async () => {
    const report = new ScenarioReport('unary-submit', 'Unary');
    report.measure('jobs/s', 1800, 'jobs/s', {
      baseline: { name: 'echo', value: 3600, unit: 'calls/s' },
      target: { description: '≥ 0.5 × echo', subject: 'ratio', comparison: '>=', threshold: 0.5 },
    });
    const path = join(dir, 'ok.json');
    await writeResultsFile(path, resultsWith(report));
    const [scenario] = (await readResultsFile(path)).scenarios;
    expect(scenario?.measurements[0]).toMatchObject({ ratio: 0.5, target: { met: true } });
  });

  it('records a figure that could not be measured as null, with its target unjudged', async () => {
    const report = new ScenarioReport('watch-fanout', 'Fan-out');
    report.measure('calls per poll', Number.NaN, 'calls', {
      target: { description: '≤ 1', subject: 'value', comparison: '<=', threshold: 1 },
    });
    const path = join(dir, 'nan.json');
    await writeResultsFile(path, resultsWith(report));
    const [scenario] = (await readResultsFile(path)).scenarios;
    expect(scenario?.measurements[0]).toMatchObject({ value: null, target: { met: null } });
  });

  it('rejects a file without scenarios', async () => {
    const path = join(dir, 'empty.json');
    await writeResultsFile(path, { ...resultsWith(new ScenarioReport('x', 'x')), scenarios: [] });
    await expect(readResultsFile(path)).rejects.toThrow();
  });
});
