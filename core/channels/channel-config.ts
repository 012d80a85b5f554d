import { z } from 'zod';

/** Names of channels and job types: short, URL- and queue-name-safe. */
const NAME_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;
/** AWS advises a visibility timeout of at least six times the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** SQS's maximum visibility timeout (12 hours). */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

const channelSchema = z.object({
  name: z.string().regex(NAME_PATTERN),
  /** Job types (processor names) this channel accepts. */
  types: z.array(z.string().regex(NAME_PATTERN)).min(1),
  /** The consumer's timeout: the longest a processor may run, in seconds. */
  timeoutSeconds: z.number().int().min(1).max(900),
  /** The consumer function's memory. */
  memoryMb: z.number().int().min(128).max(10_240),
  /** Messages a consumer invocation receives at once (FIFO allows up to 10). */
  batchSize: z.number().int().min(1).max(10),
  /** Concurrent consumer invocations (Lambda's ESM minimum is 2). */
  maxConcurrency: z.number().int().min(2).max(1000),
  /** Receives before SQS moves a message to the dead-letter queue. */
  maxReceiveCount: z.number().int().min(1).max(1000),
  /** Cap of the backoff between transient failures, in seconds. */
  maxRetryDelaySeconds: z.number().int().min(0).max(MAX_VISIBILITY_TIMEOUT_SECONDS),
});

/** One channel: a FIFO queue, its dead-letter queue and its consumer settings. */
export type Channel = z.infer<typeof channelSchema>;

const channelsSchema = z
  .array(channelSchema)
  .min(1)
  .refine((channels) => new Set(channels.map((c) => c.name)).size === channels.length, {
    message: 'channel names must be unique',
  });

/**
 * Parses channel declarations once, at start, so every part of the system
 * (front, consumers, local runtime, CDK app) shares one validated view.
 *
 * @example
 * ```ts
 * const channels = defineChannels([{ name: 'default', types: ['echo'], ... }]);
 * ```
 */
export function defineChannels(channels: readonly Channel[]): readonly Channel[] {
  return Object.freeze(channelsSchema.parse(channels).map((c) => Object.freeze(c)));
}

/** The SQS visibility timeout of a channel's queue: 6× the consumer timeout. */
export function visibilityTimeoutSeconds(channel: Channel): number {
  return Math.min(
    channel.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR,
    MAX_VISIBILITY_TIMEOUT_SECONDS,
  );
}

/** The name of a channel's FIFO queue, e.g. `sluice-default.fifo`. */
export function queueName(prefix: string, channel: Pick<Channel, 'name'>): string {
  return `${prefix}-${channel.name}.fifo`;
}

/** The name of a channel's FIFO dead-letter queue, e.g. `sluice-default-dlq.fifo`. */
export function deadLetterQueueName(prefix: string, channel: Pick<Channel, 'name'>): string {
  return `${prefix}-${channel.name}-dlq.fifo`;
}

/** Finds a channel by name, or `undefined`. */
export function findChannel(channels: readonly Channel[], name: string): Channel | undefined {
  return channels.find((c) => c.name === name);
}
