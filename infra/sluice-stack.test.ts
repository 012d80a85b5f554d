import { DEFAULT_LIST_SHARDS, JOB_INDEXES } from '../core/jobs/job-indexes.js';
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Stack, type CfnResource } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  deadLetterQueueName,
  queueName,
  visibilityTimeoutSeconds,
} from '../core/channels/channel-config.js';
import { CHANNELS } from '../core/channels/channels.js';
import { JOBS_TABLE_SCHEMA, jobsTableDefinition } from '../core/jobs/table-schema.js';
import {
  KEYS_TABLE_SCHEMA,
  PAGE_TOKEN_SECRET_ITEM,
  keysTableDefinition,
} from '../core/keys/keys-table-schema.js';
import { LIMITS_TABLE_SCHEMA, limitsTableDefinition } from '../core/limits/limits-table-schema.js';
import { OLDEST_MESSAGE_AGE_ALARM_SECONDS } from './constructs/channel-alarms.js';
import {
  FRONT_EXIT_ALLOWANCE_MS,
  GRPC_PORT,
  HEALTH_PORT,
  MAX_CONNECTION_AGE_GRACE_MS,
  MAX_CONNECTION_AGE_MS,
  WEB_PORT,
  WEB_TLS_PORT,
} from './constructs/front-service.js';
import { ESM_REQUIRE_BANNER } from './constructs/queue-function.js';
import { CONTAINER_DIR } from './project-paths.js';
import { DEFAULT_PREFIX, DEFAULT_VPC_CIDR } from './sluice-settings.js';
import { channelConstructId, limitsTableName } from './sluice-stack.js';
import {
  acknowledgements,
  BUNDLING_STACKS_CONTEXT,
  synthSluice,
  type SynthesisedSluice,
} from './testing/synth-sluice.js';

const run = promisify(execFile);

/** A resource of the synthesised template, as far as these tests read it. */
interface TemplateResource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
}

interface PolicyStatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

interface PolicyDocumentJson {
  Statement: PolicyStatementJson[];
}

/**
 * The only actions allowed on `Resource: "*"`, each because AWS offers
 * nothing narrower for it.
 */
const WILDCARD_RESOURCE_ACTIONS: Record<string, string> = {
  'ecr:GetAuthorizationToken':
    'the registry login token is account-wide: the action has no resource-level permissions',
};

/** Every cdk-nag finding this app acknowledges (each with its reason, at the construct). */
const EXPECTED_ACKNOWLEDGEMENTS = [
  'Sluice/Front/Task AwsSolutions-ECS2',
  'Sluice/Front/Task/ExecutionRole AwsSolutions-IAM5[Resource::*]',
  'Sluice/NetworkLogs/Bucket AwsSolutions-S1',
];

/** Fargate kills a container at most 120 s after SIGTERM. */
const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;

let sluice: SynthesisedSluice;

beforeAll(async () => {
  // One synthesis (bundling the real handlers with esbuild, cdk-nag registered) for every test.
  sluice = await synthSluice();
});

afterAll(async () => {
  await sluice.remove();
});

function resources(type: string): [string, TemplateResource][] {
  return Object.entries(sluice.template.findResources(type) as Record<string, TemplateResource>);
}

function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnResource);
}

function getAtt(id: string, attribute: string): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [id, attribute] };
}

function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** A resource reference as the logical id it points at, or its JSON when it is built otherwise. */
function resourceName(resource: unknown): string {
  const attribute = (resource as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  return attribute === undefined ? JSON.stringify(resource) : attribute[0];
}

function policyDocuments(): { owner: string; document: PolicyDocumentJson }[] {
  const managed = resources('AWS::IAM::Policy').map(([id, policy]) => ({
    owner: id,
    document: policy.Properties.PolicyDocument as PolicyDocumentJson,
  }));
  const inline = resources('AWS::IAM::Role').flatMap(([id, role]) =>
    ((role.Properties.Policies ?? []) as { PolicyDocument: PolicyDocumentJson }[]).map((p) => ({
      owner: id,
      document: p.PolicyDocument,
    })),
  );
  return [...managed, ...inline];
}

/** The statements of the policies attached to a role. */
function statementsOf(roleId: string): PolicyDocumentJson['Statement'] {
  return resources('AWS::IAM::Policy')
    .filter(([, policy]) =>
      (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId),
    )
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as PolicyDocumentJson).Statement);
}

