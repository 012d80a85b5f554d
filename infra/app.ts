// The CDK app (cdk.json: `npx tsx infra/app.ts`). Context: see infra/sluice-settings.ts.
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { ValidationError } from '../core/errors/index.js';
import { createSluiceApp } from './create-sluice-app.js';
import { FRONT_BUNDLE_FILE, PROJECT_ROOT } from './project-paths.js';

const { app, stack } = createSluiceApp();
// Without the bundle, the staged image context has no dist/ and the image could not start.
if (stack.front !== undefined && !existsSync(FRONT_BUNDLE_FILE)) {
  throw new ValidationError(
    `${relative(PROJECT_ROOT, FRONT_BUNDLE_FILE)} is missing: run "npm run build:front" first`,
    { field: 'container/dist' },
  );
}
app.synth();
