import { setTimeout as delay } from 'node:timers/promises';
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { SubmitJobRequest } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { LatencyHistogram } from '../framework/latency-histogram.js';
import { deserializeBytes, ECHO_STREAM_PATH, serializeBytes } from '../servers/echo-service.js';
import { benchJobRequest } from './bench-job.js';
import { countError, createRawClient } from './grpc-clients.js';
import type { BidiEchoLoadTask, ErrorCounts, ThroughputResult } from './load-task.js';

interface EchoStream {
  call: ClientDuplexStream<Buffer, Buffer>;
  sentAt: number[];
  closed: Promise<void>;
}

/**
 * Echoes messages over bidi streams, each keeping `windowPerStream` messages
 * in flight, and counts replies during the measured window (after a warm-up
 * on the same streams).
 *
 * @example
 * ```ts
 * const result = await runBidiEchoLoad({ kind: 'bidi-echo', address, streams: 1, windowPerStream: 256, warmupMs: 1000, durationMs: 3000 }, mark);
 * ```
 */
export async function runBidiEchoLoad(
  task: BidiEchoLoadTask,
  mark: (name: string) => void,
): Promise<ThroughputResult> {
  const client = createRawClient(task.address);
  const message = Buffer.from(SubmitJobRequest.encode(benchJobRequest(0)).finish());
  const histogram = new LatencyHistogram();
  const errors: ErrorCounts = {};
  let measuring = false;
  let sending = true;
  let completed = 0;

  const open = (): EchoStream => {
    const call = client.makeBidiStreamRequest(ECHO_STREAM_PATH, serializeBytes, deserializeBytes);
    const stream: EchoStream = { call, sentAt: [], closed: Promise.resolve() };
    let waitingForDrain = false;
    const pump = (): void => {
      while (sending && !waitingForDrain && stream.sentAt.length < task.windowPerStream) {
        stream.sentAt.push(performance.now());
        if (!call.write(message)) {
          waitingForDrain = true;
          call.once('drain', () => {
            waitingForDrain = false;
            pump();
          });
        }
      }
    };
    call.on('data', () => {
      const sentAt = stream.sentAt.shift();
      if (measuring && sentAt !== undefined) {
        completed += 1;
        histogram.recordMs(performance.now() - sentAt);
      }
      pump();
    });
    stream.closed = new Promise((resolve) => {
      call.on('error', (error) => {
        if (sending) countError(errors, error);
        resolve();
      });
      call.on('status', () => resolve());
    });
    pump();
    return stream;
  };

  const streams = Array.from({ length: task.streams }, open);
  await delay(task.warmupMs);
  mark('measure-start');
  measuring = true;
  const started = performance.now();
  await delay(task.durationMs);
  measuring = false;
  const elapsedMs = performance.now() - started;
  mark('measure-end');
  sending = false;
  for (const stream of streams) stream.call.end();
  await Promise.all(streams.map((stream) => stream.closed));
  client.close();
  return { completed, elapsedMs, histogram: histogram.encode(), errors };
}