function grantsOf(roleId: string): Record<string, string[]> {
  const grants: Record<string, Set<string>> = {};
  for (const statement of statementsOf(roleId)) {
    for (const action of asArray(statement.Action)) {
      grants[action] ??= new Set();
      for (const resource of asArray(statement.Resource)) {
        grants[action].add(resourceName(resource));
      }
    }
  }
  return Object.fromEntries(
    Object.entries(grants).map(([action, names]) => [action, [...names].sort()]),
  );
}

function functionOf(description: string): [string, TemplateResource] {
  const found = resources('AWS::Lambda::Function').find(
    ([, fn]) => fn.Properties.Description === description,
  );
  if (found === undefined) throw new Error(`no function "${description}"`);
  return found;
}

function environmentOf(fn: TemplateResource): Record<string, unknown> {
  return (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

function containerOf(): Record<string, unknown> {
  const [[, task] = ['', undefined]] = resources('AWS::ECS::TaskDefinition');
  return (task?.Properties.ContainerDefinitions as Record<string, unknown>[])[0] ?? {};
}

function containerEnvironment(): Record<string, unknown> {
  const pairs = containerOf().Environment as { Name: string; Value: unknown }[];
  return Object.fromEntries(pairs.map((pair) => [pair.Name, pair.Value]));
}

/** The logical id of the limits table. */
function limitsTableId(): string {
  const found = resources('AWS::DynamoDB::Table').find(
    ([, table]) => table.Properties.TableName === limitsTableName(DEFAULT_PREFIX),
  );
  if (found === undefined) throw new Error('no limits table');
  return found[0];
}

const channelQueues = () =>
  sluice.stack.channelQueues.map((queues, index) => ({
    channel: CHANNELS[index]!,
    queueId: logicalId(queues.queue),
    deadLetterId: logicalId(queues.deadLetterQueue),
  }));

describe('channel queues', () => {
  it('creates one high-throughput FIFO queue per channel, named and timed by the channel config', () => {
    for (const { channel, deadLetterId } of channelQueues()) {
      sluice.template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: queueName(DEFAULT_PREFIX, channel),
        FifoQueue: true,
        ContentBasedDeduplication: false,
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
        VisibilityTimeout: visibilityTimeoutSeconds(channel),
        RedrivePolicy: {
          deadLetterTargetArn: getAtt(deadLetterId, 'Arn'),
          maxReceiveCount: channel.maxReceiveCount,
        },
      });
    }
  });

  it('gives every channel a FIFO dead-letter queue', () => {
    for (const { channel } of channelQueues()) {
      sluice.template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: deadLetterQueueName(DEFAULT_PREFIX, channel),
        FifoQueue: true,
      });
    }
    sluice.template.resourceCountIs('AWS::SQS::Queue', CHANNELS.length * 2);
  });

  it('encrypts every queue and denies requests without TLS', () => {
    for (const [, queue] of resources('AWS::SQS::Queue')) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    }
    const queuePolicies = resources('AWS::SQS::QueuePolicy');
    expect(queuePolicies).toHaveLength(CHANNELS.length * 2);
    for (const [, policy] of queuePolicies) {
      expect(policy.Properties.PolicyDocument).toMatchObject({
        Statement: [
          {
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      });
    }
  });
});

