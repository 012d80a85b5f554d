import { defineChannels } from './channel-config.js';

/**
 * The channels this deployment serves: the one place they are declared. The
 * front, the consumers, the local runtime and the CDK app all import it, so a
 * new channel or job type is added here and nowhere else (plus its processor in
 * `functions/processors/`).
 */
export const CHANNELS = defineChannels([
  {
    name: 'default',
    types: ['echo', 'sleep', 'sha256', 'fail', 'flaky'],
    timeoutSeconds: 30,
    memoryMb: 512,
    batchSize: 10,
    maxConcurrency: 10,
    maxReceiveCount: 3,
    maxRetryDelaySeconds: 60,
  },
]);
