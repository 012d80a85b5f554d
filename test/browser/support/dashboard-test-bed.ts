import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient, type Client } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { keysTableNameOf } from '../../../core/config/aws-config.js';
import { ApiKeyStore } from '../../../core/keys/api-key-store.js';
import { JobService, type Job } from '../../../proto/gen/es/sluice/v1/job_service_pb.js';
import { startTestSystem, type TestSystem } from '../../support/test-runtime.js';
import { launchChromium } from './headless-chromium.js';

const ENCODER = new TextEncoder();

/** A whole Sluice with API keys on, a tenant's key, an operator's, and a browser. */
export interface DashboardTestBed {
  system: TestSystem;
  browser: Browser;
  /** The dashboard's origin: `http://127.0.0.1:<web port>`. */
  base: string;
  tenantKey: string;
  operatorKey: string;
  /** The JobService as the tenant, over Connect from Node (to set up and check jobs). */
  api: Client<typeof JobService>;
  /** Submits a job as the tenant; the payload as JSON unless it is a string. */
  submit(input: {
    type: string;
    payload?: unknown;
    contentType?: string;
    groupKey?: string;
    attributes?: Record<string, string>;
  }): Promise<string>;
  /** Waits (over WatchJobs) until the job is in one of the states, and returns it. */
  waitForState(jobId: string, states: readonly number[]): Promise<Job>;
  /** A fresh browser context (its own session storage), signed in with `key` if given. */
  openPage(key?: string): Promise<{ context: BrowserContext; page: Page }>;
  stop(): Promise<void>;
}

/**
 * Starts what a browser test needs: the local runtime (front with the
 * dashboard, emulators, consumers) with API keys on, two keys of tenant
 * `acme` (tenant and operator roles), and headless Chromium.
 *
 * @example
 * ```ts
 * const bed = await startDashboardTestBed();
 * const { page } = await bed.openPage(bed.tenantKey);
 * ```
 */
export async function startDashboardTestBed(): Promise<DashboardTestBed> {
  const system = await startTestSystem({ frontEnv: { SLUICE_AUTH: 'api-keys' } });
  const browser = await launchChromium();
  const base = `http://127.0.0.1:${system.runtime.webPort}`;
  const store = new ApiKeyStore({
    client: system.runtime.clients.documents,
    tableName: keysTableNameOf(system.runtime.resources),
  });
  const tenantKey = (await store.create('acme')).key;
  const operatorKey = (await store.create('acme', { role: 'operator' })).key;
  const authorization = `Bearer ${tenantKey}`;
  const api = createClient(
    JobService,
    createConnectTransport({
      baseUrl: base,
      httpVersion: '1.1',
      interceptors: [
        (next) => (request) => {
          request.header.set('authorization', authorization);
          return next(request);
        },
      ],
    }),
  );
  const contexts: BrowserContext[] = [];
  return {
    system,
    browser,
    base,
    tenantKey,
    operatorKey,
    api,
    async submit(input) {
      const payload =
        typeof input.payload === 'string' ? input.payload : JSON.stringify(input.payload ?? {});
      const { jobId } = await api.submitJob({
        channel: 'default',
        type: input.type,
        payload: ENCODER.encode(payload),
        contentType: input.contentType ?? 'application/json',
        groupKey: input.groupKey ?? '',
        attributes: input.attributes ?? {},
      });
      return jobId;
    },
    async waitForState(jobId, states) {
      for await (const { job } of api.watchJobs({ jobIds: [jobId] })) {
        if (job !== undefined && states.includes(job.state)) return job;
      }
      const { job } = await api.getJob({ jobId });
      if (job !== undefined && states.includes(job.state)) return job;
      throw new Error(`job ${jobId} ended in state ${job?.state} instead of ${states.join('|')}`);
    },
    async openPage(key) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      contexts.push(context);
      const page = await context.newPage();
      if (key !== undefined) {
        await page.goto(`${base}/`);
        await page.getByLabel('API key').fill(key);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('heading', { name: 'Overview' }).waitFor();
      }
      return { context, page };
    },
    async stop() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await system.stop();
    },
  };
}

/**
 * Saves a full-page screenshot as `<dir>/<name>.png` when
 * `SLUICE_SCREENSHOTS_DIR` is set (the README's pictures:
 * `SLUICE_SCREENSHOTS_DIR=docs/screenshots npm run test:browser`).
 *
 * @example
 * ```ts
 * await screenshot(page, 'jobs');
 * ```
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SLUICE_SCREENSHOTS_DIR;
  if (dir === undefined || dir === '') return;
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
