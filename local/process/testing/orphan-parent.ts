// A parent for managed-process.test.ts: starts both emulators as managed processes and a
// local runtime (its own emulators and front), prints the children's pids as one JSON line,
// and waits to be killed.
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../../core/logging/logger.js';
import { startLocalRuntime } from '../../local-runtime.js';
import { startManagedProcess } from '../managed-process.js';

const emulator = (file: string): string =>
  fileURLToPath(new URL(`../../emulators/${file}`, import.meta.url));
const emulators = await Promise.all([
  startManagedProcess({ name: 'sqs', nodeArgs: [emulator('sqs-emulator.mjs')] }),
  startManagedProcess({ name: 'dynamodb', nodeArgs: [emulator('dynamo-emulator.mjs')] }),
]);
const runtime = await startLocalRuntime({
  port: 0,
  consumers: false,
  logger: createLogger('orphan-parent', 'silent'),
});
const pids = [...emulators.map((child) => child.pid), runtime.frontPid()];
process.stdout.write(`${JSON.stringify({ pids })}\n`);
setInterval(() => undefined, 60_000);