describe('consumer and dead-letter functions', () => {
  it('runs every Sluice function on ARM64 and nodejs24.x as an ES module', () => {
    const functions = resources('AWS::Lambda::Function').filter(([, fn]) =>
      String(fn.Properties.Description).startsWith('Sluice '),
    );
    expect(functions).toHaveLength(CHANNELS.length * 2);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
      });
    }
  });

  it('bundles the real handlers with esbuild into ES modules that load in Node', async () => {
    for (const [description, factory] of [
      ['Sluice consumer of channel default', 'createConsumerHandler'],
      ['Sluice dead-letter handler of channel default', 'createDeadLetterHandler'],
    ] as const) {
      const [, fn] = functionOf(description);
      const key = (fn.Properties.Code as { S3Key: string }).S3Key;
      const bundle = join(sluice.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
      const code = await readFile(bundle, 'utf8');
      expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
      expect(code).toContain(factory);
      const { stdout } = await run(process.execPath, [
        '--input-type=module',
        '-e',
        'const m = await import(process.argv[1]); process.stdout.write(typeof m.handler);',
        bundle,
      ]);
      expect(stdout).toBe('function');
    }
  });

  it('configures each function with its channel, the table, the queue prefix and the index shards', () => {
    for (const { channel } of channelQueues()) {
      for (const description of [
        `Sluice consumer of channel ${channel.name}`,
        `Sluice dead-letter handler of channel ${channel.name}`,
      ]) {
        expect(environmentOf(functionOf(description)[1])).toEqual({
          SLUICE_CHANNEL: channel.name,
          SLUICE_TABLE_NAME: { Ref: logicalId(sluice.stack.jobsTable.table) },
          SLUICE_QUEUE_PREFIX: DEFAULT_PREFIX,
          SLUICE_LIST_SHARDS: String(DEFAULT_LIST_SHARDS),
          SLUICE_LOG_LEVEL: 'info',
        });
      }
      const [, consumer] = functionOf(`Sluice consumer of channel ${channel.name}`);
      expect(consumer.Properties).toMatchObject({
        Timeout: channel.timeoutSeconds,
        MemorySize: channel.memoryMb,
      });
    }
  });

  it('feeds each function from its queue with partial batch responses, the channel batch size and max concurrency', () => {
    const mappings = resources('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(CHANNELS.length * 2);
    for (const [, mapping] of mappings) {
      expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    }
    for (const { channel, queueId, deadLetterId } of channelQueues()) {
      const [consumerId] = functionOf(`Sluice consumer of channel ${channel.name}`);
      const [deadLetterFnId] = functionOf(`Sluice dead-letter handler of channel ${channel.name}`);
      for (const [queue, fn] of [
        [queueId, consumerId],
        [deadLetterId, deadLetterFnId],
      ]) {
        sluice.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          EventSourceArn: getAtt(queue!, 'Arn'),
          FunctionName: { Ref: fn },
          BatchSize: channel.batchSize,
          ScalingConfig: { MaximumConcurrency: channel.maxConcurrency },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        });
      }
    }
  });

  it('keeps every queue’s visibility timeout at least as long as its function’s timeout', () => {
    const queues = Object.fromEntries(resources('AWS::SQS::Queue'));
    const functions = Object.fromEntries(resources('AWS::Lambda::Function'));
    for (const [, mapping] of resources('AWS::Lambda::EventSourceMapping')) {
      const queue = queues[resourceName(mapping.Properties.EventSourceArn)]!;
      const fn = functions[(mapping.Properties.FunctionName as { Ref: string }).Ref]!;
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(
        fn.Properties.Timeout as number,
      );
    }
  });
});

