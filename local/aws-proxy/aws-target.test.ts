import { parseAwsTarget } from './aws-target.js';

describe('parseAwsTarget', () => {
  it('reads the service and operation of both JSON protocols from X-Amz-Target', () => {
    expect(parseAwsTarget('AmazonSQS.SendMessageBatch')).toEqual({
      service: 'sqs',
      action: 'SendMessageBatch',
    });
    expect(parseAwsTarget('DynamoDB_20120810.PutItem')).toEqual({
      service: 'dynamodb',
      action: 'PutItem',
    });
  });

  it('reads an SQS query-protocol call from the Action field of its form body', () => {
    const body = Buffer.from('QueueUrl=x&Action=ReceiveMessage&Version=2012-11-05');
    expect(parseAwsTarget(undefined, body)).toEqual({ service: 'sqs', action: 'ReceiveMessage' });
  });

  it('leaves a call of another service, or of none, unrouted', () => {
    expect(parseAwsTarget('Kinesis_20131202.PutRecord')).toBeUndefined();
    expect(parseAwsTarget(undefined, Buffer.from('{}'))).toBeUndefined();
    expect(parseAwsTarget(['AmazonSQS.SendMessage', 'AmazonSQS.SendMessage'])).toBeUndefined();
  });
});
