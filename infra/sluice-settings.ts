import type { Construct } from 'constructs';
import { z } from 'zod';
import { ValidationError } from '../core/errors/index.js';

/** Names the stack and the queues (`<prefix>-<channel>.fifo`). */
export const DEFAULT_PREFIX = 'sluice';
/**
 * No NAT gateway: every AWS call of the tasks goes through a VPC endpoint, so
 * the private subnets have no route to the internet at all. `-c natGateways=1|2`
 * adds egress for code that must reach the internet.
 */
const DEFAULT_NAT_GATEWAYS = 0;
/** The VPC spans two zones (enough for the NLB and the tasks), so at most two NAT gateways. */
const MAX_NAT_GATEWAYS = 2;
/** The VPC's IPv4 range unless `-c vpcCidr=...` (CDK's own default, so existing VPCs keep theirs). */
export const DEFAULT_VPC_CIDR = '10.0.0.0/16';
/** Two tasks in two zones: one zone or one task can fail without an outage. */
const DEFAULT_FRONT_MIN_TASKS = 2;
/** The autoscaling ceiling by default. */
const DEFAULT_FRONT_MAX_TASKS = 8;
/** A sanity ceiling for `frontMaxTasks`. */
const MAX_FRONT_TASKS = 100;

const contextBoolean = z.union([
  z.boolean(),
  z.enum(['true', 'false']).transform((value) => value === 'true'),
]);

const cidr = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'an IPv4 CIDR such as 203.0.113.7/32');

const settingsSchema = z
  .object({
    prefix: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,29}$/, 'lowercase letters, digits and dashes, at most 30')
      .default(DEFAULT_PREFIX),
    certificateArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
        'an ACM certificate ARN',
      )
      .optional(),
    /**
     * A public load balancer without TLS: API keys cross the internet in clear
     * text. Off unless asked for by this name; synthesis warns when it is on.
     */
    insecurePublicPlaintext: contextBoolean.default(false),
    /** Import this existing table (a retained one, after `cdk destroy`) instead of creating one. */
    jobsTableName: z
      .string()
      .regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'a DynamoDB table name')
      .optional(),
    /** The VPC's range: pick one that overlaps none of the networks you peer it with. */
    vpcCidr: cidr.default(DEFAULT_VPC_CIDR),
    /** Import this existing keys table (a retained one, after `cdk destroy`) instead of creating one. */
    keysTableName: z
      .string()
      .regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'a DynamoDB table name')
      .optional(),
    allowedCidrs: z
      .string()
      .transform((value) => value.split(',').map((part) => part.trim()))
      .pipe(z.array(cidr).min(1))
      .optional(),
    alarmTopicArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, 'an SNS topic ARN')
      .optional(),
    natGateways: z.coerce.number().int().min(0).max(MAX_NAT_GATEWAYS).default(DEFAULT_NAT_GATEWAYS),
    front: contextBoolean.default(true),
    frontMinTasks: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_FRONT_TASKS)
      .default(DEFAULT_FRONT_MIN_TASKS),
    frontMaxTasks: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_FRONT_TASKS)
      .default(DEFAULT_FRONT_MAX_TASKS),
  })
  .refine((settings) => settings.frontMaxTasks >= settings.frontMinTasks, {
    path: ['frontMaxTasks'],
    message: 'must be at least frontMinTasks',
  })
  .refine(
    (settings) => settings.certificateArn === undefined || !settings.insecurePublicPlaintext,
    {
      path: ['insecurePublicPlaintext'],
      message: 'contradicts certificateArn (which gives a public TLS listener): drop one',
    },
  );

/** What one deployment of Sluice is, read from CDK context (cdk.json or `-c key=value`). */
export type SluiceSettings = z.infer<typeof settingsSchema>;

/** The context keys `readSluiceSettings` reads. */
export const SETTINGS_CONTEXT_KEYS: readonly (keyof SluiceSettings)[] = Object.freeze([
  'prefix',
  'certificateArn',
  'insecurePublicPlaintext',
  'jobsTableName',
  'keysTableName',
  'vpcCidr',
  'allowedCidrs',
  'alarmTopicArn',
  'natGateways',
  'front',
  'frontMinTasks',
  'frontMaxTasks',
]);

/**
 * The front's load balancer listener: `internal` (the default: plaintext on a
 * load balancer reachable only from inside the VPC and networks routed to
 * it), `public-tls` (with `certificateArn`) or `public-plaintext` (only with
 * `insecurePublicPlaintext`, never by default: API keys would cross the
 * internet in clear text).
 */
export type FrontListener =
  | { exposure: 'internal' }
  | { exposure: 'public-tls'; certificateArn: string }
  | { exposure: 'public-plaintext' };

/** Where clients reach the front from. */
export type FrontExposure = FrontListener['exposure'];

/**
 * The listener the settings ask for: a public one needs a certificate or the
 * loudly named opt-in.
 *
 * @example
 * ```ts
 * frontListener(readSluiceSettings(app)); // { exposure: 'internal' } without -c certificateArn=...
 * ```
 */
export function frontListener(settings: SluiceSettings): FrontListener {
  if (settings.certificateArn !== undefined) {
    return { exposure: 'public-tls', certificateArn: settings.certificateArn };
  }
  return { exposure: settings.insecurePublicPlaintext ? 'public-plaintext' : 'internal' };
}

/**
 * Reads the deployment's settings from CDK context once, at the edge, so the
 * constructs get typed values: `prefix` (stack and queue names),
 * `certificateArn` (a public TLS listener; without it the load balancer is
 * internal), `insecurePublicPlaintext` (a public plaintext listener, warned
 * about), `jobsTableName`/`keysTableName` (import a
 * retained jobs or keys table), `allowedCidrs`
 * (comma-separated; who may reach the endpoint: default anyone on a public
 * listener, the VPC's own range on an internal one), `vpcCidr` (the VPC's
 * range, default 10.0.0.0/16; choose one free for peering), `alarmTopicArn` (where
 * alarms notify), `natGateways` (default 0), `front` (`false` leaves out the
 * VPC, Fargate service and NLB, e.g. for a LocalStack without ECS) and
 * `frontMinTasks`/`frontMaxTasks` (autoscaling bounds). An invalid value
 * throws a `ValidationError` naming the context key.
 *
 * @example
 * ```ts
 * const settings = readSluiceSettings(app); // cdk deploy -c certificateArn=arn:aws:acm:...
 * ```
 */
export function readSluiceSettings(scope: Construct): SluiceSettings {
  const raw: Record<string, unknown> = {};
  for (const key of SETTINGS_CONTEXT_KEYS) {
    const value: unknown = scope.node.tryGetContext(key);
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `context "${issue.path.join('.')}": ${issue.message}`,
    );
    throw new ValidationError(`invalid CDK context: ${problems.join('; ')}`, {
      field: parsed.error.issues[0]?.path.join('.'),
      cause: parsed.error,
    });
  }
  return parsed.data;
}
