import { Annotations, Aws, Duration, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  TreatMissingData,
  type IAlarmAction,
} from 'aws-cdk-lib/aws-cloudwatch';
import {
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  type IVpc,
  type SubnetSelection,
} from 'aws-cdk-lib/aws-ec2';
import {
  Cluster,
  ContainerInsights,
  CpuArchitecture,
  FargateService,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
  type ContainerImage,
} from 'aws-cdk-lib/aws-ecs';
import {
  AlpnPolicy,
  ListenerCertificate,
  NetworkLoadBalancer,
  Protocol,
  SslPolicy,
  type AddNetworkTargetsProps,
  type BaseNetworkListenerProps,
  type NetworkTargetGroup,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ChannelQueues } from './channel-queues.js';
import type { JobsTableResource } from './jobs-table-resource.js';
import type { KeysTableResource } from './keys-table-resource.js';
import type { LimitsTableResource } from './limits-table-resource.js';
import type { LogBucket } from './log-bucket.js';
import type { FrontExposure, FrontListener } from '../sluice-settings.js';

/** The gRPC port, on the tasks and on the load balancer (`SLUICE_PORT`). */
export const GRPC_PORT = 50051;
/**
 * The dashboard and the browser API (Connect, gRPC-Web) on the tasks
 * (`SLUICE_WEB_PORT`), and on an internal or plaintext load balancer.
 */
export const WEB_PORT = 8081;
/** The dashboard's port on a public TLS listener: browsers expect HTTPS on 443. */
export const WEB_TLS_PORT = 443;
/** The front's plain HTTP health port, for the target group (`SLUICE_HEALTH_PORT`). */
export const HEALTH_PORT = 8080;
/**
 * The front's drain on SIGTERM (`SLUICE_SHUTDOWN_GRACE_MS`, at most 20 s in
 * container/config/front-config.ts); container/main.ts then allows 5 s more
 * to flush the producers before it exits on its own.
 */
export const SHUTDOWN_GRACE_MS = 15_000;
/** container/main.ts's FLUSH_ALLOWANCE_MS: its exit deadline is the grace plus this. */
export const FRONT_EXIT_ALLOWANCE_MS = 5_000;
/** SIGKILL comes this long after SIGTERM: the front's own deadline (20 s) plus a margin. */
export const STOP_TIMEOUT = Duration.seconds(30);
/**
 * Each client connection is closed (HTTP/2 GOAWAY) after about this long
 * (`SLUICE_GRPC_MAX_CONNECTION_AGE_MS`, ±10 % jitter from grpc-js). An NLB
 * balances connections, not calls: without an age, a client stays on the task
 * it first reached, and tasks added by autoscaling get nothing from connected
 * clients. Five minutes: a scale-out (1 min cooldown) is used within minutes,
 * and a reconnect every few minutes costs nothing measurable.
 */
export const MAX_CONNECTION_AGE_MS = 300_000;
/**
 * Calls in progress when the GOAWAY goes out may finish within this
 * (`SLUICE_GRPC_MAX_CONNECTION_AGE_GRACE_MS`): a unary call's 30 s deadline
 * fits. Longer streams (WatchJobs, SubmitJobs) are then cut and the client
 * resumes them on another connection.
 */
