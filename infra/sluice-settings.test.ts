import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Match } from 'aws-cdk-lib/assertions';
import { ValidationError } from '../core/errors/index.js';
import { JOBS_TABLE_SCHEMA } from '../core/jobs/table-schema.js';
import { createSluiceApp } from './create-sluice-app.js';
import { GRPC_PORT, WEB_TLS_PORT } from './constructs/front-service.js';
import { BUNDLING_STACKS_CONTEXT, synthSluice } from './testing/synth-sluice.js';

/** These tests look at settings, not bundles: skip esbuild to keep each synthesis cheap. */
const NO_BUNDLING = { [BUNDLING_STACKS_CONTEXT]: [] };
const CERTIFICATE_ARN =
  'arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
const ALARM_TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:sluice-alarms';
/** A table a `cdk destroy` left behind. */
const RETAINED_TABLE = 'sluice-JobsTable1460BE13-1ABCDEFGHIJKL';
const RETAINED_KEYS_TABLE = 'sluice-KeysTable0C2D4E6F-1MNOPQRSTUVWX';

/** The tables keyed like the jobs table (the keys table is not). */
function jobsTables(sluice: Awaited<ReturnType<typeof synthSluice>>): unknown[] {
  return Object.values(
    sluice.template.findResources('AWS::DynamoDB::Table') as Record<
      string,
      { Properties: { KeySchema: { AttributeName: string }[] } }
    >,
  ).filter(
    (table) => table.Properties.KeySchema[0]?.AttributeName === JOBS_TABLE_SCHEMA.partitionKey,
  );
}

describe('a deployment with a certificate, allowed CIDRs and an alarm topic', () => {
  let sluice: Awaited<ReturnType<typeof synthSluice>>;

  beforeAll(async () => {
    // Synthesis with cdk-nag registered: it throws if these settings raise a finding.
    sluice = await synthSluice({
      ...NO_BUNDLING,
      certificateArn: CERTIFICATE_ARN,
      allowedCidrs: '203.0.113.0/24, 198.51.100.7/32',
      alarmTopicArn: ALARM_TOPIC_ARN,
      frontMinTasks: '3',
      frontMaxTasks: '12',
    });
  });

  afterAll(async () => {
    await sluice.remove();
  });

  it('terminates TLS on the NLB with the certificate, a TLS 1.3 policy and HTTP/2 by ALPN', () => {
    sluice.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: GRPC_PORT,
      Protocol: 'TLS',
      Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
      SslPolicy: Match.stringLikeRegexp('TLS13'),
      AlpnPolicy: ['HTTP2Only'],
    });
  });

  it('serves the dashboard over HTTPS on 443 with the same certificate, HTTP/1.1 by ALPN', () => {
    sluice.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: WEB_TLS_PORT,
      Protocol: 'TLS',
      Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
      SslPolicy: Match.stringLikeRegexp('TLS13'),
      AlpnPolicy: ['HTTP1Only'],
    });
  });

  it('admits gRPC and dashboard clients from the allowed CIDRs only', () => {
    const groups = Object.values(
      sluice.template.findResources('AWS::EC2::SecurityGroup') as Record<
        string,
        { Properties: { SecurityGroupIngress?: { CidrIp?: string; FromPort: number }[] } }
      >,
    );
    const rules = Object.values(
      sluice.template.findResources('AWS::EC2::SecurityGroupIngress') as Record<
        string,
        { Properties: { CidrIp?: string; FromPort: number } }
      >,
    ).map((rule) => rule.Properties);
    const fromAddresses = [
      ...groups.flatMap((g) => g.Properties.SecurityGroupIngress ?? []),
      ...rules,
    ]
      .filter((rule) => rule.CidrIp !== undefined)
      .map((rule) => [rule.CidrIp, rule.FromPort]);
    expect(fromAddresses).toEqual([
      ['203.0.113.0/24', GRPC_PORT],
      ['203.0.113.0/24', WEB_TLS_PORT],
      ['198.51.100.7/32', GRPC_PORT],
      ['198.51.100.7/32', WEB_TLS_PORT],
    ]);
  });

  it('notifies the alarm topic from every alarm', () => {
    const alarms = Object.values(
      sluice.template.findResources('AWS::CloudWatch::Alarm') as Record<
        string,
        { Properties: { AlarmActions?: unknown } }
      >,
    );
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([ALARM_TOPIC_ARN]);
  });

  it('scales the front between the given task counts', () => {
    sluice.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 3,
      MaxCapacity: 12,
    });
  });
});