describe('IAM', () => {
  it('allows no wildcard action and "*" resources only where AWS has nothing narrower', () => {
    const documents = policyDocuments();
    expect(documents.length).toBeGreaterThan(0);
    for (const { owner, document } of documents) {
      for (const statement of document.Statement) {
        expect(Object.keys(statement)).not.toEqual(
          expect.arrayContaining([expect.stringMatching(/^Not(Action|Resource|Principal)$/)]),
        );
        if (statement.Effect !== 'Allow') continue;
        const actions = asArray(statement.Action);
        for (const action of actions) expect(`${owner}: ${action}`).not.toMatch(/\*/);
        if (asArray(statement.Resource).includes('*')) {
          for (const action of actions) {
            expect(`${owner}: ${action} on *`).toBe(
              `${owner}: ${action in WILDCARD_RESOURCE_ACTIONS ? action : '(not allowed)'} on *`,
            );
          }
        }
      }
    }
  });

  it('lets the front send to the channel queues, look up queue URLs and figures, read and write job records, query the listing indexes, look API keys up and lease rate tokens, nothing else', () => {
    const front = sluice.stack.front!;
    const roleId = logicalId(front.service.taskDefinition.taskRole);
    const table = logicalId(sluice.stack.jobsTable.table);
    const keysTable = logicalId(sluice.stack.keysTable.table);
    const queues = channelQueues();
    const tableGrants = Object.fromEntries(
      ['dynamodb:BatchGetItem', 'dynamodb:PutItem'].map((action) => [action, [table]]),
    );
    expect(grantsOf(roleId)).toEqual({
      'sqs:SendMessage': queues.map((q) => q.queueId).sort(),
      'sqs:GetQueueUrl': queues.flatMap((q) => [q.queueId, q.deadLetterId]).sort(),
      'sqs:GetQueueAttributes': queues.flatMap((q) => [q.queueId, q.deadLetterId]).sort(),
      'dynamodb:Query': Object.values(JOB_INDEXES).map((index) =>
        JSON.stringify({
          'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, `/index/${index.indexName}`]],
        }),
      ),
      ...tableGrants,
      'dynamodb:GetItem': [table, keysTable].sort(),
      'dynamodb:PutItem': [table, keysTable].sort(),
      'dynamodb:UpdateItem': [table, limitsTableId()].sort(),
    });
  });

  it('lets the front read keys and write only the page-token item of the keys table (LeadingKeys), no Query or Scan', () => {
    const roleId = logicalId(sluice.stack.front!.service.taskDefinition.taskRole);
    const keysTable = logicalId(sluice.stack.keysTable.table);
    const onKeys = statementsOf(roleId).filter((statement) =>
      asArray(statement.Resource).some((resource) => resourceName(resource) === keysTable),
    );
    const unconditional = onKeys.filter((statement) => statement.Condition === undefined);
    expect(unconditional.flatMap((statement) => asArray(statement.Action))).toEqual([
      'dynamodb:GetItem',
    ]);
    const conditional = onKeys.filter((statement) => statement.Condition !== undefined);
    expect(
      conditional.map((statement) => [asArray(statement.Action).sort(), statement.Condition]),
    ).toEqual([
      [
        ['dynamodb:GetItem', 'dynamodb:PutItem'],
        {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [PAGE_TOKEN_SECRET_ITEM.keyId] },
        },
      ],
    ]);
  });

  it('shares one page-token key among front tasks without Secrets Manager: no secret, no endpoint for it, nothing in the task environment', () => {
    expect(resources('AWS::SecretsManager::Secret')).toEqual([]);
    const endpoints = resources('AWS::EC2::VPCEndpoint').map(([, endpoint]) =>
      JSON.stringify(endpoint.Properties.ServiceName),
    );
    expect(endpoints.length).toBeGreaterThan(0);
    for (const service of endpoints) expect(service).not.toMatch(/secretsmanager|ssm/);
    const [, task] = resources('AWS::ECS::TaskDefinition')[0] ?? [];
    const containers = task?.Properties.ContainerDefinitions as {
      Environment?: { Name: string }[];
      Secrets?: unknown;
    }[];
    for (const container of containers) {
      expect(container.Secrets).toBeUndefined();
      expect(container.Environment?.map((e) => e.Name)).not.toContain('SLUICE_PAGE_TOKEN_SECRET');
    }
  });

  it('gives the functions no access to the keys table', () => {
    const keysTable = logicalId(sluice.stack.keysTable.table);
    for (const [, fn] of resources('AWS::Lambda::Function')) {
      const role = fn.Properties.Role as { 'Fn::GetAtt'?: [string, string] };
      if (role['Fn::GetAtt'] === undefined) continue;
      const grants = grantsOf(role['Fn::GetAtt'][0]);
      expect(Object.values(grants).flat()).not.toContain(keysTable);
    }
  });

  it('lets a consumer consume and look up only its own queues, and read and write job records', () => {
    const table = logicalId(sluice.stack.jobsTable.table);
    for (const { channel, queueId, deadLetterId } of channelQueues()) {
      const [, consumer] = functionOf(`Sluice consumer of channel ${channel.name}`);
      const roleId = (consumer.Properties.Role as { 'Fn::GetAtt': [string, string] })[
        'Fn::GetAtt'
      ][0];
      const grants = grantsOf(roleId);
      const logGroups = grants['logs:PutLogEvents'];
      expect(grants).toEqual({
        'logs:CreateLogStream': logGroups,
        'logs:PutLogEvents': logGroups,
        'sqs:ReceiveMessage': [queueId],
        'sqs:DeleteMessage': [queueId],
        'sqs:ChangeMessageVisibility': [queueId],
        'sqs:GetQueueAttributes': [queueId],
        'sqs:GetQueueUrl': [deadLetterId, queueId].sort(),
        'dynamodb:BatchGetItem': [table],
        'dynamodb:GetItem': [table],
        'dynamodb:PutItem': [table],
        'dynamodb:UpdateItem': [table],
      });
      expect(logGroups).toHaveLength(1);
    }
  });

  it('attaches no AWS managed policy to Sluice roles (only CDK’s own custom-resource provider has one)', () => {
    for (const [id, role] of resources('AWS::IAM::Role')) {
      if (id.startsWith('CustomVpcRestrictDefaultSGCustomResourceProvider')) continue;
      expect({ id, managed: role.Properties.ManagedPolicyArns }).toEqual({
        id,
        managed: undefined,
      });
    }
  });
});

