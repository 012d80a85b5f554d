// The embedded SQS emulator (fauxqs) as its own process, bound to 127.0.0.1.
// Usage: node sqs-emulator.mjs [port]. Prints one JSON line {"port": N} when ready.
import { buildApp } from 'fauxqs';

const app = buildApp({ logger: false });
const address = await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' });
process.stdout.write(
  `${JSON.stringify({ sluice: 'ready', port: Number(new URL(address).port) })}\n`,
);
const stop = () => void app.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
if (process.channel) {
  // Started by the local runtime or a test over IPC: go when the parent goes, even after a
  // SIGKILL, and leave Ctrl-C (sent to the whole process group) to the parent, which stops
  // the emulators last, after the parts that still talk to them.
  process.on('disconnect', stop);
  process.on('SIGINT', () => undefined);
  process.channel.unref();
} else {
  process.on('SIGINT', stop);
}
