/** The AWS services the proxy stands in front of. */
export type AwsService = 'sqs' | 'dynamodb';

/** The service and operation one call was addressed to. */
export interface AwsTarget {
  service: AwsService;
  /** The operation, e.g. `SendMessageBatch`, `PutItem` (the two APIs share no names). */
  action: string;
}

const DYNAMODB_TARGET_PREFIX = 'DynamoDB_';
const SQS_TARGET_PREFIX = 'AmazonSQS.';
/** The start of a query-protocol (form) body's `Action=` field. */
const QUERY_ACTION = /(?:^|&)Action=([A-Za-z]+)/;

/**
 * The service and operation of an AWS call, from its `X-Amz-Target` header
 * (`AmazonSQS.SendMessage`, `DynamoDB_20120810.PutItem`: the JSON protocols
 * both services speak), or from the `Action=` field of an SQS query-protocol
 * body (older SDKs and CLIs); `undefined` for anything else, which the proxy
 * cannot route.
 *
 * @example
 * ```ts
 * parseAwsTarget('DynamoDB_20120810.PutItem'); // { service: 'dynamodb', action: 'PutItem' }
 * ```
 */
export function parseAwsTarget(
  target: string | string[] | undefined,
  body?: Buffer,
): AwsTarget | undefined {
  if (typeof target === 'string') {
    const action = target.slice(target.indexOf('.') + 1);
    if (target.startsWith(SQS_TARGET_PREFIX)) return { service: 'sqs', action };
    if (target.startsWith(DYNAMODB_TARGET_PREFIX)) return { service: 'dynamodb', action };
    return undefined;
  }
  const match = body === undefined ? null : QUERY_ACTION.exec(body.toString('utf8'));
  return match?.[1] === undefined ? undefined : { service: 'sqs', action: match[1] };
}