describe('jobs table', () => {
  it('is on demand, with the core key and TTL attribute, point-in-time recovery and encryption, and kept on stack deletion', () => {
    sluice.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        // No fixed name: a deploy after `cdk destroy` must not collide with the retained table.
        TableName: Match.absent(),
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: JOBS_TABLE_SCHEMA.partitionKey, KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: JOBS_TABLE_SCHEMA.ttlAttribute, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });
  it('has exactly the secondary indexes of core/jobs/job-indexes.ts (keys, projections), as the local runtime creates them', () => {
    const jobsTableId = logicalId(sluice.stack.jobsTable.table);
    const [, table] = resources('AWS::DynamoDB::Table').find(([id]) => id === jobsTableId) ?? [];
    const local = jobsTableDefinition('sluice-jobs');
    const byName = (a: { AttributeName?: string }, b: { AttributeName?: string }): number =>
      (a.AttributeName ?? '').localeCompare(b.AttributeName ?? '');
    // Exact equality: an index more or less, another key, projection or setting fails.
    expect(table?.Properties.GlobalSecondaryIndexes).toEqual(local.GlobalSecondaryIndexes);
    expect(
      (table?.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).map((i) => i.IndexName),
    ).toEqual(Object.values(JOB_INDEXES).map((index) => index.indexName));
    expect(
      [...(table?.Properties.AttributeDefinitions as { AttributeName: string }[])].sort(byName),
    ).toEqual([...(local.AttributeDefinitions ?? [])].sort(byName));
  });
});

describe('keys table', () => {
  it('has the key schema and listing index the local provisioning creates (no hash projected), on demand, with point-in-time recovery and encryption, and kept on stack deletion', () => {
    // The local runtime's definition, for everything but the name (the stack sets none).
    const local = keysTableDefinition('sluice-keys');
    sluice.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        // No fixed name: a deploy after `cdk destroy` must not collide with the retained table.
        TableName: Match.absent(),
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: local.KeySchema,
        AttributeDefinitions: Match.arrayWith(local.AttributeDefinitions ?? []),
        GlobalSecondaryIndexes: local.GlobalSecondaryIndexes,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      }),
    });
    expect(KEYS_TABLE_SCHEMA.listedAttributes).not.toContain('keyHash');
  });
});

describe('limits table', () => {
  it('has the key of the local provisioning and a TTL, is on demand and encrypted, and goes with the stack', () => {
    const local = limitsTableDefinition(limitsTableName(DEFAULT_PREFIX));
    sluice.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        TableName: local.TableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: local.KeySchema,
        TimeToLiveSpecification: { AttributeName: LIMITS_TABLE_SCHEMA.ttlAttribute, Enabled: true },
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });

  it('is named to the front, which may only UpdateItem it', () => {
    const limits = limitsTableId();
    expect(containerEnvironment().SLUICE_LIMITS_TABLE_NAME).toEqual({ Ref: limits });
    const roleId = logicalId(sluice.stack.front!.service.taskDefinition.taskRole);
    const onLimits = Object.entries(grantsOf(roleId))
      .filter(([, tables]) => tables.includes(limits))
      .map(([action]) => action);
    expect(onLimits).toEqual(['dynamodb:UpdateItem']);
  });
});

