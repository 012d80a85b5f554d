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
 * - VPC networking (the README's network cost paragraph; listed 2026-12-01,
 *   the long-standing list prices, not re-fetched that day):
 *   https://aws.amazon.com/vpc/pricing/ — a NAT gateway $0.045 per hour and
 *   $0.045 per GB processed; https://aws.amazon.com/privatelink/pricing/ — an
 *   interface endpoint $0.01 per hour per Availability Zone and $0.01 per GB
 *   processed (first PB a month); gateway endpoints (DynamoDB, S3) are free.
 */
export const PRICE_LIST = {
  region: 'us-east-1',
  checkedOn: '2026-11-25',
  sources: [
    'https://aws.amazon.com/sqs/pricing/',
    'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    'https://aws.amazon.com/lambda/pricing/',
    'https://aws.amazon.com/fargate/pricing/',
    'https://aws.amazon.com/vpc/pricing/',
    'https://aws.amazon.com/privatelink/pricing/',
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
  /** USD per hour of one NAT gateway. */
  natGatewayPerHour: 0.045,
  /** USD per GB a NAT gateway processes. */
  natGatewayPerGb: 0.045,
  /** USD per hour of one interface VPC endpoint in one Availability Zone. */
  interfaceEndpointPerAzHour: 0.01,
  /** USD per GB an interface endpoint processes (the first PB a month). */
  interfaceEndpointPerGb: 0.01,
  /** Hours in the month AWS bills by (365 × 24 / 12). */
  hoursPerMonth: 730,
} as const;
