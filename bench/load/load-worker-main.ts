// A load-generating process: receives one LoadTask over IPC, runs it, sends the result back and exits
// (bench/framework/load-process.ts) — or, in a session (bench/framework/load-session.ts), runs task
// after task in the same warm process until told to end. Never run by hand.
import { runBidiEchoLoad } from './bidi-echo-load.js';
import { runBulkSubmitLoad } from './bulk-submit-load.js';
import { runDirectChain } from './direct-chain-load.js';
import { runLightEndToEnd, runSaturatedEndToEnd } from './end-to-end-load.js';
import { runDirectProducer } from './direct-producer-load.js';
import { runGetItemPoller } from './getitem-poller-load.js';
import type { LoadMessage, LoadTask, SessionMessage } from './load-task.js';
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
    case 'direct-producer':
      return runDirectProducer(task, mark);
    case 'getitem-poller':
      return runGetItemPoller(task, mark);
  }
}

function answer(task: LoadTask): Promise<void> {
  return run(task)
    .then((result) => send({ type: 'result', result }))
    .catch((error: unknown) =>
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
}

process.on('message', (message: LoadTask | SessionMessage) => {
  if (message.kind === 'session-end') process.exit(0);
  else if (message.kind === 'session-task') void answer(message.task);
  else void answer(message).finally(() => process.exit(0));
});
void send({ type: 'ready' });