describe('front', () => {
  it('runs as an ARM64 Fargate task with a read-only root file system', () => {
    sluice.template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
    expect(containerOf()).toMatchObject({
      Essential: true,
      ReadonlyRootFilesystem: true,
      PortMappings: [
        { ContainerPort: GRPC_PORT, Protocol: 'tcp' },
        { ContainerPort: HEALTH_PORT, Protocol: 'tcp' },
        { ContainerPort: WEB_PORT, Protocol: 'tcp' },
      ],
    });
    expect(containerEnvironment().SLUICE_WEB_PORT).toBe(String(WEB_PORT));
  });

  it('builds its image from container/Dockerfile for linux/arm64, staging only the Dockerfile and dist/', async () => {
    const manifest = JSON.parse(
      await readFile(join(sluice.outdir, `${sluice.stack.artifactId}.assets.json`), 'utf8'),
    ) as { dockerImages: Record<string, { source: { directory: string; platform: string } }> };
    const images = Object.values(manifest.dockerImages);
    expect(images).toHaveLength(1);
    const { directory, platform } = images[0]!.source;
    expect(platform).toBe('linux/arm64');
    const staged = join(sluice.outdir, directory);
    expect(await readFile(join(staged, 'Dockerfile'), 'utf8')).toBe(
      await readFile(join(CONTAINER_DIR, 'Dockerfile'), 'utf8'),
    );
    const entries = (await readdir(staged)).filter((name) => name !== 'dist');
    expect(entries.sort()).toEqual(['.dockerignore', 'Dockerfile']);
  });

  it('is given the tables, the queue prefix, its ports, API-key authentication, a shutdown grace and a maximum connection age with grace', () => {
    expect(containerEnvironment()).toMatchObject({
      SLUICE_GRPC_MAX_CONNECTION_AGE_MS: String(MAX_CONNECTION_AGE_MS),
      SLUICE_GRPC_MAX_CONNECTION_AGE_GRACE_MS: String(MAX_CONNECTION_AGE_GRACE_MS),
      SLUICE_TABLE_NAME: { Ref: logicalId(sluice.stack.jobsTable.table) },
      SLUICE_KEYS_TABLE_NAME: { Ref: logicalId(sluice.stack.keysTable.table) },
      SLUICE_QUEUE_PREFIX: DEFAULT_PREFIX,
      SLUICE_PORT: String(GRPC_PORT),
      SLUICE_HEALTH_PORT: String(HEALTH_PORT),
      SLUICE_AUTH: 'api-keys',
      AWS_REGION: { Ref: 'AWS::Region' },
    });
  });

  it('is stopped no sooner than the front exits on its own after SIGTERM', () => {
    const stopTimeoutMs = Number(containerOf().StopTimeout) * 1000;
    const exitDeadlineMs =
      Number(containerEnvironment().SLUICE_SHUTDOWN_GRACE_MS) + FRONT_EXIT_ALLOWANCE_MS;
    expect(stopTimeoutMs).toBeGreaterThan(exitDeadlineMs);
    expect(stopTimeoutMs).toBeLessThanOrEqual(FARGATE_MAX_STOP_TIMEOUT_SECONDS * 1000);
  });

  it('serves gRPC behind an internal NLB over plain TCP when no certificate is given', () => {
    const [[nlbId, nlb] = ['', undefined]] = resources('AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(nlb?.Properties).toMatchObject({ Type: 'network', Scheme: 'internal' });
    // In the tasks' private subnets: there is no public subnet to put it in.
    const [[, service] = ['', undefined]] = resources('AWS::ECS::Service');
    const network = service?.Properties.NetworkConfiguration as {
      AwsvpcConfiguration: { Subnets: unknown };
    };
    expect(nlb?.Properties.Subnets).toEqual(network.AwsvpcConfiguration.Subnets);
    expect(nlb?.Properties.LoadBalancerAttributes).toEqual(
      expect.arrayContaining([{ Key: 'access_logs.s3.enabled', Value: 'true' }]),
    );
    const targetGroupId = logicalId(sluice.stack.front!.targetGroup);
    sluice.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      LoadBalancerArn: { Ref: nlbId },
      Port: GRPC_PORT,
      Protocol: 'TCP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: targetGroupId } }],
    });
    sluice.template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      LoadBalancers: Match.arrayWith([
        {
          ContainerName: 'front',
          ContainerPort: GRPC_PORT,
          TargetGroupArn: { Ref: targetGroupId },
        },
      ]),
      NetworkConfiguration: {
        AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }),
      },
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      }),
    });
  });

  it('health-checks the tasks on their HTTP health port', () => {
    sluice.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: GRPC_PORT,
      Protocol: 'TCP',
      TargetType: 'ip',
      HealthCheckProtocol: 'HTTP',
      HealthCheckPort: String(HEALTH_PORT),
      HealthCheckPath: '/',
      Matcher: { HttpCode: '200' },
    });
  });

  it('lets only the NLB reach the tasks, on the gRPC, web and health ports', () => {
    const front = sluice.stack.front!;
    const serviceGroup = front.service.connections.securityGroups[0]!;
    const nlbGroup = front.loadBalancer.connections.securityGroups[0]!;
    const ingress = resources('AWS::EC2::SecurityGroupIngress')
      .map(([, rule]) => rule.Properties)
      .filter(
        (rule) =>
          JSON.stringify(rule.GroupId) ===
          JSON.stringify(getAtt(logicalId(serviceGroup), 'GroupId')),
      );
    expect(ingress.map((rule) => [rule.SourceSecurityGroupId, rule.FromPort, rule.ToPort])).toEqual(
      expect.arrayContaining([
        [getAtt(logicalId(nlbGroup), 'GroupId'), GRPC_PORT, GRPC_PORT],
        [getAtt(logicalId(nlbGroup), 'GroupId'), WEB_PORT, WEB_PORT],
        [getAtt(logicalId(nlbGroup), 'GroupId'), HEALTH_PORT, HEALTH_PORT],
      ]),
    );
    expect(ingress).toHaveLength(3);
  });

  it('admits gRPC and dashboard clients from the VPC’s own range only (the NLB is internal)', () => {
    const nlbGroup = sluice.stack.front!.loadBalancer.connections.securityGroups[0]!;
    const [, group] = resources('AWS::EC2::SecurityGroup').find(
      ([id]) => id === logicalId(nlbGroup),
    )!;
    expect(group.Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({
        CidrIp: DEFAULT_VPC_CIDR,
        FromPort: GRPC_PORT,
        ToPort: GRPC_PORT,
      }),
      expect.objectContaining({
        CidrIp: DEFAULT_VPC_CIDR,
        FromPort: WEB_PORT,
        ToPort: WEB_PORT,
      }),
    ]);
  });

  it('serves the dashboard and browser API on the web port through their own target group', () => {
    const front = sluice.stack.front!;
    sluice.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      LoadBalancerArn: { Ref: logicalId(front.loadBalancer) },
      Port: WEB_PORT,
      Protocol: 'TCP',
      DefaultActions: [
        { Type: 'forward', TargetGroupArn: { Ref: logicalId(front.webTargetGroup) } },
      ],
    });
    sluice.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: WEB_PORT,
      Protocol: 'TCP',
      HealthCheckPort: String(HEALTH_PORT),
    });
    sluice.template.hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: Match.arrayWith([
        {
          ContainerName: 'front',
          ContainerPort: WEB_PORT,
          TargetGroupArn: { Ref: logicalId(front.webTargetGroup) },
        },
      ]),
    });
    sluice.template.hasOutput('DashboardUrl', Match.anyValue());
  });

  it('scales the service on CPU between the configured bounds, and deployments leave the task count to autoscaling', () => {
    sluice.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 8,
      ScalableDimension: 'ecs:service:DesiredCount',
    });
    for (const [, service] of resources('AWS::ECS::Service')) {
      expect(service.Properties.DesiredCount).toBeUndefined();
    }
    sluice.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      }),
    });
  });
});

