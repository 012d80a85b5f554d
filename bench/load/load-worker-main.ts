// A load-generating process: receives one LoadTask over IPC, runs it, sends the result back and exits.
// Started by bench/framework/load-process.ts; never run by hand.
import { runBidiEchoLoad } from './bidi-echo-load.js';
import { runBulkSubmitLoad } from './bulk-submit-load.js';
import { runDirectChain } from './direct-chain-load.js';
import { runLightEndToEnd, runSaturatedEndToEnd } from './end-to-end-load.js';
import type { LoadMessage, LoadTask } from './load-task.js';
import { runSubmitPathCeiling } from './submit-path-ceiling-load.js';
import { runUnaryLoad } from './unary-load.js';
import { runWatchFanOut } from './watch-fanout-load.js';

function send(message: LoadMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) throw new Error('the load worker needs an IPC channel');
    process.send(message, () => resolve());
  });
}

const mark = (name: string): void => void send({ type: 'mark', name });

function run(task: LoadTask): Promise<unknown> {
  switch (task.kind) {
    case 'unary':
      return runUnaryLoad(task, mark);
    case 'bidi-echo':
      return runBidiEchoLoad(task, mark);
    case 'bulk-submit':
      return runBulkSubmitLoad(task, mark);
    case 'submit-path-ceiling':
      return runSubmitPathCeiling(task, mark);
    case 'end-to-end-light':
      return runLightEndToEnd(task, mark);
    case 'direct-chain':
      return runDirectChain(task, mark);
    case 'end-to-end-saturation':
      return runSaturatedEndToEnd(task, mark);
    case 'watch-fanout':
      return runWatchFanOut(task, mark);
  }
}

process.once('message', (task: LoadTask) => {
  run(task)
    .then((result) => send({ type: 'result', result }))
    .catch((error: unknown) =>
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    )
    .finally(() => process.exit(0));
});
void send({ type: 'ready' });