export const MAX_CONNECTION_AGE_GRACE_MS = 30_000;
/** The NLB keeps established connections this long after a task leaves the target group. */
const DEREGISTRATION_DELAY = Duration.seconds(30);
/** Graviton Fargate task size: 0.5 vCPU, 1 GiB. */
const TASK_CPU = 512;
const TASK_MEMORY_MIB = 1024;
/** Scale out when the tasks' average CPU passes this. */
const TARGET_CPU_PERCENT = 60;
const SCALE_OUT_COOLDOWN = Duration.minutes(1);
const SCALE_IN_COOLDOWN = Duration.minutes(5);
/** Target group health check cadence: a task is in or out within ~20 s. */
const HEALTH_CHECK_INTERVAL = Duration.seconds(10);
const HEALTH_CHECK_THRESHOLD = 2;
/** A starting task is not judged by its health checks for this long. */
const HEALTH_CHECK_GRACE = Duration.seconds(60);
/** How long front logs are kept. */
const LOG_RETENTION = RetentionDays.ONE_MONTH;
/** The access log prefix in the log bucket. */
const ACCESS_LOG_PREFIX = 'nlb';
/** Anyone, when no `allowedCidrs` narrow it. */
const ANY_IPV4 = '0.0.0.0/0';
/** AWS APIs (SQS, DynamoDB, CloudWatch Logs) and ECR answer on HTTPS only. */
const HTTPS_PORT = 443;
/** The id of the synthesis warning about a public plaintext listener. */
export const INSECURE_PUBLIC_PLAINTEXT_WARNING_ID = 'sluice:insecurePublicPlaintext';
/** What that warning says. */
export const INSECURE_PUBLIC_PLAINTEXT_WARNING =
  'INSECURE: insecurePublicPlaintext=true puts the gRPC endpoint on the internet without TLS; API keys and payloads cross it in clear text. Use -c certificateArn=... for a public endpoint.';
/** The container's name in the task definition. */
const CONTAINER_NAME = 'front';

/** Properties of `FrontService`. */
export interface FrontServiceProps {
  vpc: IVpc;
  /** The subnets of the tasks (and of an internal load balancer): private, without public IPs. */
  taskSubnets: SubnetSelection;
  /**
   * The VPC's IPv4 range as a literal (an internal load balancer admits it by
   * default; cdk-nag cannot check a rule whose range is an intrinsic).
   */
  vpcCidr: string;
  /** The image built from container/Dockerfile. */
  image: ContainerImage;
  /** Names the front finds its queues and table by. */
  prefix: string;
  channelQueues: readonly ChannelQueues[];
  jobsTable: JobsTableResource;
  /** The API keys table: the front may only look keys up in it. */
  keysTable: KeysTableResource;
  /** The per-tenant rate counters every task leases submit tokens from. */
  limitsTable: LimitsTableResource;
  logBucket: LogBucket;
  listener: FrontListener;
  /** Who may connect; none: anyone (IPv4) on a public listener, the VPC's range on an internal one. */
  allowedCidrs?: readonly string[];
  minTasks: number;
  maxTasks: number;
  alarmAction?: IAlarmAction;
}

/**
 * The gRPC front: an ARM64 Fargate service in private subnets behind a
 * Network Load Balancer — internal unless the listener is public (TLS with
 * the given certificate and HTTP/2 by ALPN, or the plaintext opt-in, which
 * synthesis warns about). The NLB listens on the gRPC port, checks the
 * tasks on their HTTP health port, and reaches them through security groups
 * that allow nothing else. The service scales on CPU, rolls back a failed
 * deployment, closes client connections after `MAX_CONNECTION_AGE_MS` so
 * they rebalance, and gives a task `STOP_TIMEOUT` to drain after SIGTERM. Its task
 * role may send to the channel queues, look up their (and their DLQs') URLs,
 * read and write job records, look API keys up and lease rate tokens — nothing more.
 *
 * @example
 * ```ts
 * const front = new FrontService(this, 'Front', {
 *   vpc, taskSubnets: { subnetGroupName: 'private' }, vpcCidr: '10.0.0.0/16', image, prefix,
 *   channelQueues, jobsTable, keysTable, limitsTable, logBucket, listener: { exposure: 'internal' },
 *   minTasks: 2, maxTasks: 8,
 * });
 * new CfnOutput(this, 'Endpoint', { value: front.endpoint });
 * ```
 */
export class FrontService extends Construct {
  /** `host:port` clients dial. */
  readonly endpoint: string;
  /** The dashboard's URL (HTTPS on a public TLS listener; the certificate's name may differ). */
  readonly dashboardUrl: string;
  /** Whether the load balancer is reachable from the internet. */
  readonly exposure: FrontExposure;
  readonly loadBalancer: NetworkLoadBalancer;
  readonly service: FargateService;
  readonly targetGroup: NetworkTargetGroup;
  /** The dashboard and browser API's target group. */
  readonly webTargetGroup: NetworkTargetGroup;

