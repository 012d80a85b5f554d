/** Messages in a queue, visible or in flight: the front's test bed owns the one definition. */
export { queueCounts, queueDepth, type QueueCounts } from '../../container/testing/aws-test-bed.js';
