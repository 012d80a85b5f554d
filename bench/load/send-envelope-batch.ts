import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  encodeEnvelope,
  messageGroupId,
  type MessageEnvelope,
} from '../../core/envelope/message-envelope.js';

/**
 * The submit path's SQS call made directly, for the bench's baselines: one
 * SendMessageBatch of `envelopes` as the front sends them (the job id as
 * deduplication id, the envelope's message group), throwing if SQS failed
 * any entry. Answers each envelope's sequence number in order (`undefined`
 * where SQS gave none), for the record written after it.
 *
 * @example
 * ```ts
 * const sequenceNumbers = await sendEnvelopeBatch(clients.sqs, queueUrl, envelopes);
 * ```
 */
export async function sendEnvelopeBatch(
  sqs: SQSClient,
  queueUrl: string,
  envelopes: readonly MessageEnvelope[],
): Promise<(string | undefined)[]> {
  const response = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: envelopes.map((e, i) => ({
        Id: String(i),
        MessageBody: encodeEnvelope(e),
        MessageGroupId: messageGroupId(e),
        MessageDeduplicationId: e.jobId,
      })),
    }),
  );
  if ((response.Failed ?? []).length > 0) throw new Error('SendMessageBatch entries failed');
  const byId = new Map((response.Successful ?? []).map((s) => [s.Id, s.SequenceNumber]));
  return envelopes.map((_, i) => byId.get(String(i)));
}