  constructor(scope: Construct, id: string, props: FrontServiceProps) {
    super(scope, id);
    const { vpc } = props;
    this.exposure = props.listener.exposure;
    const internetFacing = this.exposure !== 'internal';
    const cluster = new Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ContainerInsights.ENABLED,
    });
    const taskDefinition = new FargateTaskDefinition(this, 'Task', {
      cpu: TASK_CPU,
      memoryLimitMiB: TASK_MEMORY_MIB,
      runtimePlatform: {
        cpuArchitecture: CpuArchitecture.ARM64,
        operatingSystemFamily: OperatingSystemFamily.LINUX,
      },
    });
    this.#grantQueueAccess(taskDefinition.taskRole, props.channelQueues);
    props.jobsTable.grantJobAccess(taskDefinition.taskRole);
    props.keysTable.grantKeyLookup(taskDefinition.taskRole);
    // The page-token key lives in the keys table (through the free gateway endpoint), not in Secrets Manager.
    props.keysTable.grantPageTokenSecret(taskDefinition.taskRole);
    props.jobsTable.grantListing(taskDefinition.taskRole);
    props.limitsTable.grantTokenLeases(taskDefinition.taskRole);
    taskDefinition.addContainer(CONTAINER_NAME, {
      image: props.image,
      essential: true,
      readonlyRootFilesystem: true,
      stopTimeout: STOP_TIMEOUT,
      portMappings: [
        { containerPort: GRPC_PORT },
        { containerPort: HEALTH_PORT },
        { containerPort: WEB_PORT },
      ],
      environment: {
        AWS_REGION: Aws.REGION,
        SLUICE_TABLE_NAME: props.jobsTable.table.tableName,
        SLUICE_KEYS_TABLE_NAME: props.keysTable.table.tableName,
        SLUICE_LIMITS_TABLE_NAME: props.limitsTable.table.tableName,
        SLUICE_QUEUE_PREFIX: props.prefix,
        SLUICE_LIST_SHARDS: String(props.jobsTable.listShards),
        SLUICE_PORT: String(GRPC_PORT),
        SLUICE_HEALTH_PORT: String(HEALTH_PORT),
        SLUICE_WEB_PORT: String(WEB_PORT),
        SLUICE_LOG_LEVEL: 'info',
        // Every caller needs an API key (`sluice keys create`); `open` is for the local runtime only.
        SLUICE_AUTH: 'api-keys',
        SLUICE_SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
        SLUICE_GRPC_MAX_CONNECTION_AGE_MS: String(MAX_CONNECTION_AGE_MS),
        SLUICE_GRPC_MAX_CONNECTION_AGE_GRACE_MS: String(MAX_CONNECTION_AGE_GRACE_MS),
      },
      logging: LogDrivers.awsLogs({
        streamPrefix: CONTAINER_NAME,
        logGroup: new LogGroup(this, 'Logs', { retention: LOG_RETENTION }),
      }),
    });
    // Set by addContainer for the ECR image asset: pulling needs ecr:GetAuthorizationToken.
    const executionRole = taskDefinition.obtainExecutionRole();
    Validations.of(executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ecr:GetAuthorizationToken has no resource-level permissions (AWS allows only "*"); the layer pulls are scoped to the asset repository.',
    });
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment holds resource names, ports and tunables only; the front has no secret in it (API keys are verified against hashes in the keys table, and the page-token key is read from that table at start).',
    });

    const loadBalancerGroup = new SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc,
      allowAllOutbound: false,
      description: 'Sluice NLB: gRPC clients in, front tasks out',
    });
    // An internal load balancer admits the VPC's own range unless told which (peered) networks.
    const defaultCidrs = internetFacing ? [ANY_IPV4] : [props.vpcCidr];
    const webListenerPort = this.exposure === 'public-tls' ? WEB_TLS_PORT : WEB_PORT;
    for (const cidr of props.allowedCidrs ?? defaultCidrs) {
      loadBalancerGroup.addIngressRule(Peer.ipv4(cidr), Port.tcp(GRPC_PORT), 'gRPC clients');
      loadBalancerGroup.addIngressRule(
        Peer.ipv4(cidr),
        Port.tcp(webListenerPort),
        'Dashboard and browser API clients',
      );
    }
    if (internetFacing && (props.allowedCidrs ?? defaultCidrs).includes(ANY_IPV4)) {
      Validations.of(loadBalancerGroup).acknowledge({
        id: 'AwsSolutions-EC23',
        reason:
          this.exposure === 'public-tls'
            ? 'The gRPC endpoint and the dashboard are public by choice (-c certificateArn): TLS, and every call needs an API key. -c allowedCidrs=... narrows it.'
            : 'The gRPC endpoint and the dashboard are public plaintext by explicit opt-in (-c insecurePublicPlaintext=true), warned about at synthesis. -c allowedCidrs=... narrows it.',
      });
    }
    const serviceGroup = new SecurityGroup(this, 'ServiceSecurityGroup', {
      vpc,
      allowAllOutbound: false,
      description: 'Sluice front tasks: the NLB in, AWS APIs (HTTPS) out',
    });
    serviceGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(HTTPS_PORT), 'AWS APIs and ECR');

    this.service = new FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      // No desiredCount: a deployment must not reset what autoscaling chose (which keeps ≥ minTasks).
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
      vpcSubnets: props.taskSubnets,
      securityGroups: [serviceGroup],
      assignPublicIp: false,
      healthCheckGracePeriod: HEALTH_CHECK_GRACE,
    });
    this.service.connections.allowFrom(loadBalancerGroup, Port.tcp(GRPC_PORT), 'gRPC from the NLB');
    this.service.connections.allowFrom(
      loadBalancerGroup,
      Port.tcp(WEB_PORT),
      'Dashboard and browser API from the NLB',
    );
    this.service.connections.allowFrom(
      loadBalancerGroup,
      Port.tcp(HEALTH_PORT),
      'Health checks from the NLB',
    );
    this.service
      .autoScaleTaskCount({ minCapacity: props.minTasks, maxCapacity: props.maxTasks })
      .scaleOnCpuUtilization('Cpu', {
        targetUtilizationPercent: TARGET_CPU_PERCENT,
        scaleOutCooldown: SCALE_OUT_COOLDOWN,
        scaleInCooldown: SCALE_IN_COOLDOWN,
      });

    this.loadBalancer = new NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing,
      crossZoneEnabled: true,
      securityGroups: [loadBalancerGroup],
      vpcSubnets: internetFacing ? { subnetType: SubnetType.PUBLIC } : props.taskSubnets,
    });
    if (this.exposure === 'public-plaintext') {
      Annotations.of(this.loadBalancer).addWarningV2(
        INSECURE_PUBLIC_PLAINTEXT_WARNING_ID,
        INSECURE_PUBLIC_PLAINTEXT_WARNING,
      );
    }
    props.logBucket.allowLoadBalancerLogs(ACCESS_LOG_PREFIX);
    this.loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
    this.loadBalancer.setAttribute('access_logs.s3.bucket', props.logBucket.bucket.bucketName);
    this.loadBalancer.setAttribute('access_logs.s3.prefix', ACCESS_LOG_PREFIX);
    // The NLB checks it may write its logs when it is created: the bucket policy must exist first.
    this.loadBalancer.node.addDependency(props.logBucket);

    this.targetGroup = this.loadBalancer
      .addListener('Grpc', grpcListenerProps(props.listener))
      .addTargets('Front', this.#targetProps(GRPC_PORT));
    this.webTargetGroup = this.loadBalancer
      .addListener('Web', webListenerProps(props.listener))
      .addTargets('Web', this.#targetProps(WEB_PORT));
    this.dashboardUrl =
      this.exposure === 'public-tls'
        ? `https://${this.loadBalancer.loadBalancerDnsName}/`
        : `http://${this.loadBalancer.loadBalancerDnsName}:${WEB_PORT}/`;
    this.endpoint = `${this.loadBalancer.loadBalancerDnsName}:${GRPC_PORT}`;

    const noHealthyTasks = new Alarm(this, 'NoHealthyTasks', {
      metric: this.targetGroup.metrics.healthyHostCount({
        period: Duration.minutes(1),
        statistic: 'Minimum',
      }),
      threshold: 1,
      evaluationPeriods: 2,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
      alarmDescription: 'Sluice front: no task passes the NLB health check',
    });
    if (props.alarmAction !== undefined) noHealthyTasks.addAlarmAction(props.alarmAction);
  }

  /** A target group of the tasks' `port`, health-checked on their HTTP health port. */
  #targetProps(port: number): AddNetworkTargetsProps {
    return {
      port,
      protocol: Protocol.TCP,
      targets: [
        this.service.loadBalancerTarget({ containerName: CONTAINER_NAME, containerPort: port }),
      ],
      deregistrationDelay: DEREGISTRATION_DELAY,
      healthCheck: {
        protocol: Protocol.HTTP,
        port: String(HEALTH_PORT),
        path: '/',
        healthyHttpCodes: '200',
        interval: HEALTH_CHECK_INTERVAL,
        healthyThresholdCount: HEALTH_CHECK_THRESHOLD,
        unhealthyThresholdCount: HEALTH_CHECK_THRESHOLD,
      },
    };
  }

  #grantQueueAccess(
    role: { addToPrincipalPolicy(statement: PolicyStatement): unknown },
    channelQueues: readonly ChannelQueues[],
  ): void {
    const queueArns = channelQueues.map((c) => c.queue.queueArn);
    const deadLetterArns = channelQueues.map((c) => c.deadLetterQueue.queueArn);
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: queueArns }),
    );
    // container/main.ts resolves every channel's queue and DLQ URL by name at start;
    // ListChannels reads their message counts (operators only).
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes'],
        resources: [...queueArns, ...deadLetterArns],
      }),
    );
  }
}

