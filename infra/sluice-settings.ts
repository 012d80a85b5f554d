import type { Construct } from 'constructs';
import { z } from 'zod';
import { ValidationError } from '../core/errors/index.js';

/** Names the stack, the queues (`<prefix>-<channel>.fifo`) and the table (`<prefix>-jobs`). */
export const DEFAULT_PREFIX = 'sluice';
/** One NAT gateway: the cheap default; `-c natGateways=2` gives one per zone. */
const DEFAULT_NAT_GATEWAYS = 1;
/** The VPC spans two zones (enough for the NLB and the tasks), so at most two NAT gateways. */
const MAX_NAT_GATEWAYS = 2;
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
    allowedCidrs: z
      .string()
      .transform((value) => value.split(',').map((part) => part.trim()))
      .pipe(z.array(cidr).min(1))
      .optional(),
    alarmTopicArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, 'an SNS topic ARN')
      .optional(),
    natGateways: z.coerce.number().int().min(1).max(MAX_NAT_GATEWAYS).default(DEFAULT_NAT_GATEWAYS),
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
  });

/** What one deployment of Sluice is, read from CDK context (cdk.json or `-c key=value`). */
export type SluiceSettings = z.infer<typeof settingsSchema>;

/** The context keys `readSluiceSettings` reads. */
export const SETTINGS_CONTEXT_KEYS: readonly (keyof SluiceSettings)[] = Object.freeze([
  'prefix',
  'certificateArn',
  'allowedCidrs',
  'alarmTopicArn',
  'natGateways',
  'front',
  'frontMinTasks',
  'frontMaxTasks',
]);

/**
 * Reads the deployment's settings from CDK context once, at the edge, so the
 * constructs get typed values: `prefix` (stack, queue and table names),
 * `certificateArn` (a TLS listener instead of plain TCP), `allowedCidrs`
 * (comma-separated; who may reach the endpoint, default anyone),
 * `alarmTopicArn` (where alarms notify), `natGateways`, `front` (`false`
 * leaves out the VPC, Fargate service and NLB, e.g. for a LocalStack without
 * ECS) and `frontMinTasks`/`frontMaxTasks` (autoscaling bounds). An invalid
 * value throws a `ValidationError` naming the context key.
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
