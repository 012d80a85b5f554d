/**
 * Public on-demand list prices, US East (N. Virginia), without free tiers or
 * volume discounts — the one place the cost model's prices live. Update them
 * here (with the date) when AWS changes them.
 *
 * Checked: 2026-11-25.
 * - SQS: https://aws.amazon.com/sqs/pricing/ — FIFO queues $0.50 per million
 *   requests (standard $0.40); every 64 KiB chunk of a payload is one request.
 * - DynamoDB: https://aws.amazon.com/dynamodb/pricing/on-demand/ — on-demand
 *   (since the November 2024 reduction) $0.625 per million write request
 *   units (1 KB each), $0.125 per million read request units (4 KB strongly
 *   consistent, or two eventually consistent reads).
 * - Lambda: https://aws.amazon.com/lambda/pricing/ — $0.20 per million
 *   requests; Arm (Graviton) duration $0.0000133334 per GB-second (first
 *   7.5 billion GB-s a month).
 * - Fargate: https://aws.amazon.com/fargate/pricing/ — Linux/ARM $0.03238 per
 *   vCPU-hour and $0.00356 per GB-hour.
 */
export const PRICE_LIST = {
  region: 'us-east-1',
  checkedOn: '2026-11-25',
  sources: [
    'https://aws.amazon.com/sqs/pricing/',
    'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    'https://aws.amazon.com/lambda/pricing/',
    'https://aws.amazon.com/fargate/pricing/',
  ],
  /** USD per million SQS FIFO requests (64 KiB chunks). */
  sqsFifoPerMillionRequests: 0.5,
  /** USD per million DynamoDB on-demand write request units. */
  dynamoDbPerMillionWriteUnits: 0.625,
  /** USD per million DynamoDB on-demand read request units. */
  dynamoDbPerMillionReadUnits: 0.125,
  /** USD per million Lambda requests (invocations). */
  lambdaPerMillionRequests: 0.2,
  /** USD per GB-second of Lambda duration on Arm. */
  lambdaArmPerGbSecond: 0.0000133334,
  /** USD per vCPU-hour of Fargate Linux/ARM. */
  fargateArmPerVcpuHour: 0.03238,
  /** USD per GB-hour of Fargate Linux/ARM. */
  fargateArmPerGbHour: 0.00356,
} as const;