/** The gRPC listener: TLS with HTTP/2 by ALPN when public, else plain TCP. */
function grpcListenerProps(listener: FrontListener): BaseNetworkListenerProps {
  if (listener.exposure !== 'public-tls') return { port: GRPC_PORT, protocol: Protocol.TCP };
  return {
    port: GRPC_PORT,
    protocol: Protocol.TLS,
    certificates: [ListenerCertificate.fromArn(listener.certificateArn)],
    sslPolicy: SslPolicy.RECOMMENDED_TLS,
    // gRPC clients insist on HTTP/2 by ALPN (grpc-go refuses a TLS connection without it).
    alpnPolicy: AlpnPolicy.HTTP2_ONLY,
  };
}

/**
 * The dashboard's listener, under the same rule as gRPC: HTTPS on 443 when
 * public (TLS ends on the NLB), else plain TCP on the web port (internal, or
 * the loudly named plaintext opt-in). HTTP/1.1 by ALPN: the NLB passes bytes
 * through, and the task's web port speaks HTTP/1.1 in the clear (Connect
 * streams WatchJobs over it).
 */
function webListenerProps(listener: FrontListener): BaseNetworkListenerProps {
  if (listener.exposure !== 'public-tls') return { port: WEB_PORT, protocol: Protocol.TCP };
  return {
    port: WEB_TLS_PORT,
    protocol: Protocol.TLS,
    certificates: [ListenerCertificate.fromArn(listener.certificateArn)],
    sslPolicy: SslPolicy.RECOMMENDED_TLS,
    alpnPolicy: AlpnPolicy.HTTP1_ONLY,
  };
}
