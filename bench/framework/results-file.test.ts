import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMachine } from './machine-info.js';
import { readResultsFile, RESULTS_FORMAT_VERSION, writeResultsFile } from './results-file.js';
import { formatResultsTable } from './results-table.js';
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

describe('repeated measurements', () => {
  it('report the median, the baseline median and the median of the pairwise ratios, samples kept', () => {
    const report = new ScenarioReport('bulk-submit', 'Bulk');
    const measured = report.measureRepeated('jobs/s', [90, 50, 80], 'jobs/s', {
      baseline: { name: 'direct', samples: [100, 100, 200], unit: 'jobs/s' },
      target: { description: '≥ 0.8 ×', subject: 'ratio', comparison: '>=', threshold: 0.8 },
    });
    // Pairs: 0.9, 0.5, 0.4 → median 0.5 (not 80 ÷ 100 = 0.8, the ratio of the medians).
    expect(measured).toMatchObject({
      value: 80,
      samples: [90, 50, 80],
      baseline: { value: 100, samples: [100, 100, 200] },
      ratio: 0.5,
      ratioSamples: [0.9, 0.5, 0.4],
      target: { met: false },
    });
  });

  it('survive the results file and show their spread in the table', async () => {
    const report = new ScenarioReport('unary-submit', 'Unary');
    report.measureRepeated('jobs/s', [10, 30, 20], 'jobs/s');
    const path = join(dir, 'repeated.json');
    await writeResultsFile(path, resultsWith(report));
    const { scenarios } = await readResultsFile(path);
    expect(scenarios[0]?.measurements[0]).toMatchObject({ value: 20, samples: [10, 30, 20] });
    expect(formatResultsTable(scenarios)).toContain('20.0 jobs/s (10.0–30.0, n=3)');
  });
});
