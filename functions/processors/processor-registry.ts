import { echoProcessor } from './echo-processor.js';
import { failProcessor } from './fail-processor.js';
import { flakyProcessor } from './flaky-processor.js';
import type { ProcessorRegistry } from './processor.js';
import { sha256Processor } from './sha256-processor.js';
import { sleepProcessor } from './sleep-processor.js';

/**
 * Every processor of this deployment, by job type. A job type declared in
 * `core/channels/channels.ts` must have an entry here (a test checks it); the
 * consumers look processors up by the job's type.
 *
 * @example
 * ```ts
 * const processor = PROCESSORS.get(envelope.type);
 * ```
 */
export const PROCESSORS: ProcessorRegistry = new Map([
  ['echo', echoProcessor],
  ['sleep', sleepProcessor],
  ['sha256', sha256Processor],
  ['fail', failProcessor],
  ['flaky', flakyProcessor],
]);
