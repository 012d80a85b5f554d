#!/usr/bin/env node
// Launches the TypeScript CLI through tsx's loader, resolved next to this file,
// so `sluice` works from any directory without a build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
