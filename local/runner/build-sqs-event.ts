import { createHash } from 'node:crypto';
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

/** Where the messages of an event come from. */
export interface EventSourceQueue {
  /** The queue's ARN (GetQueueAttributes `QueueArn`). */
  queueArn: string;
  region: string;
}

function lambdaAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  return {
    dataType: value.DataType ?? 'String',
    ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
    ...(value.BinaryValue === undefined
      ? {}
      : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
  };
}

function recordAttributes(message: Message, receivedAt: number): SQSRecordAttributes {
  const system = message.Attributes ?? {};
  const optional = (
    [
      'AWSTraceHeader',
      'SequenceNumber',
      'MessageGroupId',
      'MessageDeduplicationId',
      'DeadLetterQueueSourceArn',
    ] as const
  ).flatMap((name) => (system[name] === undefined ? [] : [[name, system[name]] as const]));
  return {
    ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
    SentTimestamp: system.SentTimestamp ?? String(receivedAt),
    SenderId: system.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? String(receivedAt),
    ...Object.fromEntries(optional),
  };
}

/**
 * The `SQSEvent` Lambda's event source mapping would deliver for messages
 * received from a queue: the same record fields (system attributes under
 * their names, message attributes in Lambda's camel-case form with binary
 * values in base64, `eventSource: 'aws:sqs'`, the queue's ARN and region),
 * so a handler cannot tell the local runner from AWS.
 *
 * @example
 * ```ts
 * const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['All'] }));
 * await handler(buildSqsEvent(Messages, { queueArn, region: 'us-east-1' }), context);
 * ```
 */
export function buildSqsEvent(
  messages: readonly Message[],
  source: EventSourceQueue,
  receivedAt: number = Date.now(),
): SQSEvent {
  const Records = messages.map((message): SQSRecord => {
    const body = message.Body ?? '';
    return {
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body,
      attributes: recordAttributes(message, receivedAt),
      messageAttributes: Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          lambdaAttribute(value),
        ]),
      ),
      md5OfBody: message.MD5OfBody ?? createHash('md5').update(body).digest('hex'),
      ...(message.MD5OfMessageAttributes === undefined
        ? {}
        : { md5OfMessageAttributes: message.MD5OfMessageAttributes }),
      eventSource: 'aws:sqs',
      eventSourceARN: source.queueArn,
      awsRegion: source.region,
    };
  });
  return { Records };
}