/** Each VPC endpoint's type by the service name's last part (`sqs`, `dynamodb`, `ecr.dkr`, …). */
function vpcEndpoints(template: SynthesisedSluice['template']): Record<string, string> {
  const endpoints = Object.values(
    template.findResources('AWS::EC2::VPCEndpoint') as Record<string, TemplateResource>,
  ).map((endpoint) => {
    const name = JSON.stringify(endpoint.Properties.ServiceName);
    const service = /\.([a-z0-9.]+)"\]\]\}$/.exec(name)?.[1] ?? name;
    return [service, String(endpoint.Properties.VpcEndpointType)] as const;
  });
  return Object.fromEntries(endpoints);
}

describe('network', () => {
  it('reaches DynamoDB and S3 through gateway endpoints, and SQS, ECR and CloudWatch Logs through interface endpoints', () => {
    expect(vpcEndpoints(sluice.template)).toEqual({
      dynamodb: 'Gateway',
      s3: 'Gateway',
      sqs: 'Interface',
      'ecr.api': 'Interface',
      'ecr.dkr': 'Interface',
      logs: 'Interface',
    });
    for (const [, endpoint] of resources('AWS::EC2::VPCEndpoint')) {
      if (endpoint.Properties.VpcEndpointType !== 'Interface') continue;
      expect(endpoint.Properties).toMatchObject({ PrivateDnsEnabled: true });
      expect(endpoint.Properties.SubnetIds).toHaveLength(2);
    }
  });

  it('has no NAT gateway, no internet gateway and no route to the internet by default', () => {
    sluice.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    sluice.template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    for (const [, route] of resources('AWS::EC2::Route')) {
      expect(route.Properties.DestinationCidrBlock).not.toBe('0.0.0.0/0');
    }
    for (const [, subnet] of resources('AWS::EC2::Subnet')) {
      expect(subnet.Properties.MapPublicIpOnLaunch).not.toBe(true);
    }
  });

  it('leaves the functions outside the VPC (they reach AWS directly)', () => {
    for (const [, fn] of resources('AWS::Lambda::Function')) {
      expect(fn.Properties.VpcConfig).toBeUndefined();
    }
  });
});

describe('alarms', () => {
  it('watch every channel’s dead-letter depth, oldest message age, and consumer errors and throttles', () => {
    for (const { channel, queueId, deadLetterId } of channelQueues()) {
      const [consumerId] = functionOf(`Sluice consumer of channel ${channel.name}`);
      const onQueue = (id: string) => [{ Name: 'QueueName', Value: getAtt(id, 'QueueName') }];
      const onFunction = [{ Name: 'FunctionName', Value: { Ref: consumerId } }];
      for (const alarm of [
        {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: onQueue(deadLetterId),
          Threshold: 1,
        },
        {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateAgeOfOldestMessage',
          Dimensions: onQueue(queueId),
          Threshold: OLDEST_MESSAGE_AGE_ALARM_SECONDS,
        },
        { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: onFunction, Threshold: 1 },
        { Namespace: 'AWS/Lambda', MetricName: 'Throttles', Dimensions: onFunction, Threshold: 1 },
      ]) {
        sluice.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          ...alarm,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        });
      }
    }
  });

  it('watch the front for having no healthy task', () => {
    sluice.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/NetworkELB',
      MetricName: 'HealthyHostCount',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
    });
  });
});

