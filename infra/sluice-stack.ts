import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  FlowLogDestination,
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpointAwsService,
  IpAddresses,
  SubnetType,
  Vpc,
  type SubnetSelection,
} from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { ContainerImage } from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { Channel } from '../core/channels/channel-config.js';
import { ChannelAlarms } from './constructs/channel-alarms.js';
import { ChannelQueues } from './constructs/channel-queues.js';
import { FrontService } from './constructs/front-service.js';
import { JobsTableResource } from './constructs/jobs-table-resource.js';
import { KeysTableResource } from './constructs/keys-table-resource.js';
import { LimitsTableResource } from './constructs/limits-table-resource.js';
import { LogBucket } from './constructs/log-bucket.js';
import { QueueFunction } from './constructs/queue-function.js';
import { CONSUMER_ENTRY, CONTAINER_DIR, DEAD_LETTER_ENTRY } from './project-paths.js';
import { frontListener, type SluiceSettings } from './sluice-settings.js';

/** The dead-letter handler only writes one record per message. */
const DEAD_LETTER_TIMEOUT = Duration.seconds(30);
const DEAD_LETTER_MEMORY_MB = 256;
/** Function logs at this level (pino's). */
const FUNCTION_LOG_LEVEL = 'info';
/** Two zones: the NLB and the tasks survive the loss of one. */
const AVAILABILITY_ZONES = 2;
/** Subnet sizes: /24 public (NLB, NAT), /22 private (up to ~1000 task ENIs per zone). */
const PUBLIC_SUBNET_MASK = 24;
const PRIVATE_SUBNET_MASK = 22;
/** The subnet group of the tasks, the interface endpoints and an internal NLB. */
const PRIVATE_SUBNET_GROUP = 'private';
/**
 * What the tasks call besides DynamoDB and S3 (gateway endpoints, free): SQS
 * (every submit), ECR's API and registry (image pulls; the layers come from
 * S3) and CloudWatch Logs (the awslogs driver). With these, no AWS call needs
 * the internet, so the VPC needs no NAT gateway.
 */
const INTERFACE_ENDPOINTS = {
  Sqs: InterfaceVpcEndpointAwsService.SQS,
  EcrApi: InterfaceVpcEndpointAwsService.ECR,
  EcrDocker: InterfaceVpcEndpointAwsService.ECR_DOCKER,
  Logs: InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
} as const;

/** The Endpoint output's description, by exposure. */
const ENDPOINT_DESCRIPTIONS = {
  internal:
    'The gRPC endpoint (internal load balancer, plaintext: reachable from the VPC and networks routed to it)',
  'public-tls': 'The gRPC endpoint (public, TLS)',
  'public-plaintext':
    'The gRPC endpoint (PUBLIC PLAINTEXT: API keys cross the internet in clear text)',
} as const;

/** Properties of `SluiceStack`. */
export interface SluiceStackProps extends StackProps {
  settings: SluiceSettings;
  /** The channels to deploy: `CHANNELS` from core/channels/channels.ts. */
  channels: readonly Channel[];
}

/**
 * The limits table of a deployment: `<prefix>-limits` (`SLUICE_LIMITS_TABLE_NAME`).
 *
 * @example
 * ```ts
 * limitsTableName('sluice'); // 'sluice-limits'
 * ```
 */
export function limitsTableName(prefix: string): string {
  return `${prefix}-limits`;
}

/**
 * A channel's name as a construct and output id prefix: `default` → `Default`,
 * `bulk-import` → `BulkImport` (output ids allow letters and digits only).
 *
 * @example
 * ```ts
 * channelConstructId('bulk-import'); // 'BulkImport' → outputs BulkImportQueueUrl, ...
 * ```
 */
