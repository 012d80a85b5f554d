// The raw grpc-js echo server as its own process on 127.0.0.1, port 0.
// Prints {"sluice":"ready","port":N}; SIGTERM stops it.
import {
  Server,
  ServerCredentials,
  type handleBidiStreamingCall,
  type handleUnaryCall,
} from '@grpc/grpc-js';
import { ECHO_SERVICE } from './echo-service.js';

const unary: handleUnaryCall<Buffer, Buffer> = (call, callback) => callback(null, call.request);
const stream: handleBidiStreamingCall<Buffer, Buffer> = (call) => {
  call.on('data', (message: Buffer) => call.write(message));
  call.on('end', () => call.end());
};

const server = new Server();
server.addService(ECHO_SERVICE, { unary, stream });
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
  if (error !== null) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify({ sluice: 'ready', port })}\n`);
});
const stop = (): void => {
  server.tryShutdown(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