describe('a deployment without the front', () => {
  it('has the channels and the table but no VPC, service or load balancer', async () => {
    const sluice = await synthSluice({ ...NO_BUNDLING, front: 'false' });
    try {
      sluice.template.resourceCountIs('AWS::SQS::Queue', 2);
      expect(jobsTables(sluice)).toHaveLength(1);
      for (const type of [
        'AWS::EC2::VPC',
        'AWS::ECS::Service',
        'AWS::ElasticLoadBalancingV2::LoadBalancer',
      ]) {
        sluice.template.resourceCountIs(type, 0);
      }
      expect(Object.keys(sluice.template.findOutputs('*'))).not.toContain('Endpoint');
    } finally {
      await sluice.remove();
    }
  });
});

describe('a deployment that reuses retained tables (-c jobsTableName=... -c keysTableName=...)', () => {
  it('creates no table, gives the functions the jobs table’s name and outputs both', async () => {
    const sluice = await synthSluice({
      ...NO_BUNDLING,
      front: 'false',
      jobsTableName: RETAINED_TABLE,
      keysTableName: RETAINED_KEYS_TABLE,
    });
    try {
      sluice.template.resourceCountIs('AWS::DynamoDB::Table', 0);
      const functions = Object.values(
        sluice.template.findResources('AWS::Lambda::Function') as Record<
          string,
          { Properties: { Description?: string; Environment?: { Variables: object } } }
        >,
      ).filter((fn) => String(fn.Properties.Description).startsWith('Sluice '));
      expect(functions.length).toBeGreaterThan(0);
      for (const fn of functions) {
        expect(fn.Properties.Environment?.Variables).toMatchObject({
          SLUICE_TABLE_NAME: RETAINED_TABLE,
        });
      }
      sluice.template.hasOutput('TableName', { Value: RETAINED_TABLE });
      sluice.template.hasOutput('KeysTableName', { Value: RETAINED_KEYS_TABLE });
    } finally {
      await sluice.remove();
    }
  });
});

describe('a deployment with NAT gateways (-c natGateways=1)', () => {
  it('gives the private subnets a route to the internet through the NAT gateway, and keeps the endpoints', async () => {
    const sluice = await synthSluice({ ...NO_BUNDLING, natGateways: '1' });
    try {
      sluice.template.resourceCountIs('AWS::EC2::NatGateway', 1);
      sluice.template.hasResourceProperties('AWS::EC2::Route', {
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: Match.anyValue(),
      });
      sluice.template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        ServiceName: Match.objectLike({
          'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('\\.sqs$')])],
        }),
      });
    } finally {
      await sluice.remove();
    }
  });
});

describe('cdk-nag on every synthesis', () => {
  it('fails synthesis on an unacknowledged finding', () => {
    const { app, stack } = createSluiceApp({ context: { ...NO_BUNDLING, front: 'false' } });
    new Queue(stack, 'Careless', { encryption: QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });
});

describe('settings', () => {
  it('reject an invalid context value, naming its key', () => {
    let thrown: unknown;
    try {
      createSluiceApp({ context: { certificateArn: 'not-an-arn' } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ field: 'certificateArn' });
  });

  it('reject a public plaintext opt-in together with a certificate, naming the opt-in', () => {
    expect(() =>
      createSluiceApp({
        context: { certificateArn: CERTIFICATE_ARN, insecurePublicPlaintext: 'true' },
      }),
    ).toThrow(/insecurePublicPlaintext/);
  });

  it('reject an autoscaling ceiling below the floor', () => {
    expect(() => createSluiceApp({ context: { frontMinTasks: 4, frontMaxTasks: 2 } })).toThrow(
      /frontMaxTasks/,
    );
  });
});
