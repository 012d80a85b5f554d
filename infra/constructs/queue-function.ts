import type { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal, type PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LOCK_FILE, PROJECT_ROOT } from '../project-paths.js';

/** The Lambda runtime the handlers are built and tested for. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;
/** esbuild's target for that runtime (`nodejs24.x` → `node24`). */
const ESBUILD_TARGET = FUNCTION_RUNTIME.name.replace(/^nodejs(\d+)\.x$/, 'node$1');
/**
 * ESM bundles have no `require`, but the bundled CommonJS packages (the AWS
 * SDK, pino) require Node built-ins: the banner gives them one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
/** How long function logs are kept. */
const LOG_RETENTION = RetentionDays.ONE_MONTH;

/** Properties of `QueueFunction`. */
export interface QueueFunctionProps {
  /** The handler module (its export `handler` is the Lambda handler). */
  entry: string;
  description: string;
  /** The queue whose messages invoke the function. */
  queue: IQueue;
  environment: Record<string, string>;
  timeout: Duration;
  memorySize: number;
  /** Messages per invocation. */
  batchSize: number;
  /** Concurrent invocations the event source mapping may make (at least 2). */
  maxConcurrency: number;
}

/**
 * A Lambda function fed by one SQS queue: the handler bundled by the local
 * esbuild (ESM, every dependency inside, including the AWS SDK the lockfile
 * pins, no Docker), ARM64 on Node 24, its own log group, and an event source
 * mapping with partial batch responses (`ReportBatchItemFailures`). Its role
 * starts empty: it may write its own log group, and the event source grants
 * it consumption of its queue only; callers add the rest.
 *
 * @example
 * ```ts
 * const consumer = new QueueFunction(this, 'Consumer', {
 *   entry: CONSUMER_ENTRY, description: 'consumer', queue, environment, timeout: Duration.seconds(30),
 *   memorySize: 512, batchSize: 10, maxConcurrency: 10,
 * });
 * ```
 */
export class QueueFunction extends Construct {
  readonly function: IFunction;
  readonly role: Role;
  readonly logGroup: ILogGroup;

  constructor(scope: Construct, id: string, props: QueueFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: LOG_RETENTION });
    // No AWS managed policy (AWSLambdaBasicExecutionRole allows every log group).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description}: its log group and its queue`,
    });
    this.logGroup.grantWrite(this.role);
    const fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: props.environment,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: LOCK_FILE,
      bundling: {
        format: OutputFormat.ESM,
        target: ESBUILD_TARGET,
        banner: ESM_REQUIRE_BANNER,
        // Bundle the SDK version the tests ran against instead of the runtime's.
        externalModules: [],
        forceDockerBundling: false,
      },
    });
    fn.addEventSource(
      new SqsEventSource(props.queue, {
        batchSize: props.batchSize,
        maxConcurrency: props.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    this.function = fn;
  }

  /**
   * Adds a statement to the function's role (only for what its handler calls
   * beyond consuming its queue).
   *
   * @example
   * ```ts
   * consumer.allow(new PolicyStatement({ actions: ['sqs:GetQueueUrl'], resources: [dlq.queueArn] }));
   * ```
   */
  allow(statement: PolicyStatement): void {
    this.role.addToPrincipalPolicy(statement);
  }
}
