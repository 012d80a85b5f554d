import {
  awaitedWithOneGetJob,
  priceCalls,
  withSubmitPathOf,
  type CostEstimate,
  type CostLine,
} from '../cost/cost-model.js';
import { PRICE_LIST } from '../cost/price-list.js';
import { ScenarioReport, type ScenarioResult } from '../framework/scenario-result.js';
import type { SuiteState } from './suite-state.js';

/** Target: USD per million echo jobs, everything counted. */
const USD_PER_MILLION_TARGET = 2.5;

function lineKey(line: CostLine): string {
  return `${line.service} ${line.item}`;
}

function itemise(report: ScenarioReport, sluice: CostEstimate, naive: CostEstimate): void {
  const naiveLines = new Map(naive.lines.map((line) => [lineKey(line), line]));
  const keys = [...new Set([...sluice.lines.map(lineKey), ...naiveLines.keys()])];
  const sluiceLines = new Map(sluice.lines.map((line) => [lineKey(line), line]));
  for (const key of keys) {
    const ours = sluiceLines.get(key)?.usdPerMillionJobs ?? 0;
    const theirs = naiveLines.get(key)?.usdPerMillionJobs ?? 0;
    if (ours === 0 && theirs === 0) continue;
    report.measure(`  ${key}`, ours, '$', {
      baseline: { name: 'naive', value: theirs, unit: '$' },
    });
  }
}

/**
 * Scenario 6: cost per million jobs from the calls the other scenarios
 * counted (never estimated), priced with the public list prices in
 * price-list.ts — the whole echo job (submit, queue, consumer) from the
 * end-to-end runs at light load and at saturation (and at saturation with
 * the consumer's duration of a full batch timed on idle emulators), each once awaited with
 * one GetJob (what every job costs) and once with a live watch (what a
 * watching client adds), next to the naive design (the naive producer's
 * measured submit path with the same consumer side); the light-load job
 * itemised; plus the submit paths alone.
 *
 * @example
 * ```ts
 * results.push(runCostScenario(state));
 * ```
 */
export function runCostScenario(state: SuiteState): ScenarioResult {
  const report = new ScenarioReport('cost', '6. Cost per million echo jobs (USD, list prices)');
  report.settings({
    prices: PRICE_LIST,
    lambdaInvocations:
      'one per non-empty ReceiveMessage; duration = the handler’s run (as Lambda bills it)',
  });
  try {
    const { endToEnd, endToEndLight, endToEndIdleTable, naiveUnary, frontUnary, frontBulk } =
      state.cost;
    if ((endToEndLight ?? endToEnd) === undefined || naiveUnary === undefined) {
      throw new Error('needs the end-to-end and unary-submit scenarios in the same run');
    }
    const target = {
      description: `≤ $${USD_PER_MILLION_TARGET} per million echo jobs`,
      subject: 'value' as const,
      comparison: '<=' as const,
      threshold: USD_PER_MILLION_TARGET,
    };
    const estimates: CostEstimate[] = [];
    // Light load first and itemised: no backlog, so it is what a job costs in steady operation.
    for (const [index, whole] of [endToEndLight, endToEnd, endToEndIdleTable].entries()) {
      if (whole === undefined) continue;
      const load = whole.name.replace(/^Sluice /, '');
      // A job awaited with one GetJob (what every job costs), then the same jobs watched live.
      const awaited = awaitedWithOneGetJob(whole);
      const sluice = priceCalls(awaited);
      const naive = priceCalls(awaitedWithOneGetJob(withSubmitPathOf(whole, naiveUnary)));
      report.measure(`echo job ${load}, awaited with one GetJob`, sluice.usdPerMillionJobs, '$', {
        baseline: { name: 'naive design', value: naive.usdPerMillionJobs, unit: '$' },
        target,
      });
      const watched = priceCalls(whole);
      const naiveWatched = priceCalls(withSubmitPathOf(whole, naiveUnary));
      if (index === 0) {
        itemise(report, sluice, naive);
        report.measure(
          '  a live watch adds (BatchGetItem polls − one GetJob)',
          watched.usdPerMillionJobs - sluice.usdPerMillionJobs,
          '$',
        );
      }
      report.measure(`echo job ${load}, with a live watch`, watched.usdPerMillionJobs, '$', {
        baseline: { name: 'naive design', value: naiveWatched.usdPerMillionJobs, unit: '$' },
        target,
      });
      estimates.push(sluice, naive, watched, naiveWatched);
    }
    if (frontUnary !== undefined) {
      const unary = priceCalls(frontUnary);
      const naiveSubmit = priceCalls(naiveUnary);
      report.measure('submit path only, unary', unary.usdPerMillionJobs, '$', {
        baseline: { name: 'naive producer', value: naiveSubmit.usdPerMillionJobs, unit: '$' },
      });
      estimates.push(unary, naiveSubmit);
    }
    for (const [streams, input] of Object.entries(frontBulk)) {
      const bulk = priceCalls(input);
      report.measure(`submit path only, ${streams}-stream bulk`, bulk.usdPerMillionJobs, '$', {
        baseline: {
          name: 'naive producer',
          value: priceCalls(naiveUnary).usdPerMillionJobs,
          unit: '$',
        },
      });
      estimates.push(bulk);
    }
    report.detail('estimates', estimates);
    report.note(
      "Lambda requests are one per non-empty ReceiveMessage; duration is the consumer handler's run as the local event-source runner measured it (Lambda bills the handler, not the mapping's receives and deletes, which are priced as SQS requests). 'Awaited with one GetJob' prices each job with one strongly consistent GetItem instead of the watch's BatchGetItem polls: a watch is the client's choice. Fargate is the front's measured CPU time at 100 % use. 'Full batches timed on idle emulators' prices the saturated run's calls with the consumer's run of a full 10-message batch timed while nothing else loads the emulators: at saturation each write waits in the DynamoDB emulator's queue, which DynamoDB on demand does not have.",
    );
    return report.finish();
  } catch (error) {
    return report.finish(error);
  }
}
