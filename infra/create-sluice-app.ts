import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CHANNELS } from '../core/channels/channels.js';
import { readSluiceSettings } from './sluice-settings.js';
import { SluiceStack } from './sluice-stack.js';

/** Options of `createSluiceApp`. */
export interface SluiceAppOptions {
  /** CDK context (the CLI passes cdk.json's and `-c` values itself; tests pass them here). */
  context?: Record<string, unknown>;
  /** Where the cloud assembly goes (default: the CLI's, or a temporary directory). */
  outdir?: string;
  /**
   * CDK's built-in CloudFormation schema validation (default: on unless
   * `CDK_VALIDATION=false`). It only warns, and costs ~10 s of a ~15 s
   * synthesis here, so `npm run synth` and the tests turn it off; `cdk deploy` keeps it.
   */
  cloudFormationValidation?: boolean;
}

/** The CDK app and its one stack. */
export interface SluiceApp {
  app: App;
  stack: SluiceStack;
}

/**
 * Builds the Sluice CDK app: one stack from the channel config and the
 * context's settings, with cdk-nag's AwsSolutions pack registered as a policy
 * validation plugin, so every synthesis (`cdk synth`, `cdk deploy`, tests)
 * checks the templates and fails on any unacknowledged finding. The same
 * function serves infra/app.ts and the tests, so they check what deploys.
 *
 * @example
 * ```ts
 * const { app } = createSluiceApp();
 * app.synth();
 * ```
 */
export function createSluiceApp(options: SluiceAppOptions = {}): SluiceApp {
  const app = new App({
    context: options.context,
    outdir: options.outdir,
    builtinCloudFormationValidation: options.cloudFormationValidation,
  });
  const settings = readSluiceSettings(app);
  const stack = new SluiceStack(app, 'Sluice', {
    stackName: settings.prefix,
    description:
      'Sluice: gRPC job front (Fargate, NLB), SQS FIFO channels, Lambda consumers, DynamoDB jobs table',
    settings,
    channels: CHANNELS,
  });
  // cdk-nag 3 is a policy validation plugin (an Aspect no more): it runs after synthesis and
  // reads acknowledgements made with Validations.of(construct).acknowledge(...).
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
