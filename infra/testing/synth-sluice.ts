import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations, type App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createSluiceApp, type SluiceApp } from '../create-sluice-app.js';
import { PROJECT_ROOT } from '../project-paths.js';

/** CDK's context key naming the stacks whose assets are bundled (`[]`: none). */
export const BUNDLING_STACKS_CONTEXT = 'aws:cdk:bundling-stacks';

/** A synthesised Sluice app in its own temporary cloud assembly directory. */
export interface SynthesisedSluice extends SluiceApp {
  template: Template;
  /** The cloud assembly directory (staged assets are `asset.<hash>` in it). */
  outdir: string;
  remove(): Promise<void>;
}

/** An acknowledged cdk-nag finding: where, which rule, and why. */
export interface Acknowledgement {
  path: string;
  rule: string;
  reason: string;
}

/**
 * Every AwsSolutions finding acknowledged in `app` (`Validations.of(c).acknowledge`).
 *
 * @example
 * ```ts
 * acknowledgements(sluice.app).map((a) => `${a.path} ${a.rule}`); // ['Sluice/Front/Task AwsSolutions-ECS2', ...]
 * ```
 */
export function acknowledgements(app: App): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  for (const construct of app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [rule, reason] of Object.entries(entry.data as Record<string, string>)) {
        if (!/^Annotation::AwsSolutions-/.test(rule)) continue;
        found.push({ path: construct.node.path, rule: rule.replace(/^Annotation::/, ''), reason });
      }
    }
  }
  return found;
}

/** cdk.json's context (the feature flags `cdk synth` runs with). */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/**
 * Builds the app as `cdk synth` does (cdk.json's context plus `context`, the
 * cdk-nag plugin registered) and synthesises it once; a finding cdk-nag does
 * not see acknowledged makes this throw.
 *
 * @example
 * ```ts
 * const sluice = await synthSluice({ certificateArn: 'arn:aws:acm:...' });
 * sluice.template.resourceCountIs('AWS::SQS::Queue', 2);
 * ```
 */
export async function synthSluice(
  context: Record<string, unknown> = {},
): Promise<SynthesisedSluice> {
  const outdir = await mkdtemp(join(tmpdir(), 'sluice-cdk-'));
  try {
    const sluice = createSluiceApp({
      context: { ...cdkJsonContext(), ...context },
      outdir,
      cloudFormationValidation: false,
    });
    const template = Template.fromStack(sluice.stack);
    return {
      ...sluice,
      template,
      outdir,
      remove: () => rm(outdir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(outdir, { recursive: true, force: true });
    throw error;
  }
}