describe('outputs', () => {
  it('name the endpoint, the tables and every queue URL', () => {
    const nlbId = logicalId(sluice.stack.front!.loadBalancer);
    sluice.template.hasOutput('Endpoint', {
      Value: { 'Fn::Join': ['', [getAtt(nlbId, 'DNSName'), `:${GRPC_PORT}`]] },
    });
    sluice.template.hasOutput('TableName', {
      Value: { Ref: logicalId(sluice.stack.jobsTable.table) },
    });
    sluice.template.hasOutput('KeysTableName', {
      Value: { Ref: logicalId(sluice.stack.keysTable.table) },
    });
    for (const { channel, queueId, deadLetterId } of channelQueues()) {
      const id = channelConstructId(channel.name);
      sluice.template.hasOutput(`${id}QueueUrl`, { Value: { Ref: queueId } });
      sluice.template.hasOutput(`${id}DeadLetterQueueUrl`, { Value: { Ref: deadLetterId } });
    }
  });
});

describe('cdk-nag', () => {
  it('finds nothing unacknowledged in the AwsSolutions pack', () => {
    const report = new AwsSolutionsChecks().validateScope(sluice.app);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges only the expected findings, each with a reason', () => {
    const found = acknowledgements(sluice.app);
    for (const { reason } of found) expect(reason.length).toBeGreaterThan(40);
    expect(found.map(({ path, rule }) => `${path} ${rule}`).sort()).toEqual(
      EXPECTED_ACKNOWLEDGEMENTS,
    );
  });
});

/** The NLB's listeners, with whether the NLB is internet-facing. */
function listeners(
  template: SynthesisedSluice['template'],
): { port: number; protocol: string; internetFacing: boolean }[] {
  const balancers = template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer') as Record<
    string,
    TemplateResource
  >;
  return Object.values(
    template.findResources('AWS::ElasticLoadBalancingV2::Listener') as Record<
      string,
      TemplateResource
    >,
  ).map((listener) => {
    const balancer = balancers[(listener.Properties.LoadBalancerArn as { Ref: string }).Ref];
    return {
      port: Number(listener.Properties.Port),
      protocol: String(listener.Properties.Protocol),
      internetFacing: balancer?.Properties.Scheme === 'internet-facing',
    };
  });
}

describe('exposure', () => {
  /** These syntheses look at the network, not bundles. */
  const noBundling = { [BUNDLING_STACKS_CONTEXT]: [] };
  const certificateArn =
    'arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';

  it('without context: no listener is both plaintext and internet-facing', () => {
    expect(listeners(sluice.template)).toEqual([
      { port: GRPC_PORT, protocol: 'TCP', internetFacing: false },
      { port: WEB_PORT, protocol: 'TCP', internetFacing: false },
    ]);
    expect(Annotations.fromStack(sluice.stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('with a certificate: a public TLS listener in public subnets, acknowledged as public', async () => {
    const tls = await synthSluice({ ...noBundling, certificateArn });
    try {
      expect(listeners(tls.template)).toEqual([
        { port: GRPC_PORT, protocol: 'TLS', internetFacing: true },
        { port: WEB_TLS_PORT, protocol: 'TLS', internetFacing: true },
      ]);
      tls.template.resourceCountIs('AWS::EC2::InternetGateway', 1);
      tls.template.resourceCountIs('AWS::EC2::NatGateway', 0);
      expect(acknowledgements(tls.app).map((a) => `${a.path} ${a.rule}`)).toContain(
        'Sluice/Front/LoadBalancerSecurityGroup AwsSolutions-EC23',
      );
    } finally {
      await tls.remove();
    }
  });

  it('with insecurePublicPlaintext: a public plaintext listener, and synthesis warns', async () => {
    const plaintext = await synthSluice({ ...noBundling, insecurePublicPlaintext: 'true' });
    try {
      expect(listeners(plaintext.template)).toEqual([
        { port: GRPC_PORT, protocol: 'TCP', internetFacing: true },
        { port: WEB_PORT, protocol: 'TCP', internetFacing: true },
      ]);
      const warnings = Annotations.fromStack(plaintext.stack).findWarning(
        '/Sluice/Front/LoadBalancer',
        Match.stringLikeRegexp('INSECURE'),
      );
      expect(warnings).toHaveLength(1);
      expect(acknowledgements(plaintext.app).map((a) => `${a.path} ${a.rule}`)).toContain(
        'Sluice/Front/LoadBalancerSecurityGroup AwsSolutions-EC23',
      );
    } finally {
      await plaintext.remove();
    }
  });
});
