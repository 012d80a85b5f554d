// The embedded DynamoDB emulator (dynalite, in memory) as its own process, bound to 127.0.0.1.
// Usage: node dynamo-emulator.mjs [port]. Prints one JSON line {"port": N} when ready.
import dynalite from 'dynalite';

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ sluice: 'ready', port: server.address().port })}\n`);
});
const stop = () => server.close(() => process.exit(0));
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