export function channelConstructId(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * One Sluice deployment, built from the channel config the front, the
 * consumers and the local runtime share: per channel a FIFO queue and DLQ, a
 * consumer and a dead-letter handler (Lambda, ARM64) with their alarms; the
 * jobs table and the API keys table; and (unless `front` is off) the gRPC front on Fargate behind an
 * NLB in its own VPC. Environment-agnostic: it deploys to the account and
 * region of the credentials `cdk deploy` runs with, and synthesises offline.
 * Outputs: the endpoint, the table name and every queue URL.
 *
 * @example
 * ```ts
 * new SluiceStack(app, 'Sluice', { settings: readSluiceSettings(app), channels: CHANNELS });
 * ```
 */
export class SluiceStack extends Stack {
  readonly jobsTable: JobsTableResource;
  readonly keysTable: KeysTableResource;
  readonly channelQueues: readonly ChannelQueues[];
  readonly front: FrontService | undefined;

  constructor(scope: Construct, id: string, props: SluiceStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.jobsTable = new JobsTableResource(this, 'Jobs', {
      importTableName: settings.jobsTableName,
    });
    new CfnOutput(this, 'TableName', {
      value: this.jobsTable.table.tableName,
      description: 'The jobs table (SLUICE_TABLE_NAME)',
    });
    this.keysTable = new KeysTableResource(this, 'Keys', {
      importTableName: settings.keysTableName,
    });
    new CfnOutput(this, 'KeysTableName', {
      value: this.keysTable.table.tableName,
      description: 'The API keys table (SLUICE_KEYS_TABLE_NAME, for sluice keys)',
    });
    const alarmAction =
      settings.alarmTopicArn === undefined
        ? undefined
        : new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', settings.alarmTopicArn));
    this.channelQueues = props.channels.map((channel) =>
      this.#addChannel(channel, settings, alarmAction),
    );
    this.front = settings.front ? this.#addFront(settings, alarmAction) : undefined;
  }

  #addChannel(
    channel: Channel,
    settings: SluiceSettings,
    alarmAction: SnsAction | undefined,
  ): ChannelQueues {
    const id = channelConstructId(channel.name);
    const queues = new ChannelQueues(this, `${id}Queues`, { channel, prefix: settings.prefix });
    const environment = {
      SLUICE_CHANNEL: channel.name,
      SLUICE_TABLE_NAME: this.jobsTable.table.tableName,
      SLUICE_QUEUE_PREFIX: settings.prefix,
      // The index shard of a record is written by whoever writes it: front and functions agree.
      SLUICE_LIST_SHARDS: String(this.jobsTable.listShards),
      SLUICE_LOG_LEVEL: FUNCTION_LOG_LEVEL,
    };
    const consumer = new QueueFunction(this, `${id}Consumer`, {
      entry: CONSUMER_ENTRY,
      description: `Sluice consumer of channel ${channel.name}`,
      queue: queues.queue,
      environment,
      timeout: Duration.seconds(channel.timeoutSeconds),
      memorySize: channel.memoryMb,
      batchSize: channel.batchSize,
      maxConcurrency: channel.maxConcurrency,
    });
    // The handler resolves its queue's and DLQ's URLs by name at its first invocation
    // (GetQueueUrl on its own queue comes with the event source's grant).
    consumer.allow(
      new PolicyStatement({
        actions: ['sqs:GetQueueUrl'],
        resources: [queues.deadLetterQueue.queueArn],
      }),
    );
    this.jobsTable.grantJobAccess(consumer.role);
    const deadLetter = new QueueFunction(this, `${id}DeadLetter`, {
      entry: DEAD_LETTER_ENTRY,
      description: `Sluice dead-letter handler of channel ${channel.name}`,
      queue: queues.deadLetterQueue,
      environment,
      timeout: DEAD_LETTER_TIMEOUT,
      memorySize: DEAD_LETTER_MEMORY_MB,
      batchSize: channel.batchSize,
      maxConcurrency: channel.maxConcurrency,
    });
    this.jobsTable.grantJobAccess(deadLetter.role);
    new ChannelAlarms(this, `${id}Alarms`, {
      channelName: channel.name,
      queue: queues.queue,
      deadLetterQueue: queues.deadLetterQueue,
      consumer: consumer.function,
      deadLetterHandler: deadLetter.function,
      action: alarmAction,
    });
    new CfnOutput(this, `${id}QueueUrl`, {
      value: queues.queue.queueUrl,
      description: `Channel ${channel.name}: the job queue`,
    });
    new CfnOutput(this, `${id}DeadLetterQueueUrl`, {
      value: queues.deadLetterQueue.queueUrl,
      description: `Channel ${channel.name}: the dead-letter queue`,
    });
    return queues;
  }

  #addFront(settings: SluiceSettings, alarmAction: SnsAction | undefined): FrontService {
    const limitsTable = new LimitsTableResource(this, 'Limits', {
      tableName: limitsTableName(settings.prefix),
    });
    const logBucket = new LogBucket(this, 'NetworkLogs');
    const listener = frontListener(settings);
    const { exposure } = listener;
    const vpc = new Vpc(this, 'Network', {
      ipAddresses: IpAddresses.cidr(settings.vpcCidr),
      maxAzs: AVAILABILITY_ZONES,
      natGateways: settings.natGateways,
      subnetConfiguration: [
        {
          name: 'public',
          subnetType: SubnetType.PUBLIC,
          cidrMask: PUBLIC_SUBNET_MASK,
          // Only a public NLB or a NAT gateway lives there; reserved, the range stays the same.
          reserved: exposure === 'internal' && settings.natGateways === 0,
        },
        {
          name: PRIVATE_SUBNET_GROUP,
          subnetType:
            settings.natGateways > 0 ? SubnetType.PRIVATE_WITH_EGRESS : SubnetType.PRIVATE_ISOLATED,
          cidrMask: PRIVATE_SUBNET_MASK,
        },
      ],
      // Table and image-layer traffic needs neither the internet nor a NAT gateway.
      gatewayEndpoints: {
        DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB },
        S3: { service: GatewayVpcEndpointAwsService.S3 },
      },
      flowLogs: {
        ToS3: { destination: FlowLogDestination.toS3(logBucket.bucket, 'vpc-flow-logs') },
      },
    });
    const taskSubnets: SubnetSelection = { subnetGroupName: PRIVATE_SUBNET_GROUP };
    // Private DNS: the SDK's usual endpoint names resolve to the endpoints inside the VPC.
    // Not open to the whole VPC: only the front's tasks may reach them (below).
    const endpoints = Object.entries(INTERFACE_ENDPOINTS).map(([id, service]) =>
      vpc.addInterfaceEndpoint(id, {
        service,
        subnets: taskSubnets,
        privateDnsEnabled: true,
        open: false,
      }),
    );
    const front = new FrontService(this, 'Front', {
      vpc,
      taskSubnets,
      vpcCidr: settings.vpcCidr,
      // Synth only stages container/ (Dockerfile and dist/); `cdk deploy` builds and pushes the image.
      image: ContainerImage.fromAsset(CONTAINER_DIR, { platform: Platform.LINUX_ARM64 }),
      prefix: settings.prefix,
      channelQueues: this.channelQueues,
      jobsTable: this.jobsTable,
      keysTable: this.keysTable,
      limitsTable,
      logBucket,
      listener,
      allowedCidrs: settings.allowedCidrs,
      minTasks: settings.frontMinTasks,
      maxTasks: settings.frontMaxTasks,
      alarmAction,
    });
    for (const endpoint of endpoints) {
      endpoint.connections.allowDefaultPortFrom(front.service, 'AWS APIs from the front tasks');
    }
    new CfnOutput(this, 'Endpoint', {
      value: front.endpoint,
      description: ENDPOINT_DESCRIPTIONS[exposure],
    });
    new CfnOutput(this, 'DashboardUrl', {
      value: front.dashboardUrl,
      description: 'The dashboard and the browser API (same exposure and TLS as the gRPC endpoint)',
    });
    return front;
  }
}
